from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from odoo.addons.credit_followup.models.res_partner import OPEN_INVOICE_DOMAIN


class CreditPaymentArrangement(models.Model):
    """Instalments a debtor proposes on the portal; accepted, each becomes a promise to pay."""

    _name = "credit.payment.arrangement"
    _description = "Payment arrangement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, index=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    move_ids = fields.Many2many("account.move", string="Invoices", readonly=True, check_company=True)
    line_ids = fields.One2many("credit.payment.arrangement.line", "arrangement_id", string="Instalments", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True, currency_field="currency_id")
    state = fields.Selection(
        [("proposed", "Proposed"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="proposed",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    note = fields.Text(string="Debtor's note", readonly=True)
    refuse_reason = fields.Text(tracking=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    promise_ids = fields.One2many("credit.followup.promise", "credit_arrangement_id", string="Promises to pay")

    @api.model
    def _credit_propose(self, partner, moves, dates, note=False):
        """Check the debtor's proposal against the company's limits and create it (equal instalments).

        ``partner`` is the commercial partner, ``moves`` its open invoices (checked here again),
        ``dates`` the instalment dates. Raises ValidationError with a message for the debtor."""
        moves = moves.sudo()  # checked below: open invoices of this very debtor
        if not moves:
            raise ValidationError(self.env._("Choose the invoices the arrangement is for."))
        mine = moves.filtered_domain(OPEN_INVOICE_DOMAIN + [("commercial_partner_id", "=", partner.id)])
        if mine != moves:
            raise ValidationError(self.env._("These invoices cannot be part of an arrangement."))
        if len(moves.company_id) > 1 or len(moves.currency_id) > 1:
            raise ValidationError(self.env._("Choose invoices of one company and one currency."))
        company, currency = moves.company_id, moves.currency_id
        today = company._credit_today()
        dates = sorted(dates)
        if not dates:
            raise ValidationError(self.env._("Give the date of each instalment."))
        if len(dates) > company.credit_portal_max_instalments:
            raise ValidationError(
                self.env._("At most %(count)s instalments.", count=company.credit_portal_max_instalments)
            )
        if len(set(dates)) != len(dates) or dates[0] < today:
            raise ValidationError(self.env._("Give different instalment dates, from today on."))
        if dates[-1] > today + timedelta(days=company.credit_portal_max_term_days):
            raise ValidationError(
                self.env._(
                    "The last instalment can be at most %(days)s days from today.",
                    days=company.credit_portal_max_term_days,
                )
            )
        total = currency.round(sum(moves.mapped("amount_residual")))
        each = currency.round(total / len(dates))
        amounts = [each] * (len(dates) - 1) + [currency.round(total - each * (len(dates) - 1))]
        minimum = company.currency_id._convert(company.credit_portal_min_instalment, currency, company, today)
        if currency.compare_amounts(min(amounts), minimum) < 0:
            raise ValidationError(
                self.env._(
                    "Every instalment must be at least %(amount)s: choose fewer instalments.",
                    amount=format_amount(self.env, minimum, currency),
                )
            )
        if self.sudo().search_count([("move_ids", "in", moves.ids), ("state", "=", "proposed")]):
            raise ValidationError(self.env._("An arrangement for these invoices is already waiting for an answer."))
        arrangement = (
            self.sudo()  # the debtor proposes; the record is the credit manager's
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount_total": total,
                    "note": (note or "")[:2000] or False,
                    "line_ids": [
                        Command.create({"date": date, "amount": amount})
                        for date, amount in zip(dates, amounts, strict=True)
                    ],
                }
            )
        )
        arrangement._credit_schedule_review()
        return arrangement

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("credit.payment.arrangement") or "/"
        return super().create(vals_list)

    def _credit_schedule_review(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        managers = self.env.ref("credit_followup.group_credit_manager").sudo().users
        for arrangement in self:
            user = (
                arrangement.partner_id.with_company(arrangement.company_id).credit_followup_responsible_id
                or managers.filtered(lambda u, a=arrangement: a.company_id in u.company_ids)[:1]
            )
            if user:
                arrangement.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    summary=self.env._("Accept or refuse a payment arrangement"),
                )

    def _credit_check_manager(self):
        if not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise UserError(self.env._("Only credit managers accept or refuse payment arrangements."))
        if self.filtered(lambda a: a.state != "proposed"):
            raise UserError(self.env._("This arrangement was already decided."))

    def action_accept(self):
        """Each instalment becomes a promise to pay (cumulative amount, kept when paid by then). The promises
        are created last instalment first, so the invoices stay paused until the first instalment's date."""
        self._credit_check_manager()
        Promise = self.env["credit.followup.promise"]
        for arrangement in self:
            running, vals_list = 0.0, []
            for line in arrangement.line_ids.sorted("date"):
                running += line.amount
                vals_list.append(
                    {
                        "partner_id": arrangement.partner_id.id,
                        "company_id": arrangement.company_id.id,
                        "move_ids": [Command.set(arrangement.move_ids.ids)],
                        "date": line.date,
                        "amount": arrangement.currency_id.round(running),
                        "currency_id": arrangement.currency_id.id,
                        "credit_arrangement_id": arrangement.id,
                        "note": self.env._("Instalment of payment arrangement %s", arrangement.name),
                    }
                )
            for vals in reversed(vals_list):  # one by one: each pauses the invoices until its own date
                Promise.with_company(arrangement.company_id).create([vals])
        self.write({"state": "accepted", "decided_by_id": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._credit_tell_debtor()
        return True

    def action_refuse(self):
        self._credit_check_manager()
        self.write({"state": "refused", "decided_by_id": self.env.uid})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._credit_tell_debtor()
        return True

    def _credit_tell_debtor(self):
        template = self.env.ref("credit_portal.mail_template_arrangement_decided")
        for arrangement in self:
            if arrangement.partner_id.email:
                arrangement.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
