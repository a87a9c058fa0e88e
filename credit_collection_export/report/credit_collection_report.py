from odoo import fields, models
from odoo.tools import SQL

from ..models.credit_collection_case import CASE_STATES


class CreditCollectionReport(models.Model):
    """Agency results per month of hand-over: handed over, collected, fees, outstanding, days to collect."""

    _name = "credit.collection.report"
    _description = "Collection agency results"
    _auto = False
    _order = "date desc"

    date = fields.Date(string="Handed over on", readonly=True)
    agency_id = fields.Many2one("credit.collection.agency", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(CASE_STATES, readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True)
    amount_handed_over = fields.Monetary(string="Handed over", readonly=True)
    amount_collected = fields.Monetary(string="Collected", readonly=True)
    amount_outstanding = fields.Monetary(string="Outstanding", readonly=True)
    fee_amount = fields.Monetary(string="Fees", readonly=True)
    success_rate = fields.Float(
        string="Success rate (%)", readonly=True, aggregator="avg", help="Collected as a share of the claim, per case."
    )
    days_to_collect = fields.Float(string="Days to collect", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        # a plain view over the cases: every figure of the pivot is one aggregate of a case column
        return SQL(
            """
            SELECT c.id, c.date_handed_over AS date, c.agency_id, c.company_id, c.partner_id, c.currency_id,
                   c.state, 1 AS case_count, c.amount_total AS amount_handed_over,
                   c.amount_collected, c.amount_outstanding, c.fee_amount,
                   CASE WHEN c.amount_total > 0 THEN 100.0 * c.amount_collected / c.amount_total END AS success_rate,
                   CASE WHEN c.state IN ('paid', 'partly_paid') AND c.date_closed IS NOT NULL
                        THEN c.date_closed - c.date_handed_over END AS days_to_collect
              FROM credit_collection_case c
            """
        )
