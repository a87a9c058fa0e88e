from odoo import fields, models, tools
from odoo.tools import SQL

from .res_company import company_today_sql
from .res_partner import FOLLOWUP_STATUS


class CreditFollowupWorklist(models.Model):
    """The credit manager's daily worklist: one row per debtor and company (a SQL view).

    A view rather than computed partner fields, so that every column can be filtered, sorted
    and grouped (responsible, profile, step) in one query.
    """

    _name = "credit.followup.worklist"
    _inherit = "credit.sql.view"
    _description = "Follow-up worklist"
    _auto = False
    _order = "next_date, amount_overdue desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    responsible_id = fields.Many2one("res.users", string="Follow-up responsible", readonly=True)
    profile_id = fields.Many2one("credit.followup.profile", string="Follow-up profile", readonly=True)
    step_id = fields.Many2one("credit.followup.step", string="Step reached", readonly=True)
    next_step_id = fields.Many2one("credit.followup.step", string="Next step", readonly=True)
    next_channel = fields.Selection(
        selection=lambda self: self.env["credit.followup.step"]._credit_followup_channels(), readonly=True
    )
    next_date = fields.Date(string="Next action", readonly=True)
    amount_due = fields.Monetary(string="Total due", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    oldest_days_overdue = fields.Integer(string="Oldest (days)", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    paused_count = fields.Integer(string="Paused", readonly=True)
    approval_count = fields.Integer(string="To approve", readonly=True)
    promise_count = fields.Integer(string="Open promises", readonly=True)
    broken_promise_count = fields.Integer(string="Broken promises", readonly=True)
    status = fields.Selection(FOLLOWUP_STATUS, readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH inv AS (
                SELECT m.commercial_partner_id AS partner_id, m.company_id,
                       SUM(m.amount_residual_signed) AS amount_due,
                       COALESCE(SUM(m.amount_residual_signed) FILTER (WHERE m.invoice_date_due < %(today_m)s), 0)
                           AS amount_overdue,
                       GREATEST(MAX(%(today_m)s - m.invoice_date_due), 0) AS oldest_days_overdue,
                       -- an invoice the engine has not planned yet (new, resumed, approved) is due today
                       MIN(CASE WHEN m.credit_followup_planned THEN m.credit_followup_next_date
                                ELSE %(today_m)s END)
                           FILTER (WHERE m.credit_followup_state = 'active') AS next_date,
                       COUNT(*) FILTER (WHERE m.credit_followup_state = 'active') AS invoice_count,
                       COUNT(*) FILTER (WHERE m.credit_followup_state = 'paused') AS paused_count
                  FROM account_move m
                  JOIN res_company mc ON mc.id = m.company_id
                 WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND m.credit_followup_state IN ('active', 'paused')
                 GROUP BY m.commercial_partner_id, m.company_id
            ),
            approvals AS (
                SELECT partner_id, company_id, COUNT(*) AS n
                  FROM credit_followup_log WHERE state = 'to_approve' GROUP BY partner_id, company_id
            ),
            promises AS (
                SELECT partner_id, company_id,
                       COUNT(*) FILTER (WHERE state = 'open') AS open_n,
                       COUNT(*) FILTER (WHERE state = 'broken') AS broken_n
                  FROM credit_followup_promise GROUP BY partner_id, company_id
            )
            SELECT inv.partner_id::bigint * 100000 + inv.company_id AS id,
                   inv.partner_id, inv.company_id, c.currency_id,
                   (p.credit_followup_responsible_id ->> inv.company_id::text)::int AS responsible_id,
                   COALESCE((p.credit_followup_profile_id ->> inv.company_id::text)::int, dp.id) AS profile_id,
                   reached.step_id, nxt.next_step_id, nxt.channel AS next_channel, inv.next_date,
                   inv.amount_due, inv.amount_overdue, inv.oldest_days_overdue, inv.invoice_count, inv.paused_count,
                   COALESCE(a.n, 0) AS approval_count,
                   COALESCE(pr.open_n, 0) AS promise_count,
                   COALESCE(pr.broken_n, 0) AS broken_promise_count,
                   CASE WHEN COALESCE(a.n, 0) > 0 THEN 'approval'
                        WHEN reached.final_step THEN 'collection'
                        WHEN inv.invoice_count = 0 THEN 'none'
                        WHEN inv.amount_overdue > 0 OR reached.step_id IS NOT NULL THEN 'in_progress'
                        ELSE 'waiting' END AS status
              FROM inv
              JOIN res_partner p ON p.id = inv.partner_id
              JOIN res_company c ON c.id = inv.company_id
              LEFT JOIN credit_followup_profile dp
                     ON dp.company_id = inv.company_id AND dp.is_default AND dp.active
              LEFT JOIN approvals a ON a.partner_id = inv.partner_id AND a.company_id = inv.company_id
              LEFT JOIN promises pr ON pr.partner_id = inv.partner_id AND pr.company_id = inv.company_id
              LEFT JOIN LATERAL (
                    SELECT s.id AS step_id, s.final_step
                      FROM account_move m JOIN credit_followup_step s ON s.id = m.credit_followup_step_id
                     WHERE m.commercial_partner_id = inv.partner_id AND m.company_id = inv.company_id
                       AND m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.payment_state IN ('not_paid', 'partial') AND m.credit_followup_state = 'active'
                     ORDER BY s.offset_days DESC, s.sequence DESC LIMIT 1
              ) reached ON TRUE
              LEFT JOIN LATERAL (
                    SELECT s.id AS next_step_id, s.channel
                      FROM account_move m JOIN credit_followup_step s ON s.id = m.credit_followup_next_step_id
                     WHERE m.commercial_partner_id = inv.partner_id AND m.company_id = inv.company_id
                       AND m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.payment_state IN ('not_paid', 'partial') AND m.credit_followup_state = 'active'
                     ORDER BY m.credit_followup_next_date NULLS LAST, s.offset_days LIMIT 1
              ) nxt ON TRUE
             WHERE NOT %(not_chased)s
            """,
            today_m=company_today_sql("mc"),
            not_chased=self.env["res.partner"]._credit_not_chased_sql("p", company_today_sql("c")),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)

    # ------------------------------------------------------------------ one-click actions
    def _partner_in_company(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id)

    def action_execute(self):
        """Execute the pending step now."""
        return self._partner_in_company().action_credit_process()

    def action_approve(self):
        return self._partner_in_company().action_credit_approve()

    def action_skip(self):
        """Skip the next step: the invoices move on to the one after it, without contacting the debtor."""
        self.ensure_one()
        self.env["credit.followup.engine"]._skip_next_step(self.partner_id, self.company_id)
        return True

    def action_postpone(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.followup.postpone",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Postpone follow-up of %s", self.partner_id.name),
            "context": {"default_partner_id": self.partner_id.id, "default_company_id": self.company_id.id},
        }

    def action_log_contact(self):
        self.ensure_one()
        return self.env["credit.followup.log.contact"].action_open(self.partner_id, self.company_id)

    def action_print_statement(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_credit_print_statement()

    def action_send_statement(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_credit_send_statement()

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }
