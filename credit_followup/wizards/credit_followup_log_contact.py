from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.account_move import OPEN_INVOICE_LEAVES
from ..models.credit_followup_contact import CHANNELS
from ..tools.errors import field_error


class CreditFollowupLogContact(models.TransientModel):
    """Log a call, visit or e-mail with a debtor, with its outcome (promise to pay, no answer, …)."""

    _name = "credit.followup.log.contact"
    _description = "Log a contact with a debtor"

    partner_id = fields.Many2one("res.partner", string="Debtor", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain=f"[('commercial_partner_id', '=', partner_id), {OPEN_INVOICE_LEAVES}, ('company_id', '=', company_id)]",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection([("out", "Outgoing"), ("in", "Incoming")], required=True, default="out")
    outcome = fields.Selection(
        selection=lambda self: self.env["credit.followup.contact"]._credit_contact_outcomes(),
        required=True,
        default="promise",
    )
    promise_date = fields.Date(string="Pays on")
    promise_amount = fields.Monetary(string="Amount promised", currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="A promise is in the currency of its invoices (never a sum across currencies).",
    )
    note = fields.Html()
    activity_id = fields.Many2one("mail.activity", string="Activity done by this contact")

    @api.depends("move_ids", "company_id")
    def _compute_currency_id(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or wizard.company_id.currency_id

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        ctx = self.env.context
        moves = self.env["account.move"]
        if ctx.get("active_model") == "account.move" and ctx.get("active_ids"):
            moves = moves.browse(ctx["active_ids"])
            values["partner_id"] = moves.commercial_partner_id[:1].id
        elif ctx.get("active_model") == "res.partner" and ctx.get("active_id"):
            values["partner_id"] = self.env["res.partner"].browse(ctx["active_id"]).commercial_partner_id.id
        if values.get("partner_id") and not moves:
            partner = self.env["res.partner"].browse(values["partner_id"])
            moves = moves.search(
                partner._credit_open_invoice_domain() + [("invoice_date_due", "<", self.env.company._credit_today())]
            )
        if "move_ids" in fields_list:
            values["move_ids"] = [Command.set(moves.ids)]
        if len(moves.currency_id) > 1:  # one currency per promise: the user picks the invoices of one
            moves = moves.filtered(lambda m: m.currency_id == moves.currency_id[:1])
            if "move_ids" in fields_list:
                values["move_ids"] = [Command.set(moves.ids)]
        values.setdefault("promise_amount", sum(moves.mapped("amount_residual")))
        return values

    @api.model
    def action_open(self, records, company=None):
        """The wizard for invoices or a debtor (from the invoice, the partner form and the worklist)."""
        context = {"active_model": records._name, "active_ids": records.ids, "active_id": records[:1].id}
        if company:
            context["default_company_id"] = company.id
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Log contact"),
            "context": context,
        }

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        self.promise_amount = sum(self.move_ids.mapped("amount_residual"))

    def action_confirm(self):
        contact = self._credit_log_contact()
        return self._credit_outcome_action(contact) or {"type": "ir.actions.act_window_close"}

    def _credit_log_contact(self):
        """Register the contact with its outcome (promise, and what other modules add), post it on the chatter and
        close the call it answers; return the contact. Used by the wizard and by the API."""
        self.ensure_one()
        self._check_invoices()
        if self.outcome == "promise":
            if not (self.promise_date and self.promise_amount > 0 and self.move_ids):
                raise UserError(self.env._("A promise to pay needs invoices, a date and an amount."))
            if len(self.move_ids.currency_id) > 1:
                raise UserError(
                    self.env._("A promise to pay is in one currency: log one promise per currency of the invoices.")
                )
            if self.promise_date < self.env.company._credit_today():
                raise field_error(self.env._("The promised date cannot be in the past."), "promise_date")
        partner = self.partner_id.commercial_partner_id
        contact = self.env["credit.followup.contact"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "channel": self.channel,
                "direction": self.direction,
                "outcome": self.outcome,
                "note": self.note,
            }
        )
        if self.outcome == "promise":
            contact.promise_id = self.env["credit.followup.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(self.move_ids.ids)],
                    "date": self.promise_date,
                    "amount": self.promise_amount,
                    "currency_id": self.currency_id.id,
                    "contact_id": contact.id,
                }
            )
        self._credit_handle_outcome(contact)
        contact._post_to_chatter()
        if self.activity_id:
            self.activity_id.credit_followup_call = False  # this wizard already registered the contact
            self.activity_id.action_feedback(feedback=self.note or "")
        return contact

    def _check_invoices(self):
        """A contact concerns posted customer invoices of its debtor; a promise to pay only unpaid ones."""
        self.move_ids._credit_check_invoices_of(self.partner_id)
        if self.outcome == "promise":
            self.move_ids._credit_check_unpaid()

    def _credit_handle_outcome(self, contact):
        """Hook for outcomes other modules add (credit_dispute: open a dispute)."""

    def _credit_outcome_action(self, contact):
        """The action the wizard opens after logging ``contact`` (hook; credit_dispute: its dispute), or False."""
        return False
