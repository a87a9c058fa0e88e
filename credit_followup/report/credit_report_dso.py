from odoo import fields, models
from odoo.tools import SQL

from ..models.res_company import company_today_sql

DSO_HELP = (
    "Days sales outstanding = receivables at month end / revenue of the month × days in the month. "
    "Empty when the month has no revenue. Over several months or companies: average month-end "
    "receivables / revenue of the period × days of the period."
)


class CreditReportDso(models.Model):
    """Days sales outstanding per company and month (a SQL view), over the last 24 months.

    Receivables at month end: balance of the posted journal items on receivable accounts dated up to the
    month's last day. Revenue: credit minus debit of the posted journal items on income accounts
    (income, other income) dated in the month. Both in the company's currency.
    """

    _name = "credit.report.dso"
    _inherit = "credit.sql.view"
    _description = "Days sales outstanding"
    _auto = False
    _order = "date desc, company_id"
    _rec_name = "date"

    date = fields.Date(string="Month", readonly=True, help="First day of the month.")
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    receivables = fields.Monetary(
        string="Receivables at month end",
        readonly=True,
        aggregator="avg",
        help="Balance of the receivable accounts on the month's last day (posted entries). Over several "
        "months: the average month-end balance; over several companies: their sum.",
    )
    revenue = fields.Monetary(
        readonly=True, help="Credit minus debit on income and other income accounts in the month (posted entries)."
    )
    days = fields.Integer(string="Days in month", readonly=True, aggregator=None)
    dso = fields.Float(string="DSO (days)", readonly=True, digits=(16, 1), aggregator="avg", help=DSO_HELP)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH monthly AS (
                SELECT aml.company_id, date_trunc('month', aml.date)::date AS month,
                       COALESCE(SUM(aml.balance) FILTER (WHERE acc.account_type = 'asset_receivable'), 0)
                           AS receivable_change,
                       COALESCE(-SUM(aml.balance) FILTER (WHERE acc.account_type IN ('income', 'income_other')), 0)
                           AS revenue
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                 WHERE aml.parent_state = 'posted'
                   AND acc.account_type IN ('asset_receivable', 'income', 'income_other')
                 GROUP BY aml.company_id, date_trunc('month', aml.date)
            ),
            series AS (
                SELECT f.company_id, s.month::date AS month
                  FROM (SELECT company_id, MIN(month) AS first_month FROM monthly GROUP BY company_id) f
                  JOIN res_company fc ON fc.id = f.company_id
                 CROSS JOIN LATERAL generate_series(
                       f.first_month, date_trunc('month', %(today_f)s), INTERVAL '1 month') AS s(month)
            ),
            running AS (
                SELECT s.company_id, s.month,
                       SUM(COALESCE(m.receivable_change, 0))
                           OVER (PARTITION BY s.company_id ORDER BY s.month) AS receivables,
                       COALESCE(m.revenue, 0) AS revenue,
                       EXTRACT(DAY FROM s.month + INTERVAL '1 month - 1 day')::int AS days
                  FROM series s
                  LEFT JOIN monthly m ON m.company_id = s.company_id AND m.month = s.month
            )
            SELECT r.company_id::bigint * 1000000 + EXTRACT(YEAR FROM r.month)::int * 100
                       + EXTRACT(MONTH FROM r.month)::int AS id,
                   r.month AS date, r.company_id, c.currency_id, r.receivables, r.revenue, r.days,
                   CASE WHEN r.revenue > 0 THEN (r.receivables / r.revenue * r.days)::float8 END AS dso
              FROM running r
              JOIN res_company c ON c.id = r.company_id
             WHERE r.month >= date_trunc('month', %(today_c)s) - INTERVAL '23 months'
            """,
            today_f=company_today_sql("fc"),
            today_c=company_today_sql("c"),
        )

    def _read_group_select(self, aggregate_spec, query):
        """Groups of months and companies: receivables are a month-end stock, DSO a ratio.

        Receivables: the average over the group's months of the month-end balance, summed over its companies.
        DSO: those receivables / the group's revenue × the days of its period.
        """
        if aggregate_spec not in ("receivables:avg", "dso:avg"):
            return super()._read_group_select(aggregate_spec, query)
        receivables = self._field_to_sql(self._table, "receivables", query)
        months = self._field_to_sql(self._table, "date", query)
        if aggregate_spec == "receivables:avg":
            return SQL("SUM(%s) / NULLIF(COUNT(DISTINCT %s), 0)", receivables, months)
        return SQL(
            "CASE WHEN SUM(%(revenue)s) > 0 THEN (SUM(%(receivables)s) * SUM(%(days)s)"
            " / (SUM(%(revenue)s) * COUNT(*)))::float8 END",
            revenue=self._field_to_sql(self._table, "revenue", query),
            receivables=receivables,
            days=self._field_to_sql(self._table, "days", query),
        )
