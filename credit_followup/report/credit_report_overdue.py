from odoo import fields, models
from odoo.tools import SQL

from ..models.account_move import FOLLOWUP_STATES
from ..models.res_company import company_today_sql

AGE_BUCKETS = [
    ("not_due", "Not due"),
    ("1_30", "1–30 days"),
    ("31_60", "31–60 days"),
    ("61_90", "61–90 days"),
    ("91_180", "91–180 days"),
    ("over_180", "Over 180 days"),
]


class CreditReportOverdue(models.Model):
    """Open customer invoices by age (a SQL view): one row per open posted customer invoice."""

    _name = "credit.report.overdue"
    _inherit = "credit.sql.view"
    _description = "Overdue analysis"
    _auto = False
    _order = "days_overdue desc, id"
    _rec_name = "move_id"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    profile_id = fields.Many2one("credit.followup.profile", string="Follow-up profile", readonly=True)
    step_id = fields.Many2one("credit.followup.step", string="Step reached", readonly=True)
    followup_state = fields.Selection(FOLLOWUP_STATES, string="Follow-up", readonly=True)
    invoice_date = fields.Date(string="Invoice date", readonly=True)
    date_due = fields.Date(string="Due date", readonly=True)
    days_overdue = fields.Integer(
        string="Days overdue",
        readonly=True,
        aggregator="max",
        help="Days since the due date, counted to today; 0 when not due yet.",
    )
    age_bucket = fields.Selection(
        AGE_BUCKETS, string="Age", readonly=True, help="How long the invoice is overdue today."
    )
    amount_residual = fields.Monetary(
        string="Open amount", readonly=True, help="Amount still to be paid, in the company's currency."
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT m.id, m.id AS move_id, m.commercial_partner_id AS partner_id, m.company_id,
                   c.currency_id, m.invoice_user_id AS user_id,
                   COALESCE((p.credit_followup_profile_id ->> m.company_id::text)::int, dp.id) AS profile_id,
                   m.credit_followup_step_id AS step_id, m.credit_followup_state AS followup_state,
                   m.invoice_date, m.invoice_date_due AS date_due,
                   GREATEST(%(today)s - m.invoice_date_due, 0) AS days_overdue,
                   CASE WHEN m.invoice_date_due IS NULL OR %(today)s - m.invoice_date_due <= 0 THEN 'not_due'
                        WHEN %(today)s - m.invoice_date_due <= 30 THEN '1_30'
                        WHEN %(today)s - m.invoice_date_due <= 60 THEN '31_60'
                        WHEN %(today)s - m.invoice_date_due <= 90 THEN '61_90'
                        WHEN %(today)s - m.invoice_date_due <= 180 THEN '91_180'
                        ELSE 'over_180' END AS age_bucket,
                   m.amount_residual_signed AS amount_residual
              FROM account_move m
              JOIN res_company c ON c.id = m.company_id
              JOIN res_partner p ON p.id = m.commercial_partner_id
              LEFT JOIN credit_followup_profile dp
                     ON dp.company_id = m.company_id AND dp.is_default AND dp.active
             WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
            """,
            today=company_today_sql("c"),
        )

    def _read_group_orderby(self, order, groupby_terms, query):
        # age buckets in age order, not in alphabetical order of their keys
        if "age_bucket" in groupby_terms:
            keys = [key for key, _label in AGE_BUCKETS]
            groupby_terms = {
                **groupby_terms,
                "age_bucket": SQL(
                    "array_position(%s::varchar[], %s)",
                    keys,
                    groupby_terms["age_bucket"],
                ),
            }
        return super()._read_group_orderby(order, groupby_terms, query)
