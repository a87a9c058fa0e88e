import threading
from collections import Counter
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_amount, format_date, split_every

from odoo.addons.credit_followup.models.account_move import OPEN_INVOICE_LEAVES
from odoo.addons.credit_followup.tools.errors import field_error

from ..tools.api_values import amount_value, date_value, invoice_refs, named, plain

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("whatsapp", "WhatsApp"),
    ("portal", "Portal"),
    ("letter", "Letter"),
    ("other", "Other"),
]
OPEN_STATES = ("new", "in_progress")
LINK_ACTIONS = ("solved", "not_solved", "reject")
# what only dispute resolvers, accountants and credit managers change directly; a responsible without those
# roles (e.g. the invoice's salesperson) changes the state through the buttons (action_*) only
PROTECTED_FIELDS = {
    "state",
    "company_id",
    "partner_id",
    "move_ids",
    "credit_held_move_ids",
    "category_id",  # a category that does not pause would resume follow-up
    "date_deadline",  # the SLA: reminders and escalation count from it
    "user_id",
    "amount_disputed",
    "date_closed",
    "date_open",
    "sla_last_reminder_date",
    "sla_escalated_date",
}
# Put in the context (``credit_dispute_link_permit``) only by the code that mails the responsible: signing the
# one-click links needs it, so no other render of the template (preview, composer) can produce a working link.
# An object, not a value: neither an RPC context nor a template can make it.
LINK_PERMIT = object()


BATCH_SIZE = 200


class CreditDispute(models.Model):
    """A debtor's complaint about one or more invoices: pauses their follow-up until it is solved."""

    _name = "credit.dispute"
    _description = "Dispute"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Debtor",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
        check_company=True,
    )
    move_ids = fields.Many2many(
        "account.move",
        "credit_dispute_account_move_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain=f"[('commercial_partner_id', '=', partner_id), {OPEN_INVOICE_LEAVES}]",
    )
    category_id = fields.Many2one(
        "credit.issue.category",
        tracking=True,
        check_company=True,
        help="Empty: the dispute still has to be qualified (e.g. it came in by e-mail).",
    )
    to_qualify = fields.Boolean(compute="_compute_to_qualify", store=True)
    description = fields.Html(sanitize=True)
    channel = fields.Selection(CHANNELS, string="Received by", required=True, default="phone")
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In progress"),
            ("resolved", "Resolved"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        copy=False,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    date_open = fields.Date(string="Opened on", required=True, default=fields.Date.context_today, copy=False)
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        tracking=True,
        help="Opened on + the category's time to resolve.",
    )
    date_closed = fields.Date(string="Closed on", readonly=True, copy=False)
    is_overdue = fields.Boolean(string="Past deadline", compute="_compute_is_overdue", search="_search_is_overdue")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_disputed = fields.Monetary(
        string="Disputed amount",
        compute="_compute_amount_disputed",
        store=True,
        readonly=False,
        help="Defaults to the open amount of the invoices; lower it when only part is disputed.",
    )
    amount_residual = fields.Monetary(string="Open amount", compute="_compute_invoice_summary", compute_sudo=True)
    invoice_names = fields.Char(string="Invoice numbers", compute="_compute_invoice_summary", compute_sudo=True)
    invoice_table = fields.Html(string="Invoice details", compute="_compute_invoice_summary", compute_sudo=True)
    resolution_note = fields.Html(string="Resolution", sanitize=True, copy=False)
    pauses_followup = fields.Boolean(compute="_compute_pauses_followup")
    may_manage = fields.Boolean(
        compute="_compute_may_manage",
        default=lambda self: self._may_manage(),  # a new dispute's form
        help="Technical: the user changes the debtor, invoices, category, deadline, responsible and amount (a "
        "responsible without the resolver role changes the dispute through its buttons only).",
    )
    credit_link_generation = fields.Integer(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="Signed into the e-mail action links; raised when the dispute is reopened or reassigned, so that "
        "the links of earlier e-mails stop working.",
    )

    @api.depends("category_id")
    def _compute_to_qualify(self):
        for dispute in self:
            dispute.to_qualify = not dispute.category_id

    @api.depends("category_id", "date_open")
    def _compute_date_deadline(self):
        for dispute in self:
            if dispute.category_id and dispute.date_open:
                dispute.date_deadline = dispute.date_open + timedelta(days=dispute.category_id.resolve_days)
            elif not dispute.date_deadline:
                dispute.date_deadline = False

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            dispute.is_overdue = (
                dispute.state in OPEN_STATES and bool(dispute.date_deadline) and dispute.date_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Past deadline."))
        domain = [
            ("state", "in", OPEN_STATES),
            ("date_deadline", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.depends("move_ids")
    def _compute_amount_disputed(self):
        for dispute in self:
            dispute.amount_disputed = sum(dispute.sudo().move_ids.mapped("amount_residual"))

    @api.depends("move_ids", "move_ids.amount_residual")
    def _compute_invoice_summary(self):
        # computed as superuser: a dispute resolver sees the disputed invoices' amounts, not the ledger
        for dispute in self:
            moves = dispute.move_ids.sorted(lambda m: (m.invoice_date_due or fields.Date.today(), m.id))
            dispute.amount_residual = sum(moves.mapped("amount_residual"))
            dispute.invoice_names = ", ".join(moves.mapped("name"))
            rows = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                )
                % (
                    move.name,
                    format_date(self.env, move.invoice_date),
                    format_date(self.env, move.invoice_date_due),
                    format_amount(self.env, move.amount_total, move.currency_id),
                    format_amount(self.env, move.amount_residual, move.currency_id),
                )
                for move in moves
            )
            dispute.invoice_table = (
                Markup(
                    "<table class='table table-sm o_credit_dispute_invoices'><thead><tr><th>%s</th><th>%s</th>"
                    "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead>"
                    "<tbody>%s</tbody></table>"
                )
                % (
                    self.env._("Invoice"),
                    self.env._("Date"),
                    self.env._("Due"),
                    self.env._("Total"),
                    self.env._("Open"),
                    rows,
                )
                if moves
                else False
            )

    @api.depends("category_id", "category_id.pause_followup")
    def _compute_pauses_followup(self):
        for dispute in self:
            # a dispute still to qualify pauses: nobody knows yet whether the debtor is right
            dispute.pauses_followup = not dispute.category_id or dispute.category_id.pause_followup

    @api.depends_context("uid")
    def _compute_may_manage(self):
        self.may_manage = self._may_manage()

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for dispute in self:
            dispute.access_url = f"/my/credit/disputes/{dispute.id}"
        return result

    # ------------------------------------------------------------------ constraints
    @api.constrains("move_ids", "partner_id")
    def _check_invoices(self):
        for dispute in self:
            dispute.sudo().move_ids._credit_check_invoices_of(dispute.partner_id)

    @api.constrains("move_ids", "state")
    def _check_one_open_dispute(self):
        open_disputes = self.filtered(lambda d: d.state in OPEN_STATES)
        if not open_disputes:
            return
        others_sudo = self.sudo().search(
            [
                ("move_ids", "in", open_disputes.sudo().move_ids.ids),
                ("state", "in", OPEN_STATES),
                ("id", "not in", open_disputes.ids),
            ]
        )
        for dispute in open_disputes:
            for other in others_sudo:
                shared = other.move_ids & dispute.sudo().move_ids
                if shared:
                    # the other dispute's reference only for whoever may read it (another responsible's dispute is
                    # not this user's business); the invoices are the ones the user put on this dispute
                    if other.with_env(self.env).sudo(False).has_access("read"):
                        message = self.env._(
                            "Invoice %(invoices)s already has an open dispute (%(dispute)s).",
                            invoices=", ".join(shared.mapped("name")),
                            dispute=other.name,
                        )
                    else:
                        message = self.env._(
                            "Invoice %(invoices)s already has an open dispute.",
                            invoices=", ".join(shared.mapped("name")),
                        )
                    raise field_error(message, "move_ids")  # the invoices, not one of them: the message names them

    # ------------------------------------------------------------------ create / write
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_readable_moves(self._command_move_ids(vals.get("move_ids")))
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code("credit.dispute") or "/"
            if not vals.get("user_id"):
                vals["user_id"] = self._default_responsible(vals).id
        # the responsible gets our own e-mail (invoices, amounts, action links), not Odoo's "assigned to you" too
        disputes = super(CreditDispute, self.with_context(mail_auto_subscribe_no_notify=True)).create(vals_list)
        disputes = disputes.with_env(self.env)
        disputes.sudo().move_ids._credit_check_unpaid()  # only unpaid invoices are disputed
        disputes._pause_invoices()
        disputes._post_opened()
        disputes._notify_responsible()
        return disputes

    def write(self, vals):
        if PROTECTED_FIELDS & set(vals) and not self._may_manage():
            raise AccessError(
                self.env._(
                    "Only dispute resolvers and credit managers change a dispute's debtor, invoices, category, "
                    "deadline, responsible, amount or state; as its responsible, use the dispute's buttons."
                )
            )
        if "move_ids" in vals:
            self._check_readable_moves(self._command_move_ids(vals["move_ids"]))
        old_moves = {dispute: dispute.sudo().move_ids for dispute in self} if "move_ids" in vals else {}
        old_users = {dispute: dispute.user_id for dispute in self} if "user_id" in vals else {}
        result = super(CreditDispute, self.with_context(mail_auto_subscribe_no_notify=True)).write(vals)
        if "move_ids" in vals:
            for dispute, moves in old_moves.items():
                # the added ones: a paid invoice may stay on a dispute that covered it
                (dispute.sudo().move_ids - moves)._credit_check_unpaid()
                removed = moves - dispute.sudo().move_ids
                if removed:
                    removed._credit_resume("dispute")
        if {"move_ids", "category_id"} & set(vals):
            self.filtered(lambda d: d.state in OPEN_STATES)._pause_invoices()
            # a category that does not pause (anymore) lets its invoices go on
            self.filtered(lambda d: d.state in OPEN_STATES and not d.pauses_followup).sudo().move_ids._credit_resume(
                "dispute"
            )
        if "category_id" in vals:
            # qualified in a category that does not pause: the debtor's other invoices held by its e-mail go on too
            self.filtered(lambda d: d.state in OPEN_STATES and not d.pauses_followup)._release_held("now")
        if old_users:
            self.filtered(lambda d: d.user_id != old_users[d])._new_link_generation()
            changed = self.filtered(lambda d: d.user_id and d.user_id != old_users[d] and d.state in OPEN_STATES)
            changed._notify_responsible()
        return result

    def _new_link_generation(self):
        """The e-mail action links sent so far stop working (reopened or reassigned)."""
        if self:
            self.env.execute_query(
                SQL(
                    "UPDATE credit_dispute SET credit_link_generation = COALESCE(credit_link_generation, 0) + 1 "
                    "WHERE id IN %s",
                    tuple(self.ids),
                )
            )
            self.invalidate_recordset(["credit_link_generation"])

    def _may_manage(self):
        user = self.env.user
        return self.env.su or any(
            user.has_group(group)
            for group in ("credit_followup.group_credit_dispute_resolver", "account.group_account_invoice")
        )

    @api.model
    def _command_move_ids(self, commands):
        """The invoice ids that x2many ``commands`` (set, link, or bare ids) put on a dispute."""
        move_ids = []
        for command in commands or []:
            if isinstance(command, (list, tuple)) and command and command[0] == 6:
                move_ids += list(command[2])
            elif isinstance(command, (list, tuple)) and command and command[0] == 4:
                move_ids.append(command[1])
            elif isinstance(command, int):
                move_ids.append(command)
        return move_ids

    @api.model
    def _check_readable_moves(self, move_ids):
        """A user puts only invoices on a dispute that they may read; the refusal names none of them (it must not
        confirm that an invoice id exists, nor tell its number)."""
        if self.env.su or not move_ids:
            return
        moves = self.env["account.move"].browse(move_ids)
        # sudo: exists() only, to refuse ids that do not exist the same way as those the user may not read
        if len(moves.sudo().exists()) != len(set(move_ids)) or not moves.has_access("read"):
            raise AccessError(self.env._("You can only dispute invoices you have access to."))

    @api.model
    def _default_responsible(self, vals):
        """The category's default responsible for the dispute about to be created from ``vals``, else the user."""
        category = self.env["credit.issue.category"].browse(vals.get("category_id"))
        move_ids = self._command_move_ids(vals.get("move_ids"))
        # sudo: the salesperson of invoices a resolver may not read
        moves_sudo = self.env["account.move"].sudo().browse(move_ids)
        user = category._default_responsible(moves_sudo) if category else self.env["res.users"]
        return user or self.env.user

    @api.ondelete(at_uninstall=False)
    def _unlink_except_open(self):
        if any(dispute.state in OPEN_STATES for dispute in self):
            raise UserError(self.env._("Cancel a dispute before deleting it."))

    # ------------------------------------------------------------------ pause / resume
    def _pause_invoices(self):
        """Pause the invoices of open disputes whose category pauses follow-up (reason "dispute")."""
        for dispute in self.filtered(lambda d: d.state in OPEN_STATES and d.pauses_followup):
            moves_sudo = dispute.sudo().move_ids  # pausing is the dispute's own effect, also when a resolver opens it
            moves_sudo.filtered(lambda m: m.credit_followup_state == "active")._credit_pause(
                "dispute", note=self.env._("Dispute %(name)s", name=dispute.name)
            )

    def _resume_invoices(self, mode="now", date=False):
        """After the dispute ends: resume now, on ``date``, or keep the invoices paused (``mode='keep'``)."""
        moves_sudo = self.sudo().move_ids.filtered(
            lambda m: m.credit_followup_state == "paused" and m.credit_pause_reason == "dispute"
        )
        # invoices still covered by another open dispute stay paused
        moves_sudo -= self.sudo().search([("id", "not in", self.ids), ("state", "in", OPEN_STATES)]).move_ids
        if mode != "keep":
            moves_sudo._credit_resume_on(date if mode == "date" else False, "dispute")
        return moves_sudo | self._release_held(mode, date)

    # ------------------------------------------------------------------ a debtor's reply (e-mail, WhatsApp…)
    @api.model
    def _credit_debtor_reply(
        self,
        partner,
        moves,
        company,
        channel,
        description,
        user=None,
        disputes=None,
        automatic=False,
        pause_note=None,
        register=None,
    ):
        """A debtor's message about ``moves`` (an e-mail, a WhatsApp message…), the same way for every channel.

        Finds the open disputes it concerns (on ``moves`` or among ``disputes``); unless ``automatic`` (an
        auto-reply, a third party), opens a dispute "to qualify" for the open invoices none covers yet — or for a
        message about no invoice in particular; about paid invoices only, nothing is opened — and pauses
        follow-up as the company says (``credit_reply_pause_mode``). ``register(existing, new)`` is called before
        the pause so the caller can post the message on the disputes. Returns ``(existing, new)``.
        """
        partner = partner.commercial_partner_id
        disputes = disputes or self.browse()
        existing = self.search(
            [
                ("state", "in", OPEN_STATES),
                ("partner_id", "=", partner.id),
                "|",
                ("move_ids", "in", moves.ids),
                ("id", "in", disputes.ids),
            ]
        )
        new = self.browse()
        if not automatic:
            open_moves = moves.filtered(lambda m: m.state == "posted" and m.payment_state in ("not_paid", "partial"))
            uncovered = open_moves - existing.move_ids
            if uncovered or not (existing or moves):
                new = self.create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "move_ids": [Command.set(uncovered.ids)],
                        "channel": channel,
                        "user_id": (user or company._credit_mail_handler(partner)).id,
                        "description": description,
                    }
                )
        if register:
            register(existing, new)
        if not automatic:
            self._reply_pause(partner, company, new, existing | new, pause_note)
        return existing, new

    @api.model
    def _reply_pause(self, partner, company, new_disputes, disputes, note=None):
        """The company's choice (``credit_reply_pause_mode``) on top of the dispute's own pause."""
        mode = company.credit_reply_pause_mode
        if mode == "hold":
            # only the dispute just opened: a qualified dispute keeps its own pause
            until = fields.Date.context_today(self) + company._credit_reply_hold_delta()
            held = new_disputes.move_ids.filtered(
                lambda m: m.credit_followup_state == "paused" and m.credit_pause_reason == "dispute"
            )
            # the same pause (reason, note), now with an end: the company's rule, whoever registers the reply
            for held_note, held_moves in held.grouped("credit_followup_note").items():
                held_moves._credit_pause("dispute", until=until, note=held_note)
        elif mode == "partner" and disputes:
            others = self.env["account.move"].search(
                [*partner.with_company(company)._credit_open_invoice_domain(), ("credit_followup_state", "=", "active")]
            )
            others -= disputes.move_ids
            dispute = new_disputes[:1] or disputes[:1]
            paused = others._credit_pause(
                "reply",
                note=note(dispute) if note else dispute.name,
            )
            if paused:
                dispute.credit_held_move_ids = [Command.link(move.id) for move in paused]

    # ------------------------------------------------------------------ state changes
    def action_start(self):
        self.check_access("write")
        # sudo: the button is the responsible's way to change the state (the user stays the author)
        self.sudo().filtered(lambda d: d.state == "new").write({"state": "in_progress"})

    def action_close(self, state, note=False, resume="now", resume_date=False):
        """Resolve or reject; the close wizard and the e-mail action links call this."""
        if state not in ("resolved", "rejected"):
            raise UserError(self.env._("A dispute is closed as resolved or rejected."))
        if any(dispute.state not in OPEN_STATES for dispute in self):
            raise UserError(self.env._("Only open disputes can be closed."))
        if resume == "date" and not resume_date:
            raise UserError(self.env._("Choose the date on which follow-up resumes."))
        if resume == "date" and resume_date < fields.Date.context_today(self):
            raise UserError(self.env._("Choose today or a later date on which follow-up resumes."))
        vals = {"state": state, "date_closed": fields.Date.context_today(self)}
        if note:
            vals["resolution_note"] = note
        self.check_access("write")
        self.sudo().write(vals)  # sudo: see action_start
        self._post_closed()
        self._resume_invoices(resume, resume_date)
        self.activity_ids.filtered(lambda a: a.activity_type_id == self._activity_type()).action_feedback(
            feedback=note or ""
        )
        # the managers' escalation activities end with the dispute, also when its responsible closes it
        self.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self._escalation_activity_type()
        ).action_feedback(feedback=note or "")
        return True

    def action_cancel(self):
        if any(dispute.state not in OPEN_STATES for dispute in self):
            raise UserError(self.env._("Only open disputes can be cancelled."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled", "date_closed": fields.Date.context_today(self)})  # see action_start
        self._post_closed()
        self._resume_invoices("now")
        self.activity_ids.filtered(lambda a: a.activity_type_id == self._activity_type()).unlink()
        # sudo: the managers' escalation activities go too, also when the responsible cancels
        self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == self._escalation_activity_type()).unlink()
        return True

    def action_reopen(self):
        if any(dispute.state not in ("resolved", "rejected", "cancelled") for dispute in self):
            raise UserError(self.env._("Only closed disputes can be reopened."))
        self.check_access("write")
        self.sudo().write({"state": "in_progress", "date_closed": False})  # sudo: see action_start
        self._new_link_generation()
        self._pause_invoices()
        self._notify_responsible()
        return True

    def action_open_close_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dispute.close",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Close dispute"),
            "context": {
                "default_dispute_id": self.id,
                "default_state": self.env.context.get("close_state", "resolved"),
            },
        }

    def action_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action.update({"domain": [("id", "in", self.move_ids.ids)], "context": {"create": False}})
        return action

    # ------------------------------------------------------------------ chatter & responsible
    @api.model
    def _activity_type(self):
        return self.env.ref("credit_dispute.mail_activity_type_credit_dispute")

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values and self.state in ("resolved", "rejected", "cancelled"):
            return self.env.ref("credit_dispute.mt_credit_dispute_closed")
        return super()._track_subtype(init_values)

    def _post_opened(self):
        """ "Dispute opened" on each invoice and the debtor: part of their contact history."""
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for dispute in self:
            text = self.env._(
                "Dispute %(name)s opened (%(category)s, received by %(channel)s), responsible: %(user)s.",
                name=dispute.name,
                category=dispute.category_id.name or self.env._("to qualify"),
                channel=channels[dispute.channel],
                user=dispute.user_id.name or "-",
            )
            dispute._post_on_debtor(text, dispute.description, "credit_dispute.mt_credit_dispute_opened")

    def _post_closed(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for dispute in self:
            text = self.env._(
                "Dispute %(name)s %(state)s by %(user)s.",
                name=dispute.name,
                state=states[dispute.state].lower(),
                user=self.env.user.name,
            )
            dispute._post_on_debtor(text, dispute.resolution_note, "credit_dispute.mt_credit_dispute_closed")

    def _post_on_debtor(self, text, html, subtype_xmlid):
        """A line on the debtor's and each invoice's chatter, written by the dispute also when a resolver acts
        (sudo: they may not read invoices)."""
        self.ensure_one()
        body = Markup("<p>%s</p>%s") % (text, html or "")
        subtype = self.env.ref(subtype_xmlid)
        for record in [self.partner_id.sudo(), *self.sudo().move_ids]:
            # record_company_id: whose dispute it is on a debtor shared by companies (the dossier)
            record.message_post(
                body=body, subtype_id=subtype.id, message_type="notification", record_company_id=self.company_id.id
            )

    def _notify_responsible(self):
        """An activity (one per dispute, reassigned, never duplicated) and an e-mail to the responsible."""
        activity_type = self._activity_type()
        template = self.env.ref("credit_dispute.mail_template_credit_dispute_assigned")
        for dispute in self.filtered("user_id"):
            activity = dispute.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t)[:1]
            summary = self.env._("Solve dispute %(name)s", name=dispute.name)
            if activity:
                activity.with_context(mail_activity_quick_update=True).write(
                    {"user_id": dispute.user_id.id, "date_deadline": dispute.date_deadline or activity.date_deadline}
                )
            else:
                dispute.with_context(mail_activity_quick_update=True).activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=dispute.user_id.id,
                    date_deadline=dispute.date_deadline or fields.Date.context_today(self),
                    summary=summary,
                )
            # the template is ours; rendering reads the invoices for the responsible's e-mail. The signed links are
            # made here and handed to this one render: the template itself cannot make them (see LINK_PERMIT)
            links = dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)._responsible_email_links()
            template.sudo().with_context(credit_dispute_links={dispute.id: links}).send_mail(
                dispute.id,
                email_layout_xmlid="mail.mail_notification_light",
                # not on the dispute's thread: the signed one-click links are the responsible's alone, readers
                # of the dispute must not see (and use) them while the e-mail waits in the queue
                email_values={
                    "recipient_ids": [Command.set(dispute.user_id.partner_id.ids)],
                    "model": False,
                    "res_id": False,
                },
            )

    # ------------------------------------------------------------------ e-mail action links
    def _action_token(self, action, expiry=None):
        return self.env["credit.dispute.token"]._make(self, action, expiry=expiry)

    def _action_url(self, action, expiry=None):
        return f"{self.get_base_url()}/credit/dispute/action/{self._action_token(action, expiry=expiry)}"

    def _responsible_email_links(self):
        """Signed one-click links for the responsible, before the link that opens the dispute in Odoo.

        Only for the code that mails the responsible (``_notify_responsible``, which passes them to the
        render): anywhere else signing refuses (``credit.dispute.token._make``)."""
        self.ensure_one()
        links = [(self.env._("Open the dispute"), f"{self.get_base_url()}/odoo/credit.dispute/{self.id}")]
        if not self.user_id or self.state not in OPEN_STATES:
            return links
        labels = {
            "solved": self.env._("Solved"),
            "not_solved": self.env._("Not solved yet"),
            "reject": self.env._("Reject"),
        }
        return [(labels[action], self._action_url(action)) for action in LINK_ACTIONS] + links

    # ------------------------------------------------------------------ actions for other screens
    @api.model
    def _action_register(self, partner, moves=None):
        """A new dispute form for ``partner`` (and ``moves``), as a dialog."""
        partner = partner.commercial_partner_id
        if len(partner) != 1:
            raise UserError(self.env._("Register a dispute for the invoices of one debtor at a time."))
        context = {"default_partner_id": partner.id, "default_company_id": self.env.company.id}
        if moves:
            if len(moves.company_id) > 1:
                raise UserError(self.env._("Register a dispute for the invoices of one company at a time."))
            context.update(default_move_ids=[Command.set(moves.ids)], default_company_id=moves.company_id.id)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(self.env.ref("credit_dispute.view_credit_dispute_form").id, "form")],
            "target": "new",
            "name": self.env._("Register dispute"),
            "context": context,
        }

    @api.model
    def _action_list(self, disputes):
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_dispute.action_credit_dispute")
        action["domain"] = [("id", "in", disputes.ids)]
        action["context"] = {"create": False}
        if len(disputes) == 1:
            action.update({"view_mode": "form", "res_id": disputes.id, "views": [(False, "form")]})
        return action

    # ------------------------------------------------------------------ SLA: remind until solved, escalate
    sla_last_reminder_date = fields.Date(
        string="Last reminder",
        readonly=True,
        copy=False,
        help="When the responsible was last reminded of this dispute by the daily SLA check.",
    )
    sla_escalated_date = fields.Date(
        string="Escalated on",
        readonly=True,
        copy=False,
        help="When the dispute was escalated to the credit managers for being too long past its deadline.",
    )

    # ------------------------------------------------------------------ cron
    @api.model
    def _cron_remind_sla(self, date=None, companies=None):
        """Daily cron: remind responsibles and escalate overdue disputes (of ``companies``, default all).

        Returns how many disputes got a reminder before / after their deadline and how many were escalated.
        """
        today = fields.Date.to_date(date) or fields.Date.context_today(self)
        companies = companies if companies is not None else self.env["res.company"].sudo().search([])
        max_before = max(companies.mapped("credit_dispute_remind_before_days") or [0])
        dispute_ids = self.search(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", OPEN_STATES),
                ("date_deadline", "!=", False),
                ("date_deadline", "<=", today + timedelta(days=max(max_before, 0))),
            ],
            order="company_id, id",
        ).ids
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        counts = Counter()
        done = 0
        for batch in split_every(BATCH_SIZE, dispute_ids, self.browse):
            for company, disputes in batch.grouped("company_id").items():
                counts.update(disputes.with_company(company)._sla_process(today))
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(dispute_ids) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit  # batch boundary
        return {key: counts[key] for key in ("reminded_before", "reminded_after", "escalated")}

    def _sla_process(self, today):
        """Send the reminders and escalations due on ``today`` for these disputes (of one company)."""
        to_remind = {"before": self.browse(), "after": self.browse()}
        to_escalate = self.browse()
        for dispute in self:
            kind = dispute._sla_reminder_due(today)
            if kind:
                to_remind[kind] |= dispute
            if dispute._sla_escalation_due(today):
                to_escalate |= dispute
        to_remind["before"]._sla_remind(today, before=True)
        to_remind["after"]._sla_remind(today, before=False)
        to_escalate._sla_escalate(today)
        return Counter(
            reminded_before=len(to_remind["before"]), reminded_after=len(to_remind["after"]), escalated=len(to_escalate)
        )

    def _sla_reminder_due(self, today):
        """``"before"``, ``"after"`` (the deadline) or ``False``: the reminder the responsible gets today."""
        self.ensure_one()
        if self.state not in OPEN_STATES or not self.date_deadline or not self.user_id:
            return False
        company = self.company_id
        deadline = self.date_deadline
        last = self.sla_last_reminder_date
        if today <= deadline:
            # never on the day of opening: the responsible was just told about the dispute
            start = max(
                deadline - timedelta(days=max(company.credit_dispute_remind_before_days, 0)),
                self.date_open + timedelta(days=1),
            )
            if start <= today and not (last and last >= start):
                return "before"
            return False
        every = company.credit_dispute_remind_days
        if every > 0 and (today - max(last or deadline, deadline)).days >= every:
            return "after"
        return False

    def _sla_escalation_due(self, today):
        self.ensure_one()
        after = self.company_id.credit_dispute_escalate_days
        if self.state not in OPEN_STATES or not self.date_deadline or after <= 0:
            return False
        escalate_on = self.date_deadline + timedelta(days=after)
        # escalated before the deadline was moved: escalate again for the new one
        return today >= escalate_on and not (self.sla_escalated_date and self.sla_escalated_date >= escalate_on)

    # ------------------------------------------------------------------ reminders
    def _sla_remind(self, today, before):
        """Update (or recreate) the responsible's "Solve dispute" activity and log the reminder in the chatter."""
        if not self:
            return
        activity_type = self._activity_type()
        subtype = self.env.ref("credit_dispute.mt_credit_dispute_reminder")
        to_schedule, lines = [], []
        for dispute in self:
            user = dispute.user_id
            # the reminder speaks the responsible's language
            local = dispute.with_context(lang=user.lang or self.env.lang)
            _ = local.env._
            deadline = format_date(local.env, dispute.date_deadline)
            if before:
                summary = _("Dispute %(name)s: solve it by %(date)s", name=dispute.name, date=deadline)
                line = _("Reminder sent to %(user)s: the deadline is %(date)s.", user=user.name, date=deadline)
            else:
                summary = _("Dispute %(name)s: past its deadline (%(date)s)", name=dispute.name, date=deadline)
                line = _(
                    "Reminder sent to %(user)s: the deadline (%(date)s) has passed.", user=user.name, date=deadline
                )
            vals = {
                "user_id": user.id,
                # before the deadline the activity is due on it; after, the reminder puts it on today's list
                "date_deadline": dispute.date_deadline if before else today,
                "summary": summary,
                "note": local._sla_note(),
            }
            activity = dispute.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t)
            if activity:
                activity.with_context(mail_activity_quick_update=True).write(vals)
            else:  # the responsible deleted it, or marked it done without closing the dispute
                to_schedule.append((dispute, {"activity_type_id": activity_type.id, **vals}))
            lines.append((dispute, line))
        self._sla_schedule(to_schedule)
        for dispute, line in lines:
            # the chatter line notifies the responsible (inbox or queued e-mail, as they prefer)
            dispute.with_context(mail_notify_force_send=False).message_post(
                body=Markup("<p>%s</p>") % line,
                subtype_id=subtype.id,
                message_type="notification",
                partner_ids=dispute.user_id.partner_id.ids,
            )
        self.write({"sla_last_reminder_date": today})

    def _sla_schedule(self, to_schedule):
        """``dispute.activity_schedule(**vals)`` for each ``(dispute, vals)``, one ``create`` per assignee:
        scheduling one activity at a time costs an insert and a follower subscription per activity."""
        if not to_schedule or self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        model_id = self.env["ir.model"]._get(self._name).id
        per_user = {}
        for dispute, vals in to_schedule:
            act_values = dict(vals)
            summary, note = act_values.pop("summary", ""), act_values.pop("note", "")
            date_deadline = act_values.pop("date_deadline", None) or fields.Date.context_today(dispute)
            activity_type = self.env["mail.activity.type"].browse(act_values.get("activity_type_id"))
            # what activity_schedule() fills in
            create_vals = {
                "activity_type_id": activity_type.id,
                "summary": summary or activity_type.summary,
                "automated": True,
                "note": note or activity_type.default_note,
                "date_deadline": date_deadline,
                "res_model_id": model_id,
                "res_id": dispute.id,
                **act_values,
            }
            if not create_vals.get("user_id"):
                create_vals["user_id"] = activity_type.default_user_id.id or self.env.uid
            per_user.setdefault(create_vals["user_id"], []).append(create_vals)
        # per assignee: mail.activity.create() tells one of the assignees of a batch that it has new activities
        Activity = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        activities = Activity
        for vals_list in per_user.values():
            activities |= Activity.create(vals_list)
        return activities

    def _sla_note(self):
        """The activity's note: what the dispute is about and until when, in the env's language."""
        self.ensure_one()
        _ = self.env._
        company = self.company_id
        rows = [
            (_("Debtor"), self.partner_id.sudo().display_name),
            (_("Invoices"), self.invoice_names or "-"),
            (_("Disputed amount"), format_amount(self.env, self.amount_disputed, self.currency_id)),
            (_("Deadline"), format_date(self.env, self.date_deadline)),
        ]
        body = Markup("<br/>").join(Markup("%s: %s") % row for row in rows)
        if company.credit_dispute_remind_days > 0:
            footer = _(
                "Until the dispute is closed you are reminded every %(days)s days after its deadline.",
                days=company.credit_dispute_remind_days,
            )
        else:
            footer = _("Close the dispute once it is solved.")
        return Markup("<p>%s</p><p>%s</p>") % (body, footer)

    # ------------------------------------------------------------------ escalation
    @api.model
    def _escalation_activity_type(self):
        return self.env.ref("credit_dispute.mail_activity_type_credit_dispute_escalated")

    def _sla_managers(self):
        """The credit managers the dispute escalates to: those of its company, except its own responsible."""
        self.ensure_one()
        managers = (
            self.env.ref("credit_followup.group_credit_manager")
            .sudo()
            .users.filtered(lambda u: u.active and not u.share and self.company_id in u.company_ids)
        )
        return (managers - self.user_id) or managers

    def _sla_escalate(self, today):
        """One activity per credit manager (updated, never duplicated) and a chatter line naming them."""
        if not self:
            return
        activity_type = self._escalation_activity_type()
        subtype = self.env.ref("credit_dispute.mt_credit_dispute_reminder")
        to_schedule, posts, managers_of = [], [], {}
        for dispute in self:
            # the managers depend on the company and the responsible only
            key = (dispute.company_id, dispute.user_id)
            if key not in managers_of:
                managers_of[key] = dispute._sla_managers()
            managers = managers_of[key]
            existing = dispute.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t)
            for manager in managers:
                local = dispute.with_context(lang=manager.lang or self.env.lang)
                vals = {
                    "user_id": manager.id,
                    "date_deadline": today,
                    "summary": local.env._(
                        "Escalated: dispute %(name)s is past its deadline (%(date)s)",
                        name=dispute.name,
                        date=format_date(local.env, dispute.date_deadline),
                    ),
                    "note": Markup("<p>%s</p>%s")
                    % (
                        local.env._("Responsible: %(user)s", user=dispute.user_id.name or "-"),
                        local._sla_note(),
                    ),
                }
                activity = existing.filtered(lambda a, m=manager: a.user_id == m)[:1]
                if activity:
                    activity.with_context(mail_activity_quick_update=True).write(vals)
                else:
                    to_schedule.append((dispute, {"activity_type_id": activity_type.id, **vals}))
            lang = dispute.company_id.partner_id.lang or self.env.lang
            _ = dispute.with_context(lang=lang).env._
            if managers:
                line = _(
                    "Escalated to the credit managers %(managers)s: still open after its deadline of %(date)s "
                    "(responsible: %(user)s).",
                    managers=", ".join(managers.mapped("name")),
                    date=format_date(dispute.with_context(lang=lang).env, dispute.date_deadline),
                    user=dispute.user_id.name or "-",
                )
            else:
                line = _("To escalate, but the company has no credit manager.")
            posts.append((dispute, line, managers))
        self._sla_schedule(to_schedule)
        for dispute, line, managers in posts:
            dispute.with_context(mail_notify_force_send=False).message_post(
                body=Markup("<p>%s</p>") % line,
                subtype_id=subtype.id,
                message_type="notification",
                partner_ids=managers.partner_id.ids,
            )
        self.write({"sla_escalated_date": today})

    # ------------------------------------------------------------------ e-mail in: held invoices, inbox
    credit_held_move_ids = fields.Many2many(
        "account.move",
        "credit_dispute_held_move_rel",
        "dispute_id",
        "move_id",
        string="Also held",
        readonly=True,
        copy=False,
        check_company=True,
        help="Other open invoices of the debtor that wait while this dispute is open: the company pauses all "
        "follow-up of a debtor who wrote to accounts receivable.",
    )
    credit_mail_ids = fields.Many2many(
        "credit.mail.inbox",
        "credit_mail_inbox_dispute_rel",
        "dispute_id",
        "inbox_id",
        string="E-mails",
        readonly=True,
        copy=False,
    )

    def _release_held(self, mode="now", date=False):
        """Resume the invoices these disputes held (reason "reply"), unless another open dispute holds them."""
        held_sudo = self.sudo().credit_held_move_ids.filtered(  # the dispute's own effect, whoever closes it
            lambda m: m.credit_followup_state == "paused" and m.credit_pause_reason == "reply"
        )
        if not held_sudo:
            return held_sudo
        others_sudo = self.sudo().search([("id", "not in", self.ids), ("state", "in", OPEN_STATES)])
        held_sudo -= others_sudo.credit_held_move_ids | others_sudo.move_ids
        if mode != "keep":
            held_sudo._credit_resume_on(date if mode == "date" else False, "reply")
        return held_sudo

    # ------------------------------------------------------------------ CRM API
    def _api_values(self):
        """The dispute as the CRM API shows it."""
        self.ensure_one()
        currency = self.currency_id
        category = self.category_id
        return {
            "id": self.id,
            "reference": self.name,
            "state": self.state,
            "partner": named(self.partner_id),
            "company": named(self.company_id),
            "category": {"id": category.id, "code": category.code, "name": category.name} if category else None,
            "channel": self.channel,
            "description": plain(self.description),
            "responsible": named(self.user_id),
            "date_open": date_value(self.date_open),
            "date_deadline": date_value(self.date_deadline),
            "date_closed": date_value(self.date_closed),
            "is_overdue": self.is_overdue,
            "currency": currency.name,
            "amount_disputed": amount_value(self.amount_disputed, currency),
            "amount_open": amount_value(self.amount_residual, currency),
            # the disputed invoices' numbers, as the dispute form shows them (invoice_names is computed as
            # superuser) also to a resolver who may not read invoices
            "invoices": invoice_refs(self.sudo().move_ids.sorted("id")),
        }

    # ------------------------------------------------------------------ dossier
    def action_credit_print_dossier(self):
        return self.env.ref("credit_dispute.action_report_credit_dossier_dispute").report_action(self)
