from odoo import api, fields, models


class CreditIssueCategory(models.Model):
    """What a debtor's complaint is about: decides pausing, the time to resolve (SLA) and who solves it."""

    _name = "credit.issue.category"
    _description = "Issue category"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code, the same in every company (used by imports and the API).")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    pause_followup = fields.Boolean(
        string="Pause follow-up",
        default=True,
        help="While a dispute of this category is open, its invoices are not followed up.",
    )
    resolve_days = fields.Integer(
        string="Time to resolve (days)",
        default=10,
        help="Service level: the dispute's deadline is this many days after it was opened.",
    )
    responsible_mode = fields.Selection(
        [("user", "A fixed user"), ("salesperson", "The invoice's salesperson")],
        string="Default responsible",
        required=True,
        default="user",
    )
    responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible user",
        domain="[('share', '=', False)]",
        check_company=True,
        help="Gets the disputes of this category; empty: the credit manager who registers it.",
    )
    portal_visible = fields.Boolean(string="Visible on the portal", default=True, help="Debtors may choose it.")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True, help="Explains to the person registering when to use this category.")

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The code of an issue category must be unique per company."),
        ("resolve_days_positive", "CHECK(resolve_days >= 0)", "The time to resolve cannot be negative."),
    ]

    def _default_responsible(self, moves):
        """The user who gets a new dispute of this category on ``moves``."""
        self.ensure_one()
        if self.responsible_mode == "salesperson":
            salesperson = moves.invoice_user_id.filtered(lambda u: not u.share)[:1]
            if salesperson:
                return salesperson
        return self.responsible_user_id

    @api.model
    def _shipped_categories(self):
        """The categories shipped with the module (main company's records), used as templates for other companies."""
        data_sudo = (
            self.env["ir.model.data"].sudo().search([("module", "=", "credit_dispute"), ("model", "=", self._name)])
        )
        # sudo: the shipped records belong to the main company; they are templates for every other company
        return (
            self.sudo().browse(data_sudo.mapped("res_id")).with_context(active_test=False).exists().sorted("sequence")
        )

    @api.model
    def _credit_ensure_company_categories(self, company, codes=None):
        """Give ``company`` the shipped categories it does not have yet (copies keep the translations)."""
        existing = set(self.with_context(active_test=False).search([("company_id", "=", company.id)]).mapped("code"))
        created = self.browse()
        for template in self._shipped_categories():
            if template.code in existing or (codes is not None and template.code not in codes):
                continue
            created |= template.copy({"company_id": company.id, "responsible_user_id": False, "active": True})
        return created.with_env(self.env)
