from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionHandOver(models.TransientModel):
    """Choose an agency for the selected invoices (or a debtor's open invoices) and hand them over."""

    _name = "credit.collection.hand.over"
    _description = "Hand over to a collection agency"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    agency_id = fields.Many2one(
        "credit.collection.agency",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices", check_company=True, domain="[('company_id', '=', company_id)]"
    )
    skipped_count = fields.Integer(
        readonly=True, help="Selected invoices that are not open, not posted or already at an agency."
    )
    disputed_move_ids = fields.Many2many("account.move", compute="_compute_summary", string="Disputed invoices")
    include_disputed = fields.Boolean(
        string="Hand over the disputed invoices too",
        help="Disputed invoices stay with us unless you confirm here that they go to the agency as well.",
    )
    partner_count = fields.Integer(string="Debtors", compute="_compute_summary")
    principal = fields.Monetary(string="Open amount", compute="_compute_summary", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("move_ids", "include_disputed")
    def _compute_summary(self):
        Case = self.env["credit.collection.case"]
        for wizard in self:
            disputed = Case._disputed_moves(wizard.move_ids)
            wizard.disputed_move_ids = wizard.move_ids.filtered(lambda m, d=disputed: m.id in d)
            moves = wizard._moves_to_hand_over()
            wizard.partner_count = len(moves.commercial_partner_id)
            wizard.principal = sum(moves.mapped("amount_residual_signed"))

    def _moves_to_hand_over(self):
        self.ensure_one()
        return self.move_ids if self.include_disputed else self.move_ids - self.disputed_move_ids

    @api.model
    def action_open(self, moves=None, partners=None):
        """The wizard for ``moves`` or for the open invoices of ``partners`` in the current company."""
        Move = self.env["account.move"]
        domain = self.env["credit.collection.case"]._open_invoice_domain() + [
            ("credit_followup_state", "!=", "collection")
        ]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.commercial_partner_id.ids))
            selected = Move.search(domain)
            skipped = 0
        else:
            selected = (moves or Move).filtered_domain(domain)
            skipped = len(moves or Move) - len(selected)
        if not selected:
            raise UserError(self.env._("There are no open invoices to hand over."))
        agency = self.env["credit.collection.agency"].search([("company_id", "=", self.env.company.id)], limit=1)
        wizard = self.create(
            {"move_ids": [fields.Command.set(selected.ids)], "skipped_count": skipped, "agency_id": agency.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand over to a collection agency"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        self.ensure_one()
        moves = self._moves_to_hand_over()
        if not moves:
            raise UserError(self.env._("Every selected invoice is disputed; confirm to hand them over."))
        cases = self.agency_id.hand_over(moves, include_disputed=self.include_disputed)
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_export.action_credit_collection_case")
        if len(cases) == 1:
            action.update({"res_id": cases.id, "view_mode": "form", "views": [(False, "form")]})
        else:
            action["domain"] = [("id", "in", cases.ids)]
        return action
