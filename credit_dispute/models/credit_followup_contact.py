from odoo import api, fields, models

from ..tools.api_values import amount_value, date_value, datetime_value, dispute_ref, invoice_refs, named, plain


class CreditFollowupContact(models.Model):
    _inherit = "credit.followup.contact"

    dispute_id = fields.Many2one("credit.dispute", ondelete="set null", readonly=True)

    @api.model
    def _credit_contact_outcomes(self):
        return [*super()._credit_contact_outcomes(), ("dispute", self.env._("Dispute"))]

    def _api_values(self):
        """The contact as the CRM API shows it, with its promise to pay and its dispute."""
        self.ensure_one()
        promise = self.promise_id
        return {
            "id": self.id,
            "partner": named(self.partner_id),
            "company": named(self.company_id),
            "date": datetime_value(self.date),
            "channel": self.channel,
            "direction": self.direction,
            "outcome": self.outcome,
            "note": plain(self.note),
            "logged_by": named(self.user_id),
            "invoices": invoice_refs(self.move_ids.sorted("id")),
            "promise": {
                "id": promise.id,
                "date": date_value(promise.date),
                "amount": amount_value(promise.amount, promise.currency_id),
                "currency": promise.currency_id.name,
                "state": promise.state,
                "grace_until": date_value(promise.grace_until),
            }
            if promise
            else None,
            "dispute": dispute_ref(self.dispute_id),
        }
