"""WhatsApp messages in and out: the outgoing queue, status callbacks and the matching of incoming messages.

Out: the engine's WhatsApp channel and the reply wizard create ``queued`` messages; the send cron
(``_cron_send``) posts them to the Cloud API no sooner than ``next_try`` (quiet hours for reminders),
retries rate limits and temporary errors with back-off, and turns a definite failure into a failed
follow-up log (``credit.followup.log._credit_mark_failed``: the step's fallback).

In: the webhook stores each message once (``wamid`` is unique; ``INSERT … ON CONFLICT DO NOTHING``)
and answers at once; the process cron (``_cron_process``) matches the sender to a debtor by the
WhatsApp user id or the E.164 number, registers the message on the debtor and the invoices
concerned, opens or updates the dispute (``credit.dispute._credit_debtor_reply``, as an e-mail does)
and acknowledges once a day. Unknown senders wait in triage.
"""

import base64
import json
import logging
import threading
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..tools import whatsapp_api

_logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
MAX_TRIES = 8
BATCH_SIZE = 100
STATE_RANK = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}
MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
OPEN_PAYMENT_STATES = ("not_paid", "partial")


def _from_timestamp(value):
    """Meta's Unix timestamp as a naive UTC datetime."""
    return datetime.fromtimestamp(int(value), tz=UTC).replace(tzinfo=None)


class CreditWhatsappMessage(models.Model):
    _name = "credit.whatsapp.message"
    _description = "WhatsApp message"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "wamid"

    wamid = fields.Char(string="WhatsApp message ID", readonly=True, copy=False, index=True)
    direction = fields.Selection([("in", "Incoming"), ("out", "Outgoing")], required=True, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
            ("received", "Received"),
        ],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    account_id = fields.Many2one(
        "credit.whatsapp.account", required=True, readonly=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", readonly=True, index=True, help="The commercial partner of the sender."
    )
    contact_id = fields.Many2one("res.partner", readonly=True, help="Whose number it is.")
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    number = fields.Char(readonly=True, index="btree_not_null", help="E.164 number of the debtor.")
    wa_user_id = fields.Char(
        string="WhatsApp user ID",
        readonly=True,
        index="btree_not_null",
        help="Meta's business-scoped user id: the only identifier when a user hides their number.",
    )
    profile_name = fields.Char(string="WhatsApp name", readonly=True)
    message_type = fields.Char(string="Type", readonly=True, default="text")
    body = fields.Text(readonly=True)
    origin = fields.Selection(
        [("followup", "Reminder"), ("manual", "Reply"), ("ack", "Acknowledgement"), ("debtor", "Debtor")],
        readonly=True,
    )
    template_id = fields.Many2one("credit.whatsapp.template", readonly=True, ondelete="set null")
    template_params = fields.Text(readonly=True, help="The template's parameter values (JSON list).")
    move_ids = fields.Many2many(
        "account.move",
        "credit_whatsapp_message_account_move_rel",
        "message_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    dispute_ids = fields.Many2many(
        "credit.dispute",
        "credit_whatsapp_message_dispute_rel",
        "message_id",
        "dispute_id",
        string="Disputes",
        readonly=True,
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments", readonly=True)
    mail_message_id = fields.Many2one(
        "mail.message", string="Chatter message", readonly=True, ondelete="set null", index="btree_not_null"
    )
    # queue (out)
    next_try = fields.Datetime(string="Send after", readonly=True, index=True, copy=False)
    try_count = fields.Integer(string="Tries", readonly=True, copy=False)
    error_code = fields.Integer(readonly=True, copy=False)
    error_message = fields.Char(readonly=True, copy=False)
    failure_pending = fields.Boolean(readonly=True, copy=False, help="The failure still has to reach the follow-up.")
    request_log = fields.Text(string="Request", readonly=True, copy=False)
    response_log = fields.Text(string="Response", readonly=True, copy=False)
    date_sent = fields.Datetime(readonly=True, copy=False)
    date_delivered = fields.Datetime(readonly=True, copy=False)
    date_read = fields.Datetime(readonly=True, copy=False)
    # incoming
    match_state = fields.Selection(
        [("pending", "To match"), ("matched", "Matched"), ("triage", "To triage"), ("ignored", "Ignored")],
        readonly=True,
        index="btree_not_null",
        copy=False,
    )
    match_method = fields.Selection(
        [("user_id", "WhatsApp user ID"), ("number", "Phone number"), ("manual", "Linked by hand")],
        string="Matched by",
        readonly=True,
    )
    media_id = fields.Char(readonly=True)
    raw = fields.Text(string="Webhook event", readonly=True)

    _sql_constraints = [("wamid_uniq", "unique(wamid)", "A WhatsApp message is stored once.")]

    @api.depends("wamid", "direction", "partner_id", "number")
    def _compute_display_name(self):
        directions = dict(self._fields["direction"]._description_selection(self.env))
        for message in self:
            who = message.partner_id.name or message.number or message.wa_user_id or "?"
            message.display_name = f"{directions.get(message.direction, '')} – {who}"

    # ================================================================== incoming: the webhook
    @api.model
    def _store_incoming(self, account, message, contacts):
        """One incoming message, once: returns 1 when new, 0 for a repeated delivery.

        Plain SQL on purpose: ``ON CONFLICT (wamid) DO NOTHING`` keeps two concurrent deliveries of the same
        message (Meta retries for days, sometimes in parallel) from storing it twice or failing the request.
        """
        contact = next(
            (
                c
                for c in contacts
                if c.get("wa_id") == message.get("from") or c.get("user_id") == message.get("from_user_id")
            ),
            contacts[0] if contacts else {},
        )
        wa_id = message.get("from") or contact.get("wa_id")
        user_id = contact.get("user_id") or message.get("from_user_id")
        kind = str(message.get("type") or "text")[:32]
        content = message.get(kind) if isinstance(message.get(kind), dict) else {}
        if kind == "text":
            body = content.get("body")
        elif kind == "button":
            body = content.get("text")
        elif kind == "interactive":
            reply = content.get("button_reply") or content.get("list_reply") or {}
            body = reply.get("title")
        else:
            body = content.get("caption") or content.get("filename")
        try:
            date = _from_timestamp(message.get("timestamp"))
        except (TypeError, ValueError, OverflowError, OSError):
            date = fields.Datetime.now()
        rows = self.env.execute_query(
            SQL(
                """
            INSERT INTO credit_whatsapp_message
                (wamid, direction, state, origin, account_id, company_id, date, number, wa_user_id, profile_name,
                 message_type, body, media_id, raw, match_state, create_uid, write_uid, create_date, write_date)
            VALUES (%s, 'in', 'received', 'debtor', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'pending',
                    %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (wamid) DO NOTHING
            RETURNING id
            """,
                str(message["id"])[:255],
                account.id,
                account.company_id.id,
                date,
                whatsapp_api.wa_id_to_e164(wa_id) or None,
                str(user_id)[:255] if user_id else None,
                str((contact.get("profile") or {}).get("name") or "")[:255] or None,
                kind,
                (str(body)[:10000] if body else None),
                str(content.get("id"))[:255] if kind in MEDIA_TYPES and content.get("id") else None,
                json.dumps({"message": message, "contacts": contacts}, ensure_ascii=False)[:100000],
                self.env.uid,
                self.env.uid,
            )
        )
        return len(rows)

    @api.model
    def _apply_statuses(self, account, statuses):
        """Status callbacks: sent, delivered, read (never backwards) and failed (with Meta's error)."""
        by_wamid = {}
        for status in statuses:
            by_wamid.setdefault(str(status["id"]), []).append(status)
        messages = self.search(
            [("wamid", "in", list(by_wamid)), ("direction", "=", "out"), ("account_id", "=", account.id)]
        )
        for message in messages:
            for status in sorted(by_wamid[message.wamid], key=lambda s: str(s.get("timestamp") or "")):
                message._apply_status(status)

    def _apply_status(self, status):
        self.ensure_one()
        value = status.get("status")
        try:
            when = _from_timestamp(status.get("timestamp"))
        except (TypeError, ValueError, OverflowError, OSError):
            when = fields.Datetime.now()
        if value == "failed":
            if self.state == "failed":
                return
            error = (status.get("errors") or [{}])[0] or {}
            details = (error.get("error_data") or {}).get("details")
            self.write(
                {
                    "state": "failed",
                    "error_code": int(error.get("code") or 0) or False,
                    "error_message": " – ".join(filter(None, [error.get("title") or error.get("message"), details]))[
                        :255
                    ]
                    or False,
                    "failure_pending": True,
                    "response_log": json.dumps(status, ensure_ascii=False)[:4000],
                }
            )
        elif value in ("sent", "delivered", "read") and self.state in STATE_RANK:
            if STATE_RANK[value] <= STATE_RANK[self.state]:
                return
            vals = {"state": value, f"date_{value}": when}
            if value in ("delivered", "read") and not self.date_sent:
                vals["date_sent"] = when
            self.write(vals)

    # ================================================================== incoming: the queued job
    @api.model
    def _cron_process(self, limit=None):
        """Match pending incoming messages and hand failed statuses to the follow-up, in batches."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        pending = self.sudo().search(
            [("direction", "=", "in"), ("match_state", "=", "pending")], order="id", limit=limit
        )
        failures = self.sudo().search([("failure_pending", "=", True)], order="id", limit=limit)
        done = 0
        total = len(pending) + len(failures)
        for batch in split_every(BATCH_SIZE, pending.ids, self.sudo().browse):
            batch._match_batch()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit  # batch boundary
        for batch in split_every(BATCH_SIZE, failures.ids, self.sudo().browse):
            batch._handle_failures()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit  # batch boundary
        return done

    def _match_batch(self):
        """Find the debtor of every message of the batch in a fixed number of queries, then register each."""
        for (company, account), messages in self.grouped(lambda m: (m.company_id, m.account_id)).items():
            candidates = self.env["res.partner"]._credit_whatsapp_candidates(
                company, [m.wa_user_id for m in messages if m.wa_user_id], [m.number for m in messages if m.number]
            )
            with_open = self._debtors_with_open_invoices(company, candidates)
            to_triage = self.browse()
            for message in messages:
                contact, method = message._pick_contact(candidates, with_open)
                if not contact:
                    to_triage |= message
                    continue
                try:
                    with self.env.cr.savepoint():
                        # chatter lines and the dispute in the company's language (the queue runs as OdooBot)
                        message.with_company(company).with_context(
                            lang=company.partner_id.lang or self.env.lang
                        )._register_match(contact, method)
                except Exception:  # one message that cannot be registered must not block the queue: a person looks
                    _logger.exception("WhatsApp message %s could not be registered on %s", message.id, contact.id)
                    to_triage |= message
            if to_triage:
                to_triage.write({"match_state": "triage"})
            account._credit_whatsapp_after_match(messages)

    @api.model
    def _debtors_with_open_invoices(self, company, partners):
        if not partners:
            return set()
        rows = self.env["account.move"]._read_group(
            [*partners.with_company(company)._credit_open_invoice_domain(), ("company_id", "=", company.id)],
            ["commercial_partner_id"],
        )
        return {partner for (partner,) in rows}

    def _pick_contact(self, candidates, with_open):
        """(contact, method) for this message among the batch's candidates, or (None, None): triage.

        The WhatsApp user id wins over the number; several debtors with the number: the one with open invoices,
        when there is exactly one.
        """
        self.ensure_one()
        for method, matches in (
            (
                "user_id",
                candidates.filtered(lambda p: self.wa_user_id and p.credit_whatsapp_user_id == self.wa_user_id),
            ),
            (
                "number",
                candidates.filtered(
                    lambda p: self.number and self.number in (p.credit_mobile_e164, p.credit_phone_e164)
                ),
            ),
        ):
            matches = matches.filtered(lambda p: not p.company_id or p.company_id == self.company_id)
            debtors = matches.commercial_partner_id
            if len(debtors) > 1:
                debtors = debtors.filtered(lambda d: d in with_open)
            if len(debtors) == 1:
                contact = matches.filtered(lambda p, debtor=debtors: p.commercial_partner_id == debtor)
                # the debtor's own number before a contact person's
                return (contact.filtered(lambda p, debtor=debtors: p == debtor) or contact)[:1], method
            if len(matches.commercial_partner_id) > 1:
                return None, None  # ambiguous: a person decides
        return None, None

    def _register_match(self, contact, method, moves=None):
        """Register the message on the debtor and the invoices concerned, as a debtor's e-mail is."""
        self.ensure_one()
        debtor = contact.commercial_partner_id
        company = self.company_id
        Dispute = self.env["credit.dispute"]
        if moves is None:
            moves = self._credit_moves_concerned(debtor)
        vals = {"partner_id": debtor.id, "contact_id": contact.id, "match_state": "matched", "match_method": method}
        if self.wa_user_id and contact.credit_whatsapp_user_id != self.wa_user_id:
            # remembered: the next message of a user who hides the number still finds the debtor
            contact.credit_whatsapp_user_id = self.wa_user_id
        self.write({**vals, "move_ids": [(6, 0, moves.ids)]})
        attachments = self._credit_download_media()
        subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_in")
        self._credit_post([debtor, *moves], subtype, author=contact, attachments=attachments)
        existing, new = Dispute._credit_debtor_reply(
            debtor,
            moves,
            company,
            "whatsapp",
            Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._("WhatsApp message from %(sender)s:", sender=self._credit_sender_label()),
                self.body or self.message_type,
            ),
            disputes=self.dispute_ids,
            pause_note=lambda dispute: self.env._(
                "WhatsApp message from the debtor (dispute %(name)s)", name=dispute.name
            ),
            register=lambda existing, new: [
                self._credit_post(
                    [dispute],
                    subtype,
                    author=contact,
                    attachments=attachments,
                    notify=dispute.user_id.partner_id if dispute in existing else None,
                )
                for dispute in existing | new
            ],
        )
        self.dispute_ids = [(4, dispute.id) for dispute in existing | new]
        return existing | new

    def _credit_sender_label(self):
        return " ".join(filter(None, [self.profile_name, self.number or self.wa_user_id])) or "?"

    def _credit_moves_concerned(self, debtor):
        """The invoices of the debtor's open dispute, else those of the last reminder (still open)."""
        company = self.company_id
        disputes = self.env["credit.dispute"].search(
            [("partner_id", "=", debtor.id), ("company_id", "=", company.id), ("state", "in", ("new", "in_progress"))],
            order="id desc",
        )
        if disputes.move_ids:
            return disputes.move_ids
        Log = self.env["credit.followup.log"]
        last = Log.search(
            [
                ("partner_id", "=", debtor.id),
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("mail_message_id", "!=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not last:
            return self.env["account.move"]
        moves = Log.search([("mail_message_id", "=", last.mail_message_id.id)]).move_id
        return moves.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)

    def _credit_download_media(self):
        """An incoming image or document as an attachment of the message (none when Meta refuses it)."""
        self.ensure_one()
        if not self.media_id or self.attachment_ids:
            return self.attachment_ids
        try:
            content, mimetype = self.account_id._api().download_media(self.media_id)
        except whatsapp_api.WhatsAppApiError as exc:
            _logger.warning("WhatsApp media %s of message %s not downloaded: %s", self.media_id, self.id, exc.message)
            self.account_id._credit_api_error_token(exc)
            return self.env["ir.attachment"]
        raw = json.loads(self.raw or "{}").get("message", {})
        filename = (raw.get(self.message_type) or {}).get("filename") or f"whatsapp-{self.media_id}"
        if "." not in filename:
            filename += "." + (mimetype.split("/")[-1].split(";")[0] or "bin")
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(content),
                "mimetype": mimetype,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.attachment_ids = [(4, attachment.id)]
        return attachment

    def _credit_post(self, records, subtype, author=None, attachments=None, notify=None):
        """The message on each record's chatter (a copy of the attachments each)."""
        self.ensure_one()
        outgoing = self.direction == "out"
        label = (
            self.env._("WhatsApp to %(to)s", to=self.number or self.wa_user_id)
            if outgoing
            else self.env._("WhatsApp from %(sender)s", sender=self._credit_sender_label())
        )
        text = self.body or (self.template_id and self.template_id.name) or self.message_type or ""
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (label, escape(text).replace("\n", Markup("<br/>")))
        messages = self.env["mail.message"]
        for record in records:
            copies = (attachments or self.env["ir.attachment"]).copy({"res_model": record._name, "res_id": record.id})
            vals = {
                "body": body,
                "message_type": "comment",
                "subtype_id": subtype.id,
                "author_id": (author or self.company_id.partner_id).id,
                "attachment_ids": copies.ids,
                "date": self.date,
            }
            if notify:
                messages |= record.message_post(partner_ids=notify.ids, **vals)
            else:
                vals["attachment_ids"] = [(6, 0, copies.ids)]
                messages |= self.env["mail.message"].create(
                    {**vals, "model": record._name, "res_id": record.id, "record_name": record.display_name}
                )
        return messages

    # ================================================================== triage
    def action_link(self, partner, moves=None, remember=True):
        """Triage: link an unmatched message to a debtor (the link wizard calls this)."""
        self.ensure_one()
        self.check_access("write")
        if self.direction != "in" or self.match_state not in ("triage", "ignored", "pending"):
            raise UserError(self.env._("Only incoming messages waiting in triage can be linked."))
        debtor = partner.commercial_partner_id
        moves = moves or self.env["account.move"]
        if moves.filtered(lambda m: m.commercial_partner_id != debtor or m.company_id != self.company_id):
            raise UserError(self.env._("Choose invoices of %(partner)s in this company.", partner=debtor.name))
        message_sudo = self.sudo().with_company(self.company_id)  # registration writes like the queued job does
        if remember and self.wa_user_id and not partner.credit_whatsapp_user_id:
            partner.sudo().credit_whatsapp_user_id = self.wa_user_id  # the credit manager linked this user
        message_sudo._register_match(partner.sudo(), "manual", moves=moves or None)
        message_sudo.match_method = "manual"
        return True

    def action_ignore(self):
        if any(m.match_state != "triage" for m in self):
            raise UserError(self.env._("Only messages to triage can be ignored."))
        self.write({"match_state": "ignored"})

    def action_reset(self):
        if any(m.match_state != "ignored" for m in self):
            raise UserError(self.env._("Only ignored messages can be put back to triage."))
        self.write({"match_state": "triage"})

    def action_open_link_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.whatsapp.link",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Link WhatsApp message to a debtor"),
            "context": {"default_message_id": self.id},
        }

    # ================================================================== outgoing: the queue
    @api.model
    def _cron_send(self, limit=None):
        """Send what is due, account by account; an expired token stops its account until a new one is set."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        now = fields.Datetime.now()
        due = self.sudo().search(
            [
                ("direction", "=", "out"),
                ("state", "=", "queued"),
                ("next_try", "<=", now),
                ("account_id.token_error", "=", False),
                ("account_id.active", "=", True),
            ],
            order="next_try, id",
            limit=limit,
        )
        done = 0
        for batch in split_every(BATCH_SIZE, due.ids, self.sudo().browse):
            batch._send()
            done += len(batch)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit  # batch boundary: sent stays sent
        failures = self.sudo().search([("failure_pending", "=", True)], order="id", limit=limit)
        failures._handle_failures()
        return done

    def _send(self):
        """Post each queued message to the API; returns the messages sent."""
        sent = self.browse()
        for message in self.filtered(lambda m: m.state == "queued"):
            account = message.account_id
            if account.token_error:
                continue
            if message.origin == "followup":
                # reminders wait for the quiet hours to end and never go to a number that opted out
                send_after = message.company_id._credit_send_after()
                if send_after > fields.Datetime.now():
                    message.next_try = send_after
                    continue
                if message.contact_id._credit_whatsapp_opted_out(message.number):
                    message._fail(0, self.env._("the number is on the blacklist (opted out)"))
                    continue
            api = account._api()
            try:
                if message.template_id:
                    wamid, request_log, response_log = api.send_template(
                        message.template_id.name,
                        message.template_id.language,
                        json.loads(message.template_params or "[]"),
                        number=message.number,
                        user_id=message.wa_user_id,
                    )
                else:
                    wamid, request_log, response_log = api.send_text(
                        message.body or "", number=message.number, user_id=message.wa_user_id
                    )
            except whatsapp_api.WhatsAppApiError as exc:
                message._on_api_error(exc)
                continue
            message.write(
                {
                    "state": "sent",
                    "wamid": wamid,
                    "date_sent": fields.Datetime.now(),
                    "try_count": message.try_count + 1,
                    "request_log": request_log,
                    "response_log": response_log,
                    "error_code": False,
                    "error_message": False,
                }
            )
            sent |= message
        return sent

    def _on_api_error(self, error):
        """What Meta's answer means for the message: retry later, wait for a token, or fail for good."""
        self.ensure_one()
        logs = {"request_log": error.request_log, "response_log": error.response_log}
        if error.kind == "token":
            self.write({**logs, "error_code": error.code, "error_message": error.message[:255]})
            self.account_id._credit_api_error_token(error)
            return
        tries = self.try_count + 1
        if error.kind == "retry" and tries < MAX_TRIES:
            # back-off: 1, 2, 4, 8… minutes (rate limits pass; Meta asks to slow down)
            self.write(
                {
                    **logs,
                    "try_count": tries,
                    "next_try": fields.Datetime.now() + timedelta(minutes=2 ** (tries - 1)),
                    "error_code": error.code or False,
                    "error_message": error.message[:255],
                }
            )
            return
        self.write({**logs, "try_count": tries})
        reason = error.message if error.kind != "retry" else self.env._("gave up after %s tries", tries)
        self._fail(error.code or 0, reason)

    def _fail(self, code, message):
        self.ensure_one()
        self.write(
            {
                "state": "failed",
                "error_code": code or False,
                "error_message": (message or "")[:255],
                "failure_pending": True,
            }
        )

    def _failure_reason(self):
        """What the credit manager reads: the failure in words, with what to do."""
        self.ensure_one()
        advice = {
            whatsapp_api.ERROR_UNDELIVERABLE: self.env._("the number is not on WhatsApp or cannot be reached"),
            whatsapp_api.ERROR_WINDOW: self.env._(
                "more than 24 hours since the debtor's last message: only a template can be sent"
            ),
            whatsapp_api.ERROR_TEMPLATE_PARAMS: self.env._(
                "the template's parameters do not match: check the step's WhatsApp parameters"
            ),
            whatsapp_api.ERROR_TEMPLATE_MISSING: self.env._(
                "the template does not exist (in this language): synchronise the templates and check the step"
            ),
        }.get(self.error_code)
        text = self.error_message or ""
        if self.error_code:
            text = f"({self.error_code}) {text}"
        return f"WhatsApp: {advice} – {text}" if advice else f"WhatsApp: {text}"

    def _handle_failures(self):
        """A definite failure: the reminder's log rows fail (the step's fallback runs), the chatter says so."""
        Log = self.env["credit.followup.log"].sudo()  # the queue marks the engine's log
        for message in self.filtered("failure_pending"):
            message.failure_pending = False
            reason = message._failure_reason()
            if message.mail_message_id:
                chatter = message.mail_message_id.sudo()  # the queue annotates the reminder it sent
                chatter.body = Markup("%s<p class='text-danger'>%s</p>") % (chatter.body or "", reason)
            if message.origin == "followup" and message.mail_message_id:
                logs = Log.search([("mail_message_id", "=", message.mail_message_id.id), ("state", "=", "done")])
                logs._credit_mark_failed(reason)
            elif message.partner_id:
                message.partner_id.sudo().message_post(
                    body=Markup("<p>%s</p>") % reason,
                    subtype_xmlid="credit_followup.mt_credit_failed",
                    message_type="notification",
                )

    # ================================================================== outgoing: creating messages
    def _credit_preview(self):
        """The text the debtor reads: the template's body with its parameters filled in."""
        self.ensure_one()
        if not self.template_id:
            return self.body or ""
        return whatsapp_api.fill_template(
            self.template_id.body or self.template_id.name, json.loads(self.template_params or "[]")
        )

    @api.model
    def _credit_window_end(self, partner, company):
        """When the 24-hour customer-service window the debtor's last message opened closes (or False)."""
        last = self.sudo().search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("direction", "=", "in"),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not last:
            return False
        end = last.date + WINDOW
        return end if end > fields.Datetime.now() else False

    @api.model
    def _credit_queue_vals(
        self, account, contact, debtor, origin, body=None, template=None, params=None, moves=None, **extra
    ):
        """Values of a queued outgoing message to ``contact`` (their WhatsApp user id or E.164 number)."""
        # the number the debtor wrote from (replies), else the contact's own
        number = extra.pop("number", False) or contact._credit_whatsapp_number()
        user_id = extra.pop("wa_user_id", False) or contact.credit_whatsapp_user_id
        if not number and not user_id:
            raise UserError(self.env._("%(name)s has no valid mobile number.", name=contact.display_name))
        return {
            "direction": "out",
            "state": "queued",
            "origin": origin,
            "account_id": account.id,
            "company_id": account.company_id.id,
            "partner_id": debtor.id,
            "contact_id": contact.id,
            "number": number,
            "wa_user_id": user_id if not number else False,
            "body": body or (template and whatsapp_api.fill_template(template.body or template.name, params or [])),
            "template_id": template.id if template else False,
            "template_params": json.dumps(params or [], ensure_ascii=False),
            "message_type": "template" if template else "text",
            "move_ids": [(6, 0, (moves or self.env["account.move"]).ids)],
            "next_try": fields.Datetime.now(),
            **extra,
        }

    @api.model
    def _credit_queue(self, *args, **kwargs):
        """A queued outgoing message (see ``_credit_queue_vals``)."""
        return self.sudo().create(self._credit_queue_vals(*args, **kwargs))  # the queue is written for senders
