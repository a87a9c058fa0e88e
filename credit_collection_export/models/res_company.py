from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _credit_collection_today(self):
        """The company's today for hand-overs and status files."""
        self.ensure_one()
        if hasattr(self, "_credit_today"):
            return self._credit_today()
        return fields.Date.context_today(self.with_company(self))
