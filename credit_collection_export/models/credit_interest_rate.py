from odoo import api, models


class CreditInterestRate(models.Model):
    _inherit = "credit.interest.rate"

    @api.model
    def _credit_rate_table(self, kind, company):
        """Read each rate table once per export or hand-over (context key ``credit_rate_table_cache``, a
        dict): the interest of 10,000 invoices costs one query per kind of interest, not one per invoice."""
        cache = self.env.context.get("credit_rate_table_cache")
        if cache is None:
            return super()._credit_rate_table(kind, company)
        key = (kind, company.id)
        if key not in cache:
            cache[key] = super()._credit_rate_table(kind, company)
        return cache[key]
