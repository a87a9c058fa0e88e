from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .account_move import OPEN_INVOICE_LEAVES


class CreditFollowupPromise(models.Model):
    """A debtor's promise to pay: follow-up of its invoices waits until the date plus a grace period."""

    _name = "credit.followup.promise"
    _description = "Promise to pay"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, domain="[('is_company', '=', True)]"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        check_company=True,
        domain=f"[('commercial_partner_id', '=', partner_id), {OPEN_INVOICE_LEAVES}]",
    )
    date = fields.Date(string="Promised date", required=True, tracking=True)
    amount = fields.Monetary(string="Promised amount", required=True, currency_field="currency_id", tracking=True)
    currency_id = fields.Many2one("res.currency", required=True, default=lambda self: self.env.company.currency_id)
    grace_until = fields.Date(
        compute="_compute_grace_until",
        store=True,
        help="Follow-up waits until this date: the promised date plus the company's grace days.",
    )
    residual_at_promise = fields.Monetary(
        currency_field="currency_id", readonly=True, help="Open amount of the invoices when the promise was made."
    )
    amount_paid = fields.Monetary(
        compute="_compute_amount_paid", currency_field="currency_id", string="Paid since promise"
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    user_id = fields.Many2one("res.users", string="Logged by", default=lambda self: self.env.user)
    contact_id = fields.Many2one("credit.followup.contact", string="Logged contact", ondelete="set null")
    note = fields.Text()

    @api.depends("partner_id", "date", "amount")
    def _compute_name(self):
        for promise in self:
            promise.name = self.env._(
                "%(partner)s pays %(amount)s by %(date)s",
                partner=promise.partner_id.name,
                amount=promise.amount,
                date=promise.date,
            )

    @api.depends("date", "company_id.credit_promise_grace_days")
    def _compute_grace_until(self):
        for promise in self:
            promise.grace_until = promise.date and promise.date + timedelta(
                days=promise.company_id.credit_promise_grace_days
            )

    @api.depends("move_ids.amount_residual", "residual_at_promise")
    def _compute_amount_paid(self):
        for promise in self:
            promise.amount_paid = max(promise.residual_at_promise - sum(promise.move_ids.mapped("amount_residual")), 0)

    @api.constrains("amount", "move_ids", "partner_id", "currency_id")
    def _check_promise(self):
        for promise in self:
            if promise.amount <= 0:
                raise ValidationError(self.env._("A promise to pay needs a positive amount."))
            if promise.move_ids.commercial_partner_id - promise.partner_id.commercial_partner_id:
                raise ValidationError(self.env._("A promise covers invoices of its own debtor only."))
            if promise.move_ids and promise.move_ids.currency_id != promise.currency_id:
                raise ValidationError(
                    self.env._("A promise to pay is in the currency of its invoices, one currency per promise.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        for promise in promises:
            promise.residual_at_promise = sum(promise.move_ids.mapped("amount_residual"))
            promise.move_ids._credit_pause(
                "promise",
                promise.grace_until,
                self.env._("Promise to pay %(amount)s by %(date)s", amount=promise.amount, date=promise.date),
            )
        return promises

    def action_cancel(self):
        self.write({"state": "cancelled"})
        self.move_ids._credit_resume("promise")

    @api.model
    def _cron_check_promises(self, date=None):
        """Kept when enough was paid; broken when the grace period passed without it."""
        open_promises = self.search([("state", "=", "open")])
        kept = open_promises.filtered(lambda p: p.currency_id.compare_amounts(p.amount_paid, p.amount) >= 0)
        # each promise counts days in its company's time zone
        broken = (open_promises - kept).filtered(lambda p: p.grace_until < (date or p.company_id._credit_today()))
        kept.write({"state": "kept"})
        for promise in kept:
            promise.move_ids._credit_resume("promise")
        broken._mark_broken()
        return kept, broken

    def _mark_broken(self):
        self.write({"state": "broken"})
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for promise in self:
            promise.move_ids._credit_resume("promise")  # follow-up goes on where it was
            partner = promise.partner_id.commercial_partner_id
            partner.sudo().credit_broken_promise_count += 1  # counter on the debtor, for the worklist
            manager = partner.with_company(promise.company_id).credit_followup_responsible_id or promise.user_id
            promise.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=manager.id,
                summary=self.env._("Broken promise to pay: %s", partner.name),
                note=self.env._(
                    "%(partner)s promised %(amount)s by %(date)s and paid %(paid)s.",
                    partner=partner.name,
                    amount=promise.amount,
                    date=promise.date,
                    paid=promise.amount_paid,
                ),
            )
