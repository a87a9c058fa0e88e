from odoo import fields, models
from odoo.tools import SQL

AGE_BUCKETS = [
    ("0_7", "0–7 days"),
    ("8_14", "8–14 days"),
    ("15_30", "15–30 days"),
    ("31_60", "31–60 days"),
    ("over_60", "Over 60 days"),
]


class CreditReportDispute(models.Model):
    """Disputes for managers (a SQL view): one row per dispute, with its age and how it met its deadline.

    "Today" is the user's today, so the figures of open disputes move day by day. Closed means resolved or
    rejected; a cancelled dispute (registered by mistake, withdrawn) counts neither as solved nor as a breach.
    """

    _name = "credit.report.dispute"
    _inherit = "credit.sql.view"
    _description = "Dispute analysis"
    _auto = False
    _order = "date_open desc, id desc"
    _rec_name = "dispute_id"

    dispute_id = fields.Many2one("credit.dispute", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    category_id = fields.Many2one("credit.issue.category", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    state = fields.Selection(
        selection=lambda self: self.env["credit.dispute"]._fields["state"]._description_selection(self.env),
        string="Status",
        readonly=True,
    )
    channel = fields.Selection(
        selection=lambda self: self.env["credit.dispute"]._fields["channel"]._description_selection(self.env),
        string="Received by",
        readonly=True,
    )
    date_open = fields.Date(string="Opened on", readonly=True)
    date_deadline = fields.Date(string="Deadline", readonly=True)
    date_closed = fields.Date(string="Closed on", readonly=True)
    is_open = fields.Boolean(string="Open", readonly=True, help="New or in progress.")
    open_count = fields.Integer(
        string="Open disputes", readonly=True, help="Number of disputes that are new or in progress."
    )
    age_days = fields.Float(
        string="Age (days)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Open disputes: days from opening to today. Closed and cancelled ones: days from opening to closing. "
        "Over several disputes: the average.",
    )
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True, help="The dispute's age in days, grouped.")
    resolve_days = fields.Float(
        string="Days to resolve",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Resolved and rejected disputes: days from opening to closing. Over several disputes: the average "
        "time to resolve. Empty for open and cancelled disputes.",
    )
    within_sla = fields.Float(
        string="Solved within SLA (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Resolved and rejected disputes: 100 when closed on or before the deadline, 0 when later. Over several "
        "disputes: the share solved within the SLA, in percent. Empty for open and cancelled disputes and for "
        "disputes without a deadline.",
    )
    breached = fields.Boolean(string="Past deadline", readonly=True, help="Open and past its deadline today.")
    breach_count = fields.Integer(
        string="Current breaches", readonly=True, help="Number of open disputes past their deadline today."
    )
    days_past_deadline = fields.Integer(
        string="Days past deadline",
        readonly=True,
        aggregator="max",
        help="Open disputes past their deadline: days since the deadline, counted to today (the most of a group).",
    )
    amount = fields.Monetary(
        string="Disputed amount", readonly=True, help="Amount in dispute, in the company's currency."
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT d.id, d.id AS dispute_id, d.company_id, c.currency_id, d.category_id, d.user_id, d.partner_id,
                   d.state, d.channel, d.date_open, d.date_deadline, d.date_closed,
                   s.is_open,
                   CASE WHEN s.is_open THEN 1 ELSE 0 END AS open_count,
                   s.age::numeric AS age_days,
                   CASE WHEN s.age <= 7 THEN '0_7'
                        WHEN s.age <= 14 THEN '8_14'
                        WHEN s.age <= 30 THEN '15_30'
                        WHEN s.age <= 60 THEN '31_60'
                        ELSE 'over_60' END AS age_bucket,
                   CASE WHEN s.is_solved THEN (d.date_closed - d.date_open)::numeric END AS resolve_days,
                   CASE WHEN s.is_solved AND d.date_deadline IS NOT NULL
                        THEN CASE WHEN d.date_closed <= d.date_deadline THEN 100.0 ELSE 0.0 END END AS within_sla,
                   s.breached,
                   CASE WHEN s.breached THEN 1 ELSE 0 END AS breach_count,
                   CASE WHEN s.breached THEN %(today)s - d.date_deadline END AS days_past_deadline,
                   d.amount_disputed AS amount
              FROM credit_dispute d
              JOIN res_company c ON c.id = d.company_id
             CROSS JOIN LATERAL (
                   SELECT d.state IN ('new', 'in_progress') AS is_open,
                          d.state IN ('resolved', 'rejected') AND d.date_closed IS NOT NULL AS is_solved,
                          d.state IN ('new', 'in_progress') AND d.date_deadline < %(today)s AS breached,
                          GREATEST(
                              CASE WHEN d.state IN ('new', 'in_progress') THEN %(today)s
                                   ELSE COALESCE(d.date_closed, %(today)s) END - d.date_open,
                              0
                          ) AS age
                   ) s
            """,
            today=today,
        )

    def _read_group_orderby(self, order, groupby_terms, query):
        # age buckets in age order, not in alphabetical order of their keys
        if "age_bucket" in groupby_terms:
            keys = [key for key, _label in AGE_BUCKETS]
            groupby_terms = {
                **groupby_terms,
                "age_bucket": SQL("array_position(%s::varchar[], %s)", keys, groupby_terms["age_bucket"]),
            }
        return super()._read_group_orderby(order, groupby_terms, query)
