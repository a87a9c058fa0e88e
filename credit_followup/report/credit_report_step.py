from odoo import fields, models
from odoo.tools import SQL

PAID_HELP = (
    "Invoices that reached the step and were fully paid at most %s days after it was executed: the "
    "invoice's payment date (its latest reconciliation) falls on the step's date or up to %s days later."
)
RATE_HELP = "Share of the invoices that reached the step that were fully paid within %s days, in percent."


class CreditReportStep(models.Model):
    """How well each follow-up step works (a SQL view): one row per step.

    An invoice reached a step when the step's log row on it is done (once per invoice, whatever the number
    of channels; the earliest date counts). Its payment date is the latest reconciliation date of its
    receivable line (or the date of a payment without journal entry), for fully paid invoices only.
    """

    _name = "credit.report.step"
    _inherit = "credit.sql.view"
    _description = "Follow-up step effectiveness"
    _auto = False
    _order = "company_id, profile_id, offset_days, step_id"
    _rec_name = "step_id"

    step_id = fields.Many2one("credit.followup.step", readonly=True)
    profile_id = fields.Many2one("credit.followup.profile", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    offset_days = fields.Integer(string="Days after due date", readonly=True, aggregator=None)
    channel = fields.Selection(
        selection=lambda self: self.env["credit.followup.step"]._credit_followup_channels(), readonly=True
    )
    reached_count = fields.Integer(
        string="Invoices reached", readonly=True, help="Invoices on which the step was executed (done)."
    )
    paid_7_count = fields.Integer(string="Paid within 7 days", readonly=True, help=PAID_HELP % (7, 7))
    paid_14_count = fields.Integer(string="Paid within 14 days", readonly=True, help=PAID_HELP % (14, 14))
    paid_7_rate = fields.Float(
        string="Paid within 7 days (%)", readonly=True, digits=(16, 1), aggregator="avg", help=RATE_HELP % 7
    )
    paid_14_rate = fields.Float(
        string="Paid within 14 days (%)", readonly=True, digits=(16, 1), aggregator="avg", help=RATE_HELP % 14
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH reached AS (
                SELECT l.step_id, l.move_id, MIN(l.date) AS date
                  FROM credit_followup_log l
                 WHERE l.state = 'done'
                 GROUP BY l.step_id, l.move_id
            ),
            paid AS (
                SELECT m.id AS move_id, GREATEST(rec.date, pay.date) AS date
                  FROM account_move m
                  LEFT JOIN LATERAL (
                        SELECT MAX(apr.max_date) AS date
                          FROM account_move_line aml
                          JOIN account_account acc ON acc.id = aml.account_id
                          JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
                         WHERE aml.move_id = m.id AND acc.account_type = 'asset_receivable'
                  ) rec ON TRUE
                  LEFT JOIN LATERAL (
                        SELECT MAX(p.date) AS date
                          FROM account_move__account_payment rel
                          JOIN account_payment p ON p.id = rel.payment_id
                         WHERE rel.invoice_id = m.id AND p.move_id IS NULL AND p.state IN ('in_process', 'paid')
                  ) pay ON TRUE
                 WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('paid', 'in_payment')
                   AND m.id IN (SELECT move_id FROM reached)
            ),
            counts AS (
                SELECT r.step_id,
                       COUNT(*) AS reached_count,
                       COUNT(*) FILTER (WHERE p.date BETWEEN r.date AND r.date + 7) AS paid_7_count,
                       COUNT(*) FILTER (WHERE p.date BETWEEN r.date AND r.date + 14) AS paid_14_count
                  FROM reached r
                  LEFT JOIN paid p ON p.move_id = r.move_id
                 GROUP BY r.step_id
            )
            SELECT s.id, s.id AS step_id, s.profile_id, s.company_id, s.offset_days, s.channel,
                   COALESCE(c.reached_count, 0) AS reached_count,
                   COALESCE(c.paid_7_count, 0) AS paid_7_count,
                   COALESCE(c.paid_14_count, 0) AS paid_14_count,
                   COALESCE(100.0 * c.paid_7_count / NULLIF(c.reached_count, 0), 0)::float8 AS paid_7_rate,
                   COALESCE(100.0 * c.paid_14_count / NULLIF(c.reached_count, 0), 0)::float8 AS paid_14_rate
              FROM credit_followup_step s
              LEFT JOIN counts c ON c.step_id = s.id
            """
        )

    def _read_group_select(self, aggregate_spec, query):
        """Rates of a group of steps: its paid invoices over its reached invoices, not an average of rates."""
        rates = {"paid_7_rate:avg": "paid_7_count", "paid_14_rate:avg": "paid_14_count"}
        if aggregate_spec not in rates:
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)::float8",
            self._field_to_sql(self._table, rates[aggregate_spec], query),
            self._field_to_sql(self._table, "reached_count", query),
        )
