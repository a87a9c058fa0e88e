from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Besluit vergoeding voor buitengerechtelijke incassokosten (Stb. 2012, 141), art. 2: the scale on the
# principal. Shipped as each company's initial brackets; a change in the law is a change of these records.
WIK_BRACKETS = [(0.0, 15.0), (2500.0, 10.0), (5000.0, 5.0), (10000.0, 1.0), (200000.0, 0.5)]
WIK_MINIMUM = 40.0
WIK_MAXIMUM = 6775.0


class CreditCollectionCostBracket(models.Model):
    _name = "credit.collection.cost.bracket"
    _description = "Collection costs bracket"
    _order = "company_id, amount_from"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_from = fields.Monetary(
        string="Principal above",
        required=True,
        help="The rate applies to the part of the principal above this amount, up to the next bracket.",
    )
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4))

    _sql_constraints = [
        ("amount_company_uniq", "unique(company_id, amount_from)", "Two brackets cannot start at the same amount."),
        ("amount_positive", "CHECK(amount_from >= 0 AND rate >= 0)", "Amounts and rates cannot be negative."),
    ]

    @api.constrains("company_id", "amount_from")
    def _check_first_bracket(self):
        for company in self.company_id:
            brackets = company.credit_collection_cost_bracket_ids
            if brackets and min(brackets.mapped("amount_from")) != 0:
                raise ValidationError(
                    self.env._("The collection costs scale of %s must start at 0.", company.display_name)
                )

    @api.model
    def _install_brackets(self, companies=None):
        """Give every company without a scale the statutory Dutch one (install and new companies)."""
        companies = companies if companies is not None else self.env["res.company"].search([])
        vals_list = [
            {"company_id": company.id, "amount_from": amount_from, "rate": rate}
            for company in companies.filtered(lambda c: not c.credit_collection_cost_bracket_ids)
            for amount_from, rate in WIK_BRACKETS
        ]
        return self.create(vals_list)
