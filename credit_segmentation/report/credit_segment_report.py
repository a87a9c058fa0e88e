from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.credit_followup.models.res_company import company_today_sql

DSO_HELP = (
    "Days sales outstanding of the segment: its debtors' open receivables / their invoiced revenue of the "
    "last 365 days × 365. Empty without revenue."
)


class CreditSegmentReport(models.Model):
    """Overdue and DSO per company, segment and risk band (a SQL view over the posted customer invoices)."""

    _name = "credit.segment.report"
    _inherit = "credit.sql.view"
    _description = "Segment report"
    _auto = False
    _order = "company_id, segment_id"
    _rec_name = "segment_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("credit.segment", readonly=True)
    risk_band = fields.Selection([("low", "Low"), ("medium", "Medium"), ("high", "High")], string="Risk", readonly=True)
    debtor_count = fields.Integer(string="Debtors", readonly=True)
    open_amount = fields.Monetary(string="Open", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    revenue = fields.Monetary(string="Invoiced (365 days)", readonly=True)
    dso = fields.Float(string="DSO (days)", readonly=True, digits=(16, 1), aggregator="avg", help=DSO_HELP)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH debtor AS (
                SELECT m.company_id, m.commercial_partner_id AS partner_id,
                       COALESCE(SUM(m.amount_residual_signed)
                           FILTER (WHERE m.payment_state IN ('not_paid', 'partial')), 0) AS open_amount,
                       COALESCE(SUM(m.amount_residual_signed)
                           FILTER (WHERE m.payment_state IN ('not_paid', 'partial')
                                     AND m.invoice_date_due < %(today)s), 0) AS overdue_amount,
                       COALESCE(SUM(m.amount_total_signed)
                           FILTER (WHERE m.invoice_date >= %(today)s - 365), 0) AS revenue
                  FROM account_move m
                  JOIN res_company mc ON mc.id = m.company_id
                 WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                 GROUP BY m.company_id, m.commercial_partner_id
            ),
            grouped AS (
                SELECT d.company_id,
                       (p.credit_segment_id->>d.company_id::text)::int AS segment_id,
                       (p.credit_risk_band->>d.company_id::text) AS risk_band,
                       COUNT(*) AS debtor_count, SUM(d.open_amount) AS open_amount,
                       SUM(d.overdue_amount) AS overdue_amount, SUM(d.revenue) AS revenue
                  FROM debtor d
                  JOIN res_partner p ON p.id = d.partner_id
                 GROUP BY 1, 2, 3
            )
            SELECT ROW_NUMBER() OVER (ORDER BY g.company_id, g.segment_id, g.risk_band) AS id,
                   g.company_id, c.currency_id, g.segment_id, g.risk_band::varchar AS risk_band, g.debtor_count,
                   g.open_amount, g.overdue_amount, g.revenue,
                   CASE WHEN g.revenue > 0 THEN (g.open_amount / g.revenue * 365)::float8 END AS dso
              FROM grouped g
              JOIN res_company c ON c.id = g.company_id
            """,
            today=company_today_sql("mc"),
        )

    def _read_group_select(self, aggregate_spec, query):
        """DSO of a group: its open receivables / its revenue × 365 (not the average of the rows' DSO)."""
        if aggregate_spec != "dso:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "CASE WHEN SUM(%(revenue)s) > 0 THEN (SUM(%(open)s) / SUM(%(revenue)s) * 365)::float8 END",
            revenue=self._field_to_sql(self._table, "revenue", query),
            open=self._field_to_sql(self._table, "open_amount", query),
        )
