from odoo import api, fields, models

from ..tools.api_values import amount_value, date_value, dispute_ref, named, step_ref
from .credit_dispute import OPEN_STATES


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_dispute_ids = fields.Many2many(
        "credit.dispute",
        "credit_dispute_account_move_rel",
        "move_id",
        "dispute_id",
        string="Disputes",
        copy=False,
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    credit_dispute_id = fields.Many2one(
        "credit.dispute",
        string="Open dispute",
        compute="_compute_credit_dispute_id",
        search="_search_credit_dispute_id",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    credit_dispute_state = fields.Selection(
        related="credit_dispute_id.state",
        string="Dispute status",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    credit_dispute_count = fields.Integer(
        compute="_compute_credit_dispute_id", groups="account.group_account_invoice,account.group_account_readonly"
    )

    def _credit_pause_reasons(self):
        return [
            *super()._credit_pause_reasons(),
            ("dispute", self.env._("Dispute")),
            ("reply", self.env._("Debtor's e-mail")),
        ]

    @api.depends("credit_dispute_ids.state")
    def _compute_credit_dispute_id(self):
        for move in self:
            disputes = move.credit_dispute_ids
            move.credit_dispute_id = disputes.filtered(lambda d: d.state in OPEN_STATES)[:1]
            move.credit_dispute_count = len(disputes)

    def _search_credit_dispute_id(self, operator, value):
        if operator in ("!=", "=") and value is False:
            domain = [("credit_dispute_ids.state", "in", OPEN_STATES)]
            return domain if operator == "!=" else ["!", *domain]
        return [("credit_dispute_ids", "any", [("state", "in", OPEN_STATES), ("id", operator, value)])]

    def _credit_under_discussion(self):
        """Open disputes of a category that does not pause follow-up (e.g. a payment arrangement requested):
        the reminders list their invoices apart, with the dispute's reference."""
        result = super()._credit_under_discussion()
        if not self:
            return result
        disputes = (
            self.env["credit.dispute"]
            .sudo()  # the reminder is built by the engine, which may not read every dispute's details
            .search(
                [
                    ("move_ids", "in", self.ids),
                    ("state", "in", OPEN_STATES),
                    ("category_id.pause_followup", "=", False),
                    ("category_id", "!=", False),
                ],
                order="id",
            )
        )
        for dispute in disputes:
            for move in dispute.move_ids & self:
                result.setdefault(move.id, dispute.name)
        return result

    def action_credit_register_dispute(self):
        """ "Register dispute" on invoices: a new dispute for their debtor (one debtor at a time)."""
        return self.env["credit.dispute"]._action_register(self.commercial_partner_id, self)

    def action_credit_open_disputes(self):
        self.ensure_one()
        return self.env["credit.dispute"]._action_list(self.credit_dispute_ids)

    # ------------------------------------------------------------------ dossier
    def action_credit_print_dossier(self):
        return self.env.ref("credit_dispute.action_report_credit_dossier_move").report_action(self)

    # ------------------------------------------------------------------ CRM API
    def _credit_api_values(self):
        """The invoice as the CRM API shows it: amounts, follow-up status and its open dispute."""
        self.ensure_one()
        currency = self.currency_id
        disputes = self.env["credit.dispute"]
        if disputes.has_access("read"):
            disputes = disputes.search([("move_ids", "in", self.ids), ("state", "in", OPEN_STATES)], limit=1)
        today = fields.Date.context_today(self)
        return {
            "id": self.id,
            "number": self.name,
            "partner": named(self.commercial_partner_id),
            "company": named(self.company_id),
            "invoice_date": date_value(self.invoice_date),
            "due_date": date_value(self.invoice_date_due),
            "days_overdue": (today - self.invoice_date_due).days if self.invoice_date_due else 0,
            "currency": currency.name,
            "amount_total": amount_value(self.amount_total, currency),
            "amount_open": amount_value(self.amount_residual, currency),
            "payment_state": self.payment_state,
            "followup": {
                "state": self.credit_followup_state or None,
                "pause_reason": self.credit_pause_reason or None,
                "paused_until": date_value(self.credit_pause_until),
                "last_step": step_ref(self.credit_followup_step_id),
                "last_date": date_value(self.credit_followup_date),
                "next_step": step_ref(self.credit_followup_next_step_id),
                "next_action_date": date_value(self.credit_followup_next_date),
            },
            "dispute": dispute_ref(disputes),
        }
