from odoo import api, fields, models

CHANNELS = [("phone", "Phone"), ("email", "E-mail"), ("letter", "Letter"), ("visit", "Visit"), ("other", "Other")]


class CreditFollowupContact(models.Model):
    """A contact with a debtor logged by a person (call, visit, e-mail…), with its outcome as fields."""

    _name = "credit.followup.contact"
    _description = "Debtor contact"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    move_ids = fields.Many2many("account.move", string="Invoices", check_company=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="Logged by", required=True, default=lambda self: self.env.user)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection([("out", "Outgoing"), ("in", "Incoming")], required=True, default="out")
    outcome = fields.Selection(selection="_selection_outcome", required=True, default="promise")
    note = fields.Html(sanitize=True)
    promise_id = fields.Many2one("credit.followup.promise", string="Promise to pay", ondelete="set null")

    @api.model
    def _credit_contact_outcomes(self):
        """Outcomes of a logged contact; credit_dispute adds "dispute" with super()."""
        return [
            ("promise", self.env._("Promise to pay")),
            ("no_answer", self.env._("No answer")),
            ("wrong_contact", self.env._("Wrong contact")),
            ("other", self.env._("Other")),
        ]

    @api.model
    def _selection_outcome(self):
        return self._credit_contact_outcomes()

    @api.depends("partner_id", "channel", "date")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for contact in self:
            contact.display_name = f"{channels.get(contact.channel)} – {contact.partner_id.name}"
