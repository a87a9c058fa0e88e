from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

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

    def _post_to_chatter(self):
        """The contact as a chatter line (subtype "Debtor contact") on the debtor and each invoice concerned."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        outcomes = dict(self._fields["outcome"]._description_selection(self.env))
        subtype = self.env.ref("credit_followup.mt_credit_contact")
        for contact in self:
            text = self.env._(
                "%(channel)s (%(direction)s) by %(user)s — %(outcome)s",
                channel=channels[contact.channel],
                direction=self.env._("incoming") if contact.direction == "in" else self.env._("outgoing"),
                user=contact.user_id.name,
                outcome=outcomes[contact.outcome],
            )
            if contact.promise_id:
                text += " " + self.env._(
                    "(pays %(amount)s on %(date)s)",
                    amount=format_amount(self.env, contact.promise_id.amount, contact.promise_id.currency_id),
                    date=format_date(self.env, contact.promise_id.date),
                )
            body = Markup("<p>%s</p>%s") % (text, contact.note or "")
            # sudo on the debtor: registering a contact must not need the right to edit contacts (partners)
            for record in [contact.partner_id.sudo(), *contact.move_ids]:
                record.message_post(
                    body=body,
                    subtype_id=subtype.id,
                    message_type="comment",
                    author_id=contact.user_id.partner_id.id,
                    record_company_id=contact.company_id.id,  # whose contact it is on a shared debtor (the dossier)
                )
