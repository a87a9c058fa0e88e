from odoo import api, fields, models


class CreditFollowupContact(models.Model):
    _inherit = "credit.followup.contact"

    dispute_id = fields.Many2one("credit.dispute", ondelete="set null", readonly=True)

    @api.model
    def _credit_contact_outcomes(self):
        return [*super()._credit_contact_outcomes(), ("dispute", self.env._("Dispute"))]
