from odoo import models


class CreditFollowupWorklist(models.Model):
    _inherit = "credit.followup.worklist"

    def action_collection_hand_over(self):
        """Hand the selected debtors' open invoices to an agency."""
        return self.env["credit.collection.hand.over"].action_open(partners=self.partner_id)
