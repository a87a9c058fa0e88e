from odoo import api, fields, models

INTEREST_KINDS = [
    ("consumer", "Statutory interest (BW 6:119)"),
    ("commercial", "Commercial interest (BW 6:119a)"),
]


class CreditInterestRate(models.Model):
    _name = "credit.interest.rate"
    _description = "Statutory interest rate"
    _order = "kind, date_from desc"

    kind = fields.Selection(
        INTEREST_KINDS,
        required=True,
        help="Statutory interest (wettelijke rente) for consumers; commercial interest (wettelijke handelsrente) "
        "for claims between businesses.",
    )
    date_from = fields.Date(string="Valid from", required=True, help="The rate applies from this day on.")
    rate = fields.Float(string="Rate (%)", required=True, digits=(16, 4), help="Yearly rate in percent.")
    source = fields.Char(help="Where the figure is published.")
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the rate of the law, for every company. Set: this company's own."
    )

    _sql_constraints = [
        (
            "kind_date_company_uniq",
            "unique(kind, date_from, company_id)",
            "There is already a rate of this kind from this date.",
        ),
        ("rate_positive", "CHECK(rate >= 0)", "A rate cannot be negative."),
    ]

    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for rate in self:
            rate.display_name = f"{kinds.get(rate.kind, '')} {rate.rate:g} % ({rate.date_from})"

    @api.model
    def _credit_rate_table(self, kind, company):
        """[(date_from, rate)] ascending; a company's own row wins over the law's row of the same date."""
        rows = self.search_read(
            [("kind", "=", kind), ("company_id", "in", [False, company.id])],
            ["date_from", "rate", "company_id"],
            order="date_from, company_id nulls first",
        )
        table = {}
        for row in rows:
            table[row["date_from"]] = row["rate"]
        return sorted(table.items())
