"""The accounts-receivable mailbox: every e-mail sent to a company's AR alias.

The mail gateway creates one ``credit.mail.inbox`` record per conversation (``message_new``);
later mails of the same conversation (replies to our acknowledgement) land on it through
``message_update``. Right after the gateway posted a mail on the record, it is matched to a
debtor and registered on the invoices concerned (``_process_incoming``):

1. a reply to one of our reminders (``In-Reply-To`` / ``References`` = a reminder's Message-Id
   kept in ``credit.followup.log.message_id``): the reminded invoices;
2. else a sender address of exactly one debtor's contact in the company: the invoices whose
   numbers the mail mentions, else those of the last reminder the debtor got;
3. else invoice numbers of one debtor in the subject or the body.

Unmatched mail stays "to triage" until a credit manager links it (``credit.mail.link``).
"""

import re

from markupsafe import Markup

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import email_normalize, html2plaintext
from odoo.tools.mail import parse_contact_from_email, unfold_references

# Precedence values of mailing lists and auto-responders (RFC 2076, RFC 3834 §2)
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "List-Id", "List-Unsubscribe")
# senders that are machines: never acknowledged
SYSTEM_LOCALPARTS = {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}
# an invoice number: starts with a letter or digit, ends with a digit (INV/2026/00012, F2026-0042)
INVOICE_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{2,62}[0-9]")
MAX_TOKENS = 300
OPEN_PAYMENT_STATES = ("not_paid", "partial")


class CreditMailInbox(models.Model):
    """One conversation received on the accounts-receivable alias, matched to a debtor or to triage."""

    _name = "credit.mail.inbox"
    _description = "Incoming credit e-mail"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _primary_email = "email_from"

    name = fields.Char(string="Subject", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    date = fields.Datetime(string="Received", required=True, readonly=True, default=fields.Datetime.now)
    email_from = fields.Char(string="From", readonly=True)
    email_normalized = fields.Char(
        string="Sender address", compute="_compute_email_normalized", store=True, index="btree_not_null"
    )
    author_id = fields.Many2one("res.partner", string="Sender", readonly=True)
    preview = fields.Char(readonly=True)
    state = fields.Selection(
        [("new", "To triage"), ("linked", "Linked"), ("ignored", "Ignored")],
        required=True,
        default="new",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True, index=True, check_company=True)
    move_ids = fields.Many2many(
        "account.move",
        "credit_mail_inbox_account_move_rel",
        "inbox_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    dispute_ids = fields.Many2many(
        "credit.dispute",
        "credit_mail_inbox_dispute_rel",
        "inbox_id",
        "dispute_id",
        string="Disputes",
        readonly=True,
        check_company=True,
    )
    user_id = fields.Many2one("res.users", string="Handled by", readonly=True)
    match_method = fields.Selection(
        [
            ("reply", "Reply to a reminder"),
            ("sender", "Known sender"),
            ("invoice", "Invoice number"),
            ("manual", "Linked by hand"),
        ],
        string="Matched by",
        readonly=True,
    )
    automatic_reason = fields.Char(
        string="Automatic e-mail",
        readonly=True,
        help="Why this e-mail was sent by a machine (auto-reply, bounce, mailing list): it is registered but opens "
        "no dispute, pauses nothing and gets no acknowledgement.",
    )
    message_ref = fields.Char(string="Message-Id", readonly=True, index="btree_not_null", copy=False)
    mail_references = fields.Text(string="References", readonly=True, copy=False)
    thread_ref = fields.Char(
        string="Conversation",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="Message-Id of the first e-mail of the conversation: one acknowledgement per conversation.",
    )
    ack_message_ref = fields.Char(
        string="Acknowledgement Message-Id", readonly=True, index="btree_not_null", copy=False
    )
    ack_date = fields.Datetime(string="Acknowledged on", readonly=True, copy=False)
    ack_known_sender = fields.Boolean(
        compute="_compute_ack_known_sender",
        help="The sender was matched as the debtor (a reply to our e-mail, a contact's address, the debtor's own mail "
        "domain) or is one of its contacts: only then does the acknowledgement name the debtor, the person handling "
        "it and the invoices. Anyone else gets a neutral one.",
    )
    ack_reference = fields.Char(compute="_compute_ack_known_sender", help="Our reference in the acknowledgement.")

    @api.depends("email_from")
    def _compute_email_normalized(self):
        for inbox in self:
            inbox.email_normalized = email_normalize(inbox.email_from or "") or False

    def _compute_ack_known_sender(self):
        for inbox in self:
            # matched as the debtor (a reply to our e-mail, a contact's address, the debtor's own domain) or, linked
            # by hand, one of the debtor's contacts
            inbox.ack_known_sender = bool(inbox.partner_id) and (
                inbox.match_method in ("reply", "sender", "invoice")
                or bool(
                    inbox.email_normalized and inbox.email_normalized in inbox.sudo()._contact_emails(inbox.partner_id)
                )
            )
            inbox.ack_reference = f"AR-{inbox.id:06d}" if inbox.id else False

    # ------------------------------------------------------------------ mail gateway
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new conversation on the AR alias; the alias gives the company (``alias_defaults``)."""
        values = dict(custom_values or {})
        refs = unfold_references(msg_dict.get("references") or "") or unfold_references(
            msg_dict.get("in_reply_to") or ""
        )
        text = html2plaintext(msg_dict.get("body") or "").strip()
        values.update(
            {
                "name": msg_dict.get("subject") or self.env._("(no subject)"),
                "email_from": msg_dict.get("email_from") or False,
                "author_id": msg_dict.get("author_id") or False,
                "message_ref": msg_dict.get("message_id") or False,
                "mail_references": " ".join(refs) or False,
                "thread_ref": (refs[0] if refs else msg_dict.get("message_id")) or False,
                "date": msg_dict.get("date") or fields.Datetime.now(),
                "automatic_reason": self.env.context.get("credit_mail_automatic") or False,
                "preview": " ".join(text.split())[:200] or False,
            }
        )
        return super().message_new(msg_dict, custom_values=values)

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if self.env.context.get("credit_mail_gateway") and message.message_type == "email":
            self.with_context(credit_mail_gateway=False)._process_incoming(
                message, self.env.context.get("credit_mail_automatic") or False
            )
        return result

    @api.model
    def _automatic_reason(self, email_message, message_dict):
        """Why a raw e-mail was sent by a machine (auto-reply, bounce, list), or False (RFC 3834)."""
        auto_submitted = (email_message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
            return f"Auto-Submitted: {auto_submitted}"
        for header in AUTOMATIC_HEADERS:
            if email_message.get(header) is not None:
                return f"{header}: {email_message.get(header)}".strip()
        precedence = (email_message.get("Precedence") or "").strip().lower()
        if precedence in AUTOMATIC_PRECEDENCE:
            return f"Precedence: {precedence}"
        return_path = email_message.get("Return-Path")
        if return_path is not None and str(return_path).strip() in ("<>", ""):
            return "Return-Path: <>"
        email = email_normalize(message_dict.get("email_from") or "") or ""
        if email.split("@")[0] in SYSTEM_LOCALPARTS:
            return f"From: {email}"
        return False

    def _process_incoming(self, message, automatic=False):
        """Match the e-mail the gateway just posted and register it (or leave it to triage)."""
        self.ensure_one()
        # the mail gateway: matching reads invoices, logs and partners of the alias' company only
        inbox_sudo = self.sudo().with_company(self.company_id).with_context(mail_create_nosubscribe=True)
        if message.message_id != inbox_sudo.message_ref:
            # a later e-mail of a conversation we already know (e.g. a reply to our acknowledgement)
            if inbox_sudo.state == "linked":
                # someone else in the thread (a reply-all from a third party) is registered, but opens no
                # dispute and pauses nothing: only the debtor's own people do
                sender = email_normalize(message.email_from or "")
                known = bool(sender) and sender in inbox_sudo._debtor_addresses()
                inbox_sudo._register_email(message, automatic=automatic or not known, acknowledge=False)
            return
        match = inbox_sudo._match(message)
        if match:
            partner, moves, method = match
            inbox_sudo._link(partner, moves, method, inbox_sudo._incoming_messages(), acknowledge=True)

    # ------------------------------------------------------------------ matching
    def _incoming_messages(self):
        return self.message_ids.filtered(lambda m: m.message_type == "email").sorted("id")

    def _match(self, message):
        """(commercial partner, invoices, method) for the first e-mail, or None: triage."""
        self.ensure_one()
        company = self.company_id
        refs = unfold_references(self.mail_references or "")[-32:]
        if refs:
            logs = self.env["credit.followup.log"].search(
                [("message_id", "in", refs), ("company_id", "=", company.id)], order="id desc"
            )
            if logs:
                partner = logs[0].partner_id.commercial_partner_id
                return (
                    partner,
                    logs.filtered(lambda log: log.partner_id.commercial_partner_id == partner).move_id,
                    "reply",
                )
        mentioned = self._mentioned_invoices(message)
        partners = self._sender_partners()
        if len(partners) > 1:
            partners = (partners & mentioned.commercial_partner_id) or partners.filtered(
                lambda p: self.env["account.move"].search_count(self._open_invoice_domain(p), limit=1)
            )
        if len(partners) == 1:
            moves = mentioned.filtered(lambda m: m.commercial_partner_id == partners)
            return partners, moves or self._last_reminded(partners), "sender"
        if not partners and len(mentioned.commercial_partner_id) == 1:
            debtor = mentioned.commercial_partner_id
            # an invoice number alone is no proof of who writes (numbers are sequential): only a sender of the
            # debtor's own mail domain is linked automatically; anyone else waits in triage with this proposal,
            # so a stranger can neither pause follow-up nor learn from the acknowledgement who the debtor is
            sender = self.email_normalized
            if sender and (self._is_ours(sender) or self._domain_identifies(debtor)):
                return debtor, mentioned, "invoice"
        return None

    def _domain_identifies(self, debtor):
        """Whether the sender's mail domain is ``debtor``'s own: one of its contacts' domains, not a public mail
        provider (``credit.mail.public.domain``: anyone has an address at gmail.com or ziggo.nl) and no other
        debtor's. Otherwise only exact contact addresses and replies to our own e-mails name the debtor."""
        self.ensure_one()
        domain = self._sender_domain()
        if not domain or domain not in self._debtor_domains(debtor):
            return False
        if self.env["credit.mail.public.domain"]._is_public_provider(domain, self.company_id):
            return False
        pattern = "%@" + domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        shared = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_count(
                [
                    ("email_normalized", "=like", pattern),
                    ("commercial_partner_id", "!=", debtor.id),
                    ("company_id", "in", [False, self.company_id.id]),
                    ("partner_share", "=", True),
                ],
                limit=1,
            )
        )
        return not shared

    def _debtor_addresses(self):
        """The conversation's first sender and the e-mail addresses of the linked debtor's contacts."""
        self.ensure_one()
        return self._contact_emails(self.partner_id) | {self.email_normalized} - {False}

    def _contact_emails(self, debtor):
        contacts = self.env["res.partner"].search([("commercial_partner_id", "=", debtor.id), ("email", "!=", False)])
        return set(contacts.mapped("email_normalized")) - {False}

    def _sender_domain(self):
        return (self.email_normalized or "").rpartition("@")[2] or False

    def _debtor_domains(self, debtor):
        """Mail domains of the debtor and its contacts (not the company's own)."""
        domains = {email.rpartition("@")[2] for email in self._contact_emails(debtor)}
        own = {
            (email or "").rpartition("@")[2]
            for email in self.env["res.company"].search([]).partner_id.mapped("email_normalized")
        }
        return domains - own - {""}

    def _open_invoice_domain(self, partner):
        return [
            ("commercial_partner_id", "=", partner.id),
            ("company_id", "=", self.company_id.id),
            *self.env["account.move"]._credit_open_invoice_domain(),
        ]

    def _mentioned_invoices(self, message):
        """Customer invoices of the company whose number appears in the subject or the body."""
        text = f"{message.subject or self.name or ''}\n{html2plaintext(message.body or '')}"[:100000]
        tokens = set()
        for token in INVOICE_TOKEN_RE.findall(text):
            tokens.update({token, token.upper()})
            if len(tokens) >= MAX_TOKENS:
                break
        if not tokens:
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                ("name", "in", list(tokens)),
                ("company_id", "=", self.company_id.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def _sender_partners(self):
        """Debtors (commercial partners) with a contact at the sender's address, in this company."""
        if not self.email_normalized:
            return self.env["res.partner"]
        contacts = self.env["res.partner"].search(
            [
                ("email_normalized", "=", self.email_normalized),
                ("company_id", "in", [False, self.company_id.id]),
                ("partner_share", "=", True),  # not our own employees
            ]
        )
        own = self.env["res.company"].search([]).partner_id
        return contacts.commercial_partner_id - own

    def _last_reminded(self, partner):
        """The still open invoices of the last reminder e-mail the debtor got from this company."""
        Log = self.env["credit.followup.log"]
        last = Log.search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company_id.id),
                ("message_id", "!=", False),
                ("state", "=", "done"),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if not last:
            return self.env["account.move"]
        moves = Log.search([("message_id", "=", last.message_id)]).move_id
        return moves.filtered(lambda m: m.payment_state in OPEN_PAYMENT_STATES)

    def _suggestion(self):
        """What the link wizard proposes: a debtor and invoices found in the e-mail, if any."""
        self.ensure_one()
        messages = self._incoming_messages()
        mentioned = self._mentioned_invoices(messages[:1]) if messages else self.env["account.move"]
        partners = self._sender_partners() or mentioned.commercial_partner_id
        partner = partners[:1] if len(partners) == 1 else self.env["res.partner"]
        return partner, mentioned.filtered(lambda m: m.commercial_partner_id == partner)

    # ------------------------------------------------------------------ registration
    def _link(self, partner, moves, method, messages, acknowledge=True):
        """Link the conversation to ``partner`` (and ``moves``) and register ``messages`` there."""
        self.ensure_one()
        partner = partner.commercial_partner_id
        self.write(
            {
                "state": "linked",
                "partner_id": partner.id,
                "move_ids": [Command.set(moves.ids)],
                "match_method": method,
                "user_id": self.company_id._credit_mail_handler(partner).id,
            }
        )
        self._register_email(messages, automatic=self.automatic_reason, acknowledge=acknowledge)

    def _register_email(self, messages, automatic=False, acknowledge=True):
        """Post ``messages`` on the debtor and each invoice; unless automatic: open or update the dispute,
        pause follow-up, acknowledge."""
        self.ensure_one()
        subtype = self.env.ref("credit_dispute.mt_credit_email_in")
        for message in messages:
            self._copy_message(message, [self.partner_id, *self.move_ids], subtype)
        existing, new = self.env["credit.dispute"]._credit_debtor_reply(
            self.partner_id,
            self.move_ids,
            self.company_id,
            "email",
            Markup("<p>%s</p>")
            % self.env._("E-mail from %(sender)s: %(subject)s", sender=self.email_from or "-", subject=self.name),
            user=self.user_id,
            disputes=self.dispute_ids,
            automatic=automatic,
            pause_note=lambda dispute: self.env._("E-mail from the debtor (dispute %(name)s)", name=dispute.name),
            register=lambda existing, new: self._copy_to_disputes(messages, existing, new, subtype, automatic),
        )
        self.dispute_ids = [Command.link(dispute.id) for dispute in existing | new]
        if not automatic and acknowledge:
            self._acknowledge(existing | new)

    def _copy_to_disputes(self, messages, existing, new, subtype, automatic):
        for dispute in existing | new:
            for message in messages:
                # the responsible of an open dispute hears about the debtor's new e-mail
                notify = dispute.user_id.partner_id if dispute in existing and not automatic else None
                self._copy_message(message, [dispute], subtype, notify=notify)

    def _copy_message(self, message, records, subtype, notify=None):
        """``message`` (an incoming e-mail) as an e-mail on each of ``records``, each with its own attachments.

        With ``notify`` (partners), it is posted the usual way so that they hear about it.
        """
        reply_to = self.company_id._credit_reply_to()
        vals_list = []
        posted = self.env["mail.message"]
        for record in records:
            attachments = message.attachment_ids.copy({"res_model": record._name, "res_id": record.id})
            vals = {
                "body": message.body,
                "subject": message.subject or self.name,
                "message_type": "email",
                "subtype_id": subtype.id,
                "author_id": message.author_id.id,
                "email_from": message.email_from,
                "reply_to": reply_to,
                "date": message.date,
                "record_company_id": self.company_id.id,  # whose mailbox it reached, on a shared debtor (dossier)
            }
            if notify:
                posted |= record.message_post(attachment_ids=attachments.ids, partner_ids=notify.ids, **vals)
            else:
                vals_list.append(
                    {
                        **vals,
                        "model": record._name,
                        "res_id": record.id,
                        "record_name": record.display_name,
                        "attachment_ids": [Command.set(attachments.ids)],
                    }
                )
        return posted | self.env["mail.message"].create(vals_list)

    # ------------------------------------------------------------------ acknowledgement
    def _ack_blocked(self):
        """Why no acknowledgement goes out, or False: machines, our own addresses, once per conversation."""
        self.ensure_one()
        if not self.company_id.credit_mail_ack:
            return "disabled"
        if self.automatic_reason:
            return "automatic"
        if self.ack_date:
            return "acknowledged"
        if self._is_own_address(self.email_normalized):
            return "own address"
        refs = set(unfold_references(self.mail_references or "")) | {self.thread_ref, self.message_ref}
        refs.discard(False)
        if refs and self.search_count(
            [
                ("id", "!=", self.id),
                ("ack_date", "!=", False),
                "|",
                "|",
                ("thread_ref", "in", list(refs)),
                ("message_ref", "in", list(refs)),
                ("ack_message_ref", "in", list(refs)),
            ],
            limit=1,
        ):
            return "conversation acknowledged"
        # an auto-responder without any auto-reply header starts a new conversation with every answer it sends:
        # one acknowledgement per address and day breaks such a loop
        if self.search_count(
            [
                ("id", "!=", self.id),
                ("email_normalized", "=", self.email_normalized),
                ("ack_date", ">", fields.Datetime.subtract(fields.Datetime.now(), days=1)),
            ],
            limit=1,
        ):
            return "address acknowledged today"
        return False

    @api.model
    def _is_own_address(self, email):
        """An address of ours or a machine's: never answered."""
        email = email_normalize(email or "")
        return not email or email.partition("@")[0] in SYSTEM_LOCALPARTS or self._is_ours(email)

    @api.model
    def _is_ours(self, email):
        """A normalized address of our companies, aliases, alias domains or internal users."""
        if email.partition("@")[2] in self.env["mail.alias.domain"].search([]).mapped("name"):
            return True
        if email in [email_normalize(e) for e in self.env["res.company"].search([]).mapped("email") if e]:
            return True
        if self.env["mail.alias"].search_count([("alias_full_name", "=", email)], limit=1):
            return True
        return bool(
            self.env["res.users"]
            .with_context(active_test=False)
            .search_count([("share", "=", False), ("partner_id.email_normalized", "=", email)], limit=1)
        )

    def _acknowledge(self, disputes):
        """Send "we received your message, NAME is handling it" in the sender's language, once per conversation."""
        self.ensure_one()
        if self._ack_blocked():
            return False
        if disputes.user_id:
            self.user_id = disputes.user_id[:1]
        template = self.env.ref("credit_dispute.mail_template_credit_mail_ack")
        subject = template._render_field("subject", self.ids, compute_lang=True)[self.id]
        body = template._render_field("body_html", self.ids, compute_lang=True)[self.id]
        company = self.company_id
        reply_to = company._credit_reply_to()
        message = self.env["mail.message"].create(
            {
                "model": self._name,
                "res_id": self.id,
                "record_name": self.display_name,
                "body": body,
                "subject": subject,
                "message_type": "auto_comment",
                "subtype_id": self.env.ref("credit_dispute.mt_credit_email_ack").id,
                "author_id": company.partner_id.id,
                "email_from": reply_to,
                "reply_to": reply_to,
                "message_id": tools.mail.generate_tracking_message_id("credit-ack"),
                # the bounce address (Return-Path) of the alias domain, also when the mail queue sends it
                "record_alias_domain_id": company.alias_domain_id.id,
                "record_company_id": company.id,
            }
        )
        references = " ".join(filter(None, [self.mail_references, self.message_ref]))
        self.env["mail.mail"].create(
            {
                "mail_message_id": message.id,
                "body_html": body,
                "email_to": self.email_from,
                "recipient_ids": [],
                "references": references,
                "state": "outgoing",
                "auto_delete": False,
                # RFC 3834: an automatic answer says so, and asks auto-responders not to answer it
                "headers": repr(
                    {
                        "Auto-Submitted": "auto-replied",
                        "X-Auto-Response-Suppress": "All",
                        "In-Reply-To": self.message_ref or "",
                    }
                ),
            }
        )
        self.write({"ack_date": fields.Datetime.now(), "ack_message_ref": message.message_id})
        ack_note = Markup("<p>%s</p>%s") % (
            self.env._("Acknowledgement sent to %(email)s:", email=self.email_from),
            body,
        )
        for dispute in disputes:
            dispute.message_post(
                body=ack_note, subtype_xmlid="credit_dispute.mt_credit_email_ack", message_type="notification"
            )
        return message

    # ------------------------------------------------------------------ actions
    def action_open_link_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.mail.link",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Link e-mail to a debtor"),
            "context": {"default_inbox_id": self.id},
        }

    def action_ignore(self):
        if any(inbox.state != "new" for inbox in self):
            raise UserError(self.env._("Only e-mails to triage can be ignored."))
        self.write({"state": "ignored"})

    def action_reset(self):
        if any(inbox.state != "ignored" for inbox in self):
            raise UserError(self.env._("Only ignored e-mails can be put back to triage."))
        self.write({"state": "new"})

    def action_open_disputes(self):
        self.ensure_one()
        return self.env["credit.dispute"]._action_list(self.dispute_ids)

    def _action_link(self, partner, moves, add_contact=False, acknowledge=True):
        """The link wizard: same registration as a matched e-mail, by a credit manager."""
        self.ensure_one()
        self.check_access("write")
        if self.state == "linked":
            raise UserError(self.env._("This e-mail is already linked to %(partner)s.", partner=self.partner_id.name))
        partner = partner.commercial_partner_id
        if moves.filtered(lambda m: m.commercial_partner_id != partner or m.company_id != self.company_id):
            raise UserError(self.env._("Choose invoices of %(partner)s in this company.", partner=partner.name))
        # registration writes on invoices, the debtor and disputes like the gateway does for a matched e-mail
        inbox_sudo = self.sudo().with_company(self.company_id).with_context(mail_create_nosubscribe=True)
        if add_contact:
            inbox_sudo._add_sender_contact(partner)
        inbox_sudo._link(partner, moves, "manual", inbox_sudo._incoming_messages(), acknowledge=acknowledge)
        return True

    def _add_sender_contact(self, partner):
        """The sender's address as a contact of ``partner`` (unless one of its contacts has it already)."""
        self.ensure_one()
        if not self.email_normalized:
            raise UserError(self.env._("The sender's address is not a valid e-mail address."))
        contact = self.env["res.partner"].search(
            [("email_normalized", "=", self.email_normalized), ("commercial_partner_id", "=", partner.id)], limit=1
        )
        if not contact:
            name = parse_contact_from_email(self.email_from or "")[0] or self.email_normalized
            contact = self.env["res.partner"].create(
                {
                    "name": name,
                    "email": self.email_normalized,
                    "parent_id": partner.id,
                    "type": "contact",
                    "lang": partner.lang,
                    "company_id": partner.company_id.id,
                }
            )
        self.author_id = contact
        self._incoming_messages().filtered(lambda m: not m.author_id).write({"author_id": contact.id})
        return contact
