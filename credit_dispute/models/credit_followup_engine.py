from odoo import api, models


class CreditFollowupEngine(models.AbstractModel):
    _inherit = "credit.followup.engine"

    @api.model
    def _credit_reply_to(self, company):
        """Debtors' replies to reminders go to the company's accounts-receivable alias, when it has one."""
        return company._credit_ar_address() or super()._credit_reply_to(company)
