from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_credit_whatsapp_compose(self):
        """WhatsApp the debtor of these invoices (one debtor at a time) from the invoice."""
        return self.env["credit.whatsapp.compose"]._credit_action_open(self.commercial_partner_id, moves=self)
