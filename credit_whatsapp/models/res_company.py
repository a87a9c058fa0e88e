from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _credit_whatsapp_send_after(self):
        """When a reminder may go out: the company's quiet hours (credit_followup), else now."""
        self.ensure_one()
        if hasattr(self, "_credit_send_after"):
            return self._credit_send_after()
        return fields.Datetime.now()
