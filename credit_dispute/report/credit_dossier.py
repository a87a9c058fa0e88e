"""The credit dossier: one PDF with a debtor's invoices and full contact history, for an agency or a court.

One report per printable model (``report_credit_dossier`` on a debtor, ``…_move`` on invoices, ``…_dispute`` on a
dispute), all three built by the same code below: the record decides the scope, the scope is gathered in a fixed
number of queries, whatever the number of messages.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

import lxml.html
import pytz
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import format_amount, format_date, html2plaintext

# the same chatter line posted on the debtor and on each invoice is one event in the dossier
MERGE_WINDOW = timedelta(minutes=5)
# a logged contact posts its chatter line right after it is created
CONTACT_WINDOW = timedelta(minutes=10)
TEXT_LIMIT = 4000


class ReportCreditDossier(models.AbstractModel):
    _name = "report.credit_dispute.report_credit_dossier"
    _description = "Credit dossier"
    _dossier_model = "res.partner"

    @api.model
    def _get_report_values(self, docids, data=None):
        records = self.env[self._dossier_model].browse(docids).exists()
        records.check_access("read")
        self._dossier_check_allowed(records)
        dossiers = [self._dossier_build(scope) for scope in self._dossier_scopes(records)]
        return {
            "doc_ids": records.ids,
            "doc_model": self._dossier_model,
            "docs": records,
            "dossiers": dossiers,
            "company": dossiers[0]["company"] if dossiers else self.env.company,
        }

    @api.model
    def _dossier_check_allowed(self, records):
        """The groups of the print menu, also for ``/report/pdf|html/...`` addresses (which check only read access):
        the report's groups (credit managers, accountants), or a dispute's own responsible for its dossier."""
        if self.env.su:
            return
        report_sudo = self.env["ir.actions.report"].sudo()._get_report_from_name(self._name.removeprefix("report."))
        groups = report_sudo.groups_id
        if not groups or self.env.user.groups_id & groups:
            return
        if records._name == "credit.dispute" and records and all(d.user_id == self.env.user for d in records):
            return
        raise AccessError(self.env._("Only credit managers and accountants print credit dossiers."))

    # ------------------------------------------------------------------ scope
    @api.model
    def _dossier_scopes(self, records):
        """What each dossier covers: a list of dicts (debtor, company, invoices, disputes, whole debtor or not)."""
        Move = self.env["account.move"]
        Dispute = self.env["credit.dispute"]
        scopes = []
        if records._name == "res.partner":
            company = self.env.company
            for partner in records.commercial_partner_id:
                # searched with the user's rights: a debtor's dossier shows the invoices this user may read
                moves = Move.search(
                    [
                        ("commercial_partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("move_type", "=", "out_invoice"),
                        ("state", "=", "posted"),
                        ("payment_state", "in", ("not_paid", "partial", "in_payment")),
                    ],
                    order="invoice_date_due, name, id",
                )
                disputes = Dispute.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)])
                scopes.append(
                    {
                        "title": partner.display_name,
                        "partner": partner,
                        "company": company,
                        "moves": moves,
                        "disputes": disputes,
                        "whole_debtor": True,
                    }
                )
        elif records._name == "account.move":
            for (partner, company), moves in records.grouped(lambda m: (m.commercial_partner_id, m.company_id)).items():
                moves = moves.sorted(lambda m: (m.invoice_date_due or m.date, m.name or "", m.id))
                scopes.append(
                    {
                        "title": ", ".join(moves.mapped("name")),
                        "partner": partner,
                        "company": company,
                        "moves": moves,
                        # disputes about an invoice the user may read belong to its history (resolvers of other
                        # disputes included), also where the Disputes field is hidden from this user
                        "disputes": moves.sudo().credit_dispute_ids,
                        "whole_debtor": False,
                    }
                )
        else:  # credit.dispute
            for dispute in records:
                # a dispute's reader sees its invoices' amounts and history, not the debtor's whole ledger
                moves_sudo = dispute.sudo().move_ids.sorted(
                    lambda m: (m.invoice_date_due or m.date, m.name or "", m.id)
                )
                scopes.append(
                    {
                        "title": dispute.name,
                        "partner": dispute.partner_id,
                        "company": dispute.company_id,
                        "moves": moves_sudo,
                        "disputes": dispute | moves_sudo.credit_dispute_ids,
                        "whole_debtor": False,
                        "dispute": dispute,
                    }
                )
        return scopes

    # ------------------------------------------------------------------ gathering
    @api.model
    def _dossier_build(self, scope):
        """The dossier's values: cover, summaries and the history entries in date order.

        Read as superuser once the user's right to read the printed record is checked (``_get_report_values``):
        the history lives on the debtor's contacts, on disputes assigned to others and on payments, all part of
        the printed record's story; reading every message as the user would only hide parts of it.
        """
        env = self.sudo().env
        partner_sudo = scope["partner"].sudo()
        company = scope["company"]
        moves_sudo = scope["moves"].sudo()
        disputes_sudo = scope["disputes"].sudo().filtered(lambda d: d.company_id == company)
        partners = (
            env["res.partner"].with_context(active_test=False).search([("commercial_partner_id", "=", partner_sudo.id)])
        )

        contacts = self._dossier_contacts(env, scope, partners, moves_sudo, company)
        promises = self._dossier_promises(env, scope, partners, moves_sudo, company, contacts)
        messages = self._dossier_messages(env, scope, partners, moves_sudo, disputes_sudo, promises, company)

        entries = self._dossier_message_entries(env, messages, contacts, moves_sudo, disputes_sudo, promises)
        entries += self._dossier_contact_entries(env, contacts)
        entries += self._dossier_promise_entries(env, promises.filtered(lambda p: not p.contact_id))
        entries += self._dossier_payment_entries(env, moves_sudo)
        entries.sort(key=lambda e: (e["sort"], e["seq"]))

        today = fields.Date.context_today(self)
        totals = defaultdict(float)
        for move in moves_sudo:
            totals[move.currency_id] += move.amount_residual * (-1 if move.move_type == "out_refund" else 1)
        dispute_states = dict(env["credit.dispute"]._fields["state"]._description_selection(self.env))
        promise_states = dict(env["credit.followup.promise"]._fields["state"]._description_selection(self.env))
        return {
            "title": scope["title"],
            "dispute": scope.get("dispute"),
            "whole_debtor": scope["whole_debtor"],
            "partner": partner_sudo,
            "company": company,
            "printed_on": format_date(self.env, today),
            "printed_by": self.env.user.name,
            "invoices": [
                {
                    "name": move.name,
                    "date": format_date(self.env, move.invoice_date),
                    "due": format_date(self.env, move.invoice_date_due),
                    "days": max((today - move.invoice_date_due).days, 0) if move.invoice_date_due else 0,
                    "total": format_amount(self.env, move.amount_total, move.currency_id),
                    "open": format_amount(self.env, move.amount_residual, move.currency_id),
                    "ref": move.ref if move.ref and move.ref != move.name else "",
                }
                for move in moves_sudo
            ],
            "totals": [format_amount(self.env, amount, currency) for currency, amount in totals.items()]
            or [format_amount(self.env, 0.0, company.currency_id)],
            "disputes": [
                {
                    "name": dispute.name,
                    "category": dispute.category_id.name or self.env._("to qualify"),
                    "opened": format_date(self.env, dispute.date_open),
                    "closed": format_date(self.env, dispute.date_closed) if dispute.date_closed else "",
                    "state": dispute_states.get(dispute.state, dispute.state),
                    "invoices": ", ".join(dispute.move_ids.mapped("name")),
                    "amount": format_amount(self.env, dispute.amount_disputed, dispute.currency_id),
                }
                for dispute in disputes_sudo.sorted(lambda d: (d.date_open, d.id))
            ],
            "promises": [
                {
                    "made": self._dossier_format_dt(promise.contact_id.date or promise.create_date),
                    "date": format_date(self.env, promise.date),
                    "amount": format_amount(self.env, promise.amount, promise.currency_id),
                    "paid": format_amount(self.env, promise.amount_paid, promise.currency_id),
                    "invoices": ", ".join(promise.move_ids.mapped("name")),
                    "state": promise_states.get(promise.state, promise.state),
                }
                for promise in promises.sorted(lambda p: (p.date, p.id))
            ],
            "entries": entries,
        }

    @api.model
    def _dossier_contacts(self, env, scope, partners, moves, company):
        domain = [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        if not scope["whole_debtor"]:
            # contacts about these invoices, and those about the debtor in general
            domain += ["|", ("move_ids", "in", moves.ids), ("move_ids", "=", False)]
        return env["credit.followup.contact"].search(domain, order="date, id")

    @api.model
    def _dossier_promises(self, env, scope, partners, moves, company, contacts):
        domain = [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        if not scope["whole_debtor"]:
            domain += [("move_ids", "in", moves.ids)]
        return env["credit.followup.promise"].search(domain, order="date, id") | contacts.promise_id

    @api.model
    def _dossier_messages(self, env, scope, partners, moves, disputes, promises, company):
        """Every contact with the debtor on the threads concerned, in one query."""
        Message = env["mail.message"]
        subtype_ids = env["mail.message.subtype"]._credit_subtypes().ids
        comment = env.ref("mail.mt_comment", raise_if_not_found=False)
        contact_kinds = [
            [("subtype_id", "in", subtype_ids)],
            [("message_type", "=", "email")],  # e-mails in
        ]
        if comment:  # e-mails out written in the chatter ("Send message"), not internal notes
            contact_kinds.append(
                [("subtype_id", "=", comment.id), ("message_type", "in", ("comment", "email_outgoing"))]
            )
        kinds = expression.OR(contact_kinds)
        state_fields = env["ir.model.fields"].search(
            [("model", "in", ("credit.dispute", "credit.followup.promise")), ("name", "=", "state")]
        )
        threads = [
            expression.AND([[("model", "=", "account.move"), ("res_id", "in", moves.ids)], kinds]),
            expression.AND([[("model", "=", "credit.dispute"), ("res_id", "in", disputes.ids)], kinds]),
        ]
        # the state history of the disputes and promises
        for model, records in (("credit.dispute", disputes), ("credit.followup.promise", promises)):
            if records:
                threads.append(
                    [
                        ("model", "=", model),
                        ("res_id", "in", records.ids),
                        (
                            "tracking_value_ids.field_id",
                            "in",
                            state_fields.filtered(lambda f, m=model: f.model == m).ids,
                        ),
                    ]
                )
        # the debtor's own thread, minus what another company of this database sent them
        other_companies = env["res.company"].search([("id", "!=", company.id)]).partner_id
        # (record_company_id: the company each of our chatter lines, e-mails in and reminders is posted for)
        partner_thread = [
            ("model", "=", "res.partner"),
            ("res_id", "in", partners.ids),
            ("author_id", "not in", other_companies.ids),
            ("record_company_id", "in", [company.id, False]),
        ]
        if scope["whole_debtor"]:
            threads.append(expression.AND([partner_thread, kinds]))
        else:
            # on the debtor: what was sent about these invoices (the engine's log knows), and what the debtor wrote
            sent = env["credit.followup.log"].search([("move_id", "in", moves.ids), ("mail_message_id", "!=", False)])
            threads.append(
                expression.AND(
                    [
                        partner_thread,
                        ["|", ("id", "in", sent.mail_message_id.ids), ("message_type", "=", "email")],
                    ]
                )
            )
        messages = Message.search(expression.OR(threads), order="date, id")
        # prefetch what the entries read, one query per field group
        messages.fetch(["body", "subject", "date", "message_type", "model", "res_id", "record_name", "email_from"])
        return messages

    # ------------------------------------------------------------------ entries
    @api.model
    def _dossier_tz(self):
        return pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

    @api.model
    def _dossier_format_dt(self, value):
        if not value:
            return ""
        local = pytz.utc.localize(value).astimezone(self._dossier_tz())
        return f"{format_date(self.env, local.date())} {local.strftime('%H:%M')}"

    @api.model
    def _dossier_entry(self, date, kind, seq, date_only=False, **values):
        if date_only:
            # a date without a time (payment, promise): at the start of that day in the user's time zone
            local = self._dossier_tz().localize(datetime.combine(date, time.min))
            sort = local.astimezone(pytz.utc).replace(tzinfo=None)
            label = format_date(self.env, date)
        else:
            sort = date
            label = self._dossier_format_dt(date)
        return {
            "sort": sort,
            "seq": seq,
            "date": label,
            "kind": kind,
            "author": "",
            "recipients": "",
            "subject": "",
            "text": "",
            "details": [],
            "attachments": [],
            "concerns": [],
            **values,
        }

    @api.model
    def _dossier_text(self, html):
        """A message body as plain text: one line per table row, no markup."""
        if not html or not str(html).strip():
            return ""
        try:
            tree = lxml.html.fragment_fromstring(str(html), create_parent="div")
        except (etree.ParserError, ValueError):
            tree = None
        if tree is not None:
            # a table (the invoices of a reminder) reads row by row, not one cell per line
            for row in list(tree.iter("tr")):
                if row.find(".//table") is None and row.getparent() is not None:
                    cells = [" ".join(cell.text_content().split()) for cell in row if cell.tag in ("td", "th")]
                    line = etree.Element("p")
                    line.text = " | ".join(cell for cell in cells if cell)
                    row.getparent().replace(row, line)
            # bold text would come out between asterisks, which the sender never wrote
            etree.strip_tags(tree, "b", "strong")
            html = lxml.html.tostring(tree, encoding="unicode")
        text = html2plaintext(html, include_references=False).strip()
        lines = [line.rstrip() for line in text.splitlines()]
        text = "\n".join(line for i, line in enumerate(lines) if line or (i and lines[i - 1]))
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT].rstrip() + " […]"
        return text

    @api.model
    def _dossier_message_entries(self, env, messages, contacts, moves, disputes, promises):
        comment = env.ref("mail.mt_comment", raise_if_not_found=False)
        contact_subtype = env.ref("credit_followup.mt_credit_contact")
        tracked = {"credit.dispute", "credit.followup.promise"}
        # what a message is about, as the dossier names it
        labels = {("account.move", m.id): m.name for m in moves}
        labels.update({("credit.dispute", d.id): d.name for d in disputes})
        labels.update({("credit.followup.promise", p.id): self._dossier_promise_label(p) for p in promises})
        concerns_of = {("credit.followup.promise", p.id): p.move_ids.mapped("name") for p in promises}
        contact_marks = [(c.user_id.partner_id.id, c.date) for c in contacts]
        entries, same_text, same_event = [], {}, {}
        for message in messages:
            if message.subtype_id == contact_subtype and any(
                author == message.author_id.id and abs(date - message.date) <= CONTACT_WINDOW
                for author, date in contact_marks
            ):
                continue  # the chatter copy of a logged contact: shown from the contact itself, with its outcome
            record = (message.model, message.res_id)
            label = labels.get(record) or message.record_name or ""
            concerns = concerns_of.get(record) or ([label] if label else [])
            details = [
                self.env._(
                    "%(record)s: %(old)s → %(new)s",
                    record=label,
                    old=tracking.old_value_char or "-",
                    new=tracking.new_value_char or "-",
                )
                for tracking in message.tracking_value_ids
                if tracking.field_id.model in tracked and tracking.field_id.name == "state"
            ]
            text = self._dossier_text(message.body)
            # the same line posted on the debtor and each invoice is one event; so is a state change tracked on
            # the dispute together with the line the dispute posted about it
            key = (message.subtype_id.id, message.message_type, message.author_id.id, message.subject, text)
            event = (message.subtype_id.id, message.author_id.id)
            previous = same_text.get(key) if not details else None
            if details and not text and message.subtype_id.credit_contact:
                previous = same_event.get(event)
            if previous and message.date - previous["sort"] <= MERGE_WINDOW:
                previous["details"] += details
                previous["concerns"] += [c for c in concerns if c not in previous["concerns"]]
                continue
            if message.message_type == "email":
                kind = self.env._("E-mail received")
            elif message.subtype_id.credit_contact:
                kind = message.subtype_id.name
            elif comment and message.subtype_id == comment:
                kind = self.env._("Message sent")
            elif message.model == "credit.followup.promise":
                kind = self.env._("Promise to pay")
            else:
                kind = self.env._("Dispute status")
            entry = self._dossier_entry(
                message.date,
                kind,
                message.id,
                author=message.author_id.name or message.email_from or "",
                recipients=", ".join(message.partner_ids.mapped("name")),
                subject=message.subject or "",
                text=text,
                details=details,
                attachments=message.attachment_ids.mapped("name"),
                concerns=concerns,
            )
            entries.append(entry)
            same_text[key] = entry
            same_event[event] = entry
        return entries

    @api.model
    def _dossier_contact_entries(self, env, contacts):
        channels = dict(env["credit.followup.contact"]._fields["channel"]._description_selection(self.env))
        outcomes = dict(env["credit.followup.contact"]._fields["outcome"]._description_selection(self.env))
        promise_states = dict(env["credit.followup.promise"]._fields["state"]._description_selection(self.env))
        entries = []
        for contact in contacts:
            details = [self.env._("Outcome: %(outcome)s", outcome=outcomes.get(contact.outcome, contact.outcome))]
            if contact.promise_id:
                details.append(self._dossier_promise_line(contact.promise_id, promise_states))
            direction = self.env._("incoming") if contact.direction == "in" else self.env._("outgoing")
            entries.append(
                self._dossier_entry(
                    contact.date,
                    self.env._(
                        "%(channel)s (%(direction)s)", channel=channels.get(contact.channel), direction=direction
                    ),
                    0,
                    author=contact.user_id.name or "",
                    text=self._dossier_text(contact.note),
                    details=details,
                    concerns=contact.move_ids.mapped("name") or [contact.partner_id.name],
                )
            )
        return entries

    @api.model
    def _dossier_promise_label(self, promise):
        return self.env._(
            "Promise to pay %(amount)s by %(date)s",
            amount=format_amount(self.env, promise.amount, promise.currency_id),
            date=format_date(self.env, promise.date),
        )

    @api.model
    def _dossier_promise_line(self, promise, states):
        return self.env._(
            "Promise to pay %(amount)s by %(date)s: %(state)s (paid since: %(paid)s)",
            amount=format_amount(self.env, promise.amount, promise.currency_id),
            date=format_date(self.env, promise.date),
            state=states.get(promise.state, promise.state),
            paid=format_amount(self.env, promise.amount_paid, promise.currency_id),
        )

    @api.model
    def _dossier_promise_entries(self, env, promises):
        states = dict(env["credit.followup.promise"]._fields["state"]._description_selection(self.env))
        return [
            self._dossier_entry(
                promise.create_date,
                self.env._("Promise to pay"),
                0,
                author=promise.user_id.name or "",
                text=promise.note or "",
                details=[self._dossier_promise_line(promise, states)],
                concerns=promise.move_ids.mapped("name"),
            )
            for promise in promises
        ]

    @api.model
    def _dossier_payment_entries(self, env, moves):
        """Payments, credit notes and other entries reconciled with the invoices, from the partial reconciliations."""
        lines = moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        if not lines:
            return []
        partials = env["account.partial.reconcile"].search(
            ["|", ("debit_move_id", "in", lines.ids), ("credit_move_id", "in", lines.ids)], order="max_date, id"
        )
        exchange_moves = partials.exchange_move_id | partials.full_reconcile_id.exchange_move_id
        entries = []
        for partial in partials:
            if partial.debit_move_id in lines:  # the invoice's side and its amount in the invoice's currency
                invoice_line, counterpart = partial.debit_move_id, partial.credit_move_id
                amount = partial.debit_amount_currency
            else:
                invoice_line, counterpart = partial.credit_move_id, partial.debit_move_id
                amount = partial.credit_amount_currency
            entry_move = counterpart.move_id
            if entry_move in exchange_moves or counterpart in lines:
                continue  # exchange differences, invoices reconciled with one another are no payment
            if entry_move.move_type == "out_refund":
                kind = self.env._("Credit note")
            elif entry_move.origin_payment_id or entry_move.statement_line_id:
                kind = self.env._("Payment")
            else:
                kind = self.env._("Reconciliation")
            payment = entry_move.origin_payment_id
            reference = payment.memo or payment.payment_reference or entry_move.ref or counterpart.name or ""
            details = [
                self.env._(
                    "%(amount)s on %(invoice)s",
                    amount=format_amount(self.env, amount, invoice_line.currency_id),
                    invoice=invoice_line.move_id.name,
                )
            ]
            if payment.payment_method_line_id:
                details.append(self.env._("Method: %(method)s", method=payment.payment_method_line_id.name))
            entries.append(
                self._dossier_entry(
                    counterpart.date,
                    kind,
                    0,
                    date_only=True,
                    subject=" – ".join(part for part in (entry_move.name, reference) if part and part != "/"),
                    details=details,
                    concerns=[invoice_line.move_id.name],
                )
            )
        return entries


class ReportCreditDossierMove(models.AbstractModel):
    _name = "report.credit_dispute.report_credit_dossier_move"
    _inherit = "report.credit_dispute.report_credit_dossier"
    _description = "Credit dossier of invoices"
    _dossier_model = "account.move"


class ReportCreditDossierDispute(models.AbstractModel):
    _name = "report.credit_dispute.report_credit_dossier_dispute"
    _inherit = "report.credit_dispute.report_credit_dossier"
    _description = "Credit dossier of a dispute"
    _dossier_model = "credit.dispute"
