"""The engine's channels: e-mail, letter, SMS, phone call and task.

Each ``_credit_execute_<channel>(actions, date, company)`` handles all actions of one batch for
its channel at once (one template render per language, one report call for all letters, batched
creates) and sets ``action.result``: ``state`` (done / failed), ``failure_reason``, and the ids of
what it created (message, mail, activity, attachment). Other modules add channels by defining
another ``_credit_execute_<channel>`` and extending ``credit.followup.step._credit_followup_channels``.
"""

import logging
import uuid

from markupsafe import Markup

from odoo import Command, fields, models, tools
from odoo.tools import SQL, format_amount, format_date

from ..tools.links import strip_access_tokens
from ..tools.pdf import split_on_outlines

_logger = logging.getLogger(__name__)

QR_CID_PREFIX = "credit-qr-"


class CreditFollowupEngine(models.AbstractModel):
    _inherit = "credit.followup.engine"

    # ------------------------------------------------------------------ shared data
    def _credit_template_data(self, actions, company, date=None):
        """What templates and letters show, per debtor: the invoices concerned, then the open credits (credit
        notes, unapplied payments), then the balance — per currency, never summed across currencies. The
        payment link and the EPC QR code are offered for EUR balances only.

        Per debtor: ``groups`` (one per currency: ``currency``, ``lines``, ``credits``, ``total_invoices``,
        ``total_credits``, ``balance``, ``qr``, ``costs``/``interest`` when the step states them), and for a debtor
        with one currency also ``total`` (its balance), ``currency`` and ``qr``."""
        moves = self.env["account.move"].union(*(action.moves for action in actions))
        self._ensure_access_tokens(moves)
        discussed = moves._credit_under_discussion()
        base_url = company.get_base_url()
        date = date or company._credit_today()
        credits = self._open_credits(self.env["res.partner"].union(*(a.partner for a in actions)), company)
        data = {}
        for action in actions:
            # texts computed here (step names, credits, costs, balances) are in the language the debtor reads:
            # the recipient's, else the company's (_lang) — never the language of whoever runs the engine
            lang = self._lang(action.recipient, action.partner, company)
            step = action.step.with_context(lang=lang)
            reader = self.with_context(lang=lang) if lang != self.env.lang else self
            groups = {}
            lines, under_discussion = [], []
            for move, line_step in action.items:
                line = {
                    "move": move,
                    "step": line_step.with_context(lang=lang),
                    "name": move.name,
                    "invoice_date": move.invoice_date,
                    "date_due": move.invoice_date_due,
                    "days_overdue": max((date - move.invoice_date_due).days, 0),
                    "amount_total": move.amount_total,
                    "amount_residual": move.amount_residual,
                    "currency": move.currency_id,
                    "portal_url": f"{base_url}/my/invoices/{move.id}?access_token={move.access_token}"
                    if step.include_payment_link
                    else False,
                    "under_discussion": discussed.get(move.id, False),
                }
                if line["under_discussion"]:  # listed apart, not chased as plain overdue (nor in the balance)
                    under_discussion.append(line)
                    continue
                lines.append(line)
                groups.setdefault(move.currency_id, {"currency": move.currency_id, "lines": []})["lines"].append(line)
            for currency, group in groups.items():
                group["credits"] = [
                    dict(credit, label=reader._label(credit))
                    for credit in credits.get((action.partner.id, currency.id), [])
                ]
                group["total_invoices"] = currency.round(sum(line["amount_residual"] for line in group["lines"]))
                group["total_credits"] = currency.round(sum(credit["amount"] for credit in group["credits"]))
                group["balance"] = currency.round(group["total_invoices"] + group["total_credits"])
                group["qr"] = (
                    self._qr_code(
                        action,
                        group["balance"],
                        currency,
                        company,
                        action.moves.browse([line["move"].id for line in group["lines"]]),
                    )
                    if step.include_payment_link
                    else False
                )
                if step.formal_notice or step.state_costs:
                    group.update(reader._costs_statement(action, group, company, date))
                if not step.include_payment_link or currency.name != "EUR":
                    for line in group["lines"]:
                        line["portal_url"] = False  # online payment is offered for EUR amounts only
            ordered = sorted(groups.values(), key=lambda g: (g["currency"] != company.currency_id, g["currency"].name))
            single = ordered[0] if len(ordered) == 1 else None
            portal_url = action.partner._credit_portal_url() if step.include_payment_link else False
            data[action.partner.id] = {
                "lang": lang,
                "step": step,
                "recipient": action.recipient,
                "company": company,
                "date": date,
                "lines": lines,
                "groups": ordered,
                "currency": single["currency"] if single else company.currency_id,
                "total": single["balance"] if single else False,
                "qr": single["qr"] if single else False,
                # the debtor's own portal page (credit_portal): all open invoices, pay a chosen set, complain
                "portal_url": portal_url,
                "pay_url": portal_url or next((line["portal_url"] for line in lines if line["portal_url"]), False),
                "balance_text": ", ".join(
                    format_amount(reader.env, group["balance"], group["currency"]) for group in ordered
                ),
                "under_discussion": under_discussion,
            }
        return data

    def _costs_statement(self, action, group, company, date):
        """The collection costs (WIK scale on the balance), VAT, statutory interest to date and, for a formal
        notice, the last day to pay — as figures and as the sentence the debtor reads."""
        currency = group["currency"]
        step = action.step
        principal = max(group["balance"], 0.0)
        company_currency = company.currency_id
        costs = company.credit_collection_costs(currency._convert(principal, company_currency, company, date))
        vat = company._credit_collection_costs_vat(costs)
        costs = company_currency._convert(costs, currency, company, date)
        vat = company_currency._convert(vat, currency, company, date)
        interest = currency.round(sum(line["move"].credit_statutory_interest(date) for line in group["lines"]))
        values = {"costs": costs, "costs_vat": vat, "interest": interest, "deadline": False}
        amount = format_amount(self.env, costs + vat, currency)
        if vat:
            amount = self.env._(
                "%(amount)s (including %(vat)s VAT)", amount=amount, vat=format_amount(self.env, vat, currency)
            )
        if step.formal_notice:
            deadline = company._credit_notice_deadline(date, action.channel)
            values["deadline"] = deadline
            values["costs_text"] = self.env._(
                "Please pay %(balance)s on %(deadline)s at the latest: that is 14 days from the day after you "
                "receive this notice. If we have not received it by then, we will charge you collection costs of "
                "%(costs)s, plus the statutory interest (%(interest)s to date).",
                balance=format_amount(self.env, group["balance"], currency),
                deadline=format_date(self.env, deadline),
                costs=amount,
                interest=format_amount(self.env, interest, currency),
            )
        else:
            values["costs_text"] = self.env._(
                "Without payment we will charge collection costs of %(costs)s and the statutory interest, "
                "%(interest)s to date.",
                costs=amount,
                interest=format_amount(self.env, interest, currency),
            )
        return values

    def _open_credits(self, partners, company):
        """{(debtor id, currency id): [credit]} — every open credit note, unreconciled payment and other
        receivable credit of these debtors, in one search: dicts with ``name``, ``label``, ``date``, ``amount``
        (negative, in its currency)."""
        if not partners:
            return {}
        lines = self.env["account.move.line"].search_fetch(
            [
                ("partner_id", "child_of", partners.ids),
                ("company_id", "=", company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual_currency", "<", 0),
            ],
            ["move_id", "partner_id", "currency_id", "amount_residual_currency", "date", "move_name"],
            order="date, id",
        )
        result = {}
        for line in lines:
            move = line.move_id
            if move.move_type == "out_refund":
                kind = "credit_note"
            elif move.origin_payment_id or move.statement_line_id:
                kind = "payment"
            else:
                kind = "credit"
            key = (line.partner_id.commercial_partner_id.id, line.currency_id.id)
            result.setdefault(key, []).append(
                {"name": move.name, "kind": kind, "date": line.date, "amount": line.amount_residual_currency}
            )
        return result

    def _label(self, credit):
        """How the debtor reads a credit, in the engine's (the debtor's) language."""
        if credit["kind"] == "credit_note":
            return self.env._("minus credit note %(name)s", name=credit["name"])
        if credit["kind"] == "payment":
            return self.env._(
                "minus payment of %(date)s (%(name)s)", date=format_date(self.env, credit["date"]), name=credit["name"]
            )
        return self.env._("minus credit %(name)s", name=credit["name"])

    def _ensure_access_tokens(self, moves):
        """Portal access tokens for all invoices in one query (payment links need them)."""
        missing = moves.filtered(lambda m: not m.access_token)
        if missing:
            self.env.execute_query(
                SQL(
                    "UPDATE account_move SET access_token = gen_random_uuid()::text "
                    "WHERE id IN %s AND access_token IS NULL",
                    tuple(missing.ids),
                )
            )
            missing.invalidate_recordset(["access_token"])
            missing.fetch(["access_token"])  # read back at once: a letter's invoices would each read their own

    def _qr_code(self, action, total, currency, company, moves=None):
        """EPC (SEPA credit transfer) QR code as a data URI, for a positive EUR amount when the company has a SEPA
        IBAN (EPC is EUR only)."""
        moves = moves if moves is not None else action.moves.filtered(lambda m: m.currency_id == currency)
        bank = moves.partner_bank_id[:1] or None
        communication = " ".join(moves.mapped("name"))[:140]
        return company._credit_epc_qr(total, currency, communication, action.partner, bank=bank)

    def _lang(self, recipient, partner, company):
        """The language of messages to a debtor: the recipient's, else the debtor's, else the company's —
        when active; never the language of whoever runs the engine."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for lang in (recipient.lang, partner.lang, company.partner_id.lang):
            if lang in installed:
                return lang
        return "en_US" if "en_US" in installed else next(iter(sorted(installed)), "en_US")

    def _invoice_list_html(self, action, data):
        """The call note's list: per currency the invoices, the credits, and the balance to ask for."""
        parts = []
        for group in data["groups"]:
            currency = group["currency"]
            rows = [
                Markup("<li>%s — %s, %s</li>")
                % (
                    line["name"],
                    format_amount(self.env, line["amount_residual"], currency),
                    self.env._("due %s", format_date(self.env, line["date_due"])),
                )
                for line in group["lines"]
            ]
            rows += [
                Markup("<li>%s — %s</li>") % (credit["label"], format_amount(self.env, credit["amount"], currency))
                for credit in group["credits"]
            ]
            parts.append(
                Markup("<ul>%s</ul><p>%s</p>")
                % (
                    Markup("").join(rows),
                    self.env._(
                        "Balance to pay: %(amount)s", amount=format_amount(self.env, group["balance"], currency)
                    ),
                )
            )
        return Markup("").join(parts)

    def _fail(self, action, reason):
        action.result = {"state": "failed", "failure_reason": reason}

    def _record_action(self, actions, subtype_xmlid, company, summary, attachments=None, message_type="notification"):
        """One chatter line on the debtor and on each invoice concerned, for every action."""
        vals_list = []
        for action in actions:
            data = action.result
            body = Markup("<p>%s</p>") % summary(action)
            extra = {}
            if attachments and attachments.get(action.partner.id):
                extra["attachment_ids"] = [Command.link(attachments[action.partner.id].id)]
            if not data.get("message_id_rec"):
                vals_list.append(
                    self._message_vals(action.partner, body, subtype_xmlid, company, message_type=message_type, **extra)
                )
            vals_list += self._invoice_message_vals(action, body, subtype_xmlid, company, **extra)
        messages_sudo = self.env["mail.message"].sudo().create(vals_list)  # engine's contact registration
        partner_messages = iter(messages_sudo.filtered(lambda m: m.model == "res.partner"))
        for action in actions:
            if not action.result.get("message_id_rec"):
                action.result["message_id_rec"] = next(partner_messages).id
        return messages_sudo

    # ------------------------------------------------------------------ e-mail
    def _credit_execute_email(self, actions, date, company):
        sendable = []
        opted_out = self.env["res.partner"].union(*(a.recipient for a in actions))._credit_opted_out("email")
        for action in actions:
            if not action.recipient.email:
                self._fail(action, self.env._("no e-mail address"))
            elif action.recipient in opted_out:
                self._fail(action, self.env._("opted out (e-mail address on the blacklist)"))
            else:
                sendable.append(action)
        if not sendable:
            return
        data = self._credit_template_data(sendable, company, date)
        qr_images = self._qr_inline(sendable, data)
        statements = self._statement_pdfs([a for a in sendable if a.step.attach_statement], company, date)
        default_template = self.env.ref("credit_followup.mail_template_credit_reminder")
        by_template = {}
        for action in sendable:
            template = action.step.mail_template_id or default_template
            by_template.setdefault((template, data[action.partner.id]["lang"]), []).append(action)
        pdfs = self._invoice_pdfs([a for a in sendable if a.step.attach_invoices])
        message_vals, mail_vals = [], []
        for (template, lang), template_actions in by_template.items():
            # rendering a shipped template (the data comes from the engine) in the language the engine chose:
            # the recipient's, else the company's — the same whoever runs the engine
            template_sudo = template.sudo().with_context(lang=lang)
            res_ids = [action.partner.id for action in template_actions]
            subjects = template_sudo._render_field("subject", res_ids, add_context={"followup": data})
            bodies = template_sudo._render_field("body_html", res_ids, add_context={"followup": data})
            for action in template_actions:
                pid = action.partner.id
                message_id = tools.mail.generate_tracking_message_id("credit-followup")
                attachment_ids = [pdfs[move.id].id for move in action.moves if move.id in pdfs]
                if pid in statements:
                    attachment_ids.append(statements[pid].id)
                chatter_body = bodies[pid]
                for image in qr_images.get(pid, []):
                    # the debtor's mail client shows the inline part (cid:); the chatter shows the attachment
                    attachment_ids.append(image.id)
                    chatter_body = chatter_body.replace(f"cid:{image.name}", f"/web/image/{image.id}")
                action.result = {"state": "done", "message_id": message_id}
                message_vals.append(
                    self._message_vals(
                        action.partner,
                        chatter_body,
                        "credit_followup.mt_credit_reminder_email",
                        company,
                        message_type="comment",
                        subject=subjects[pid],
                        message_id=message_id,
                        attachment_ids=[Command.set(attachment_ids)],
                    )
                )
                mail_vals.append(
                    {
                        "body_html": bodies[pid],
                        "email_to": action.recipient.email_formatted,
                        "recipient_ids": [],
                        "state": "outgoing",
                        "auto_delete": False,
                        "headers": {"Auto-Submitted": "auto-generated", "X-Credit-Followup": str(action.step.id)},
                    }
                )
        ordered = [a for actions_ in by_template.values() for a in actions_]
        messages_sudo = self.env["mail.message"].sudo().create(message_vals)  # the reminder, on the debtor
        for action, message, vals in zip(ordered, messages_sudo, mail_vals, strict=True):
            vals["mail_message_id"] = message.id
            action.result["message_id_rec"] = message.id
        mails_sudo = self.env["mail.mail"].sudo().create(mail_vals)  # queued, never sent inline
        for action, mail in zip(ordered, mails_sudo, strict=True):
            action.result["mail_id"] = mail.id
        self._record_action(
            ordered,
            "credit_followup.mt_credit_reminder_email",
            company,
            lambda a: self.env._(
                "Reminder e-mail “%(step)s” sent to %(to)s covering %(invoices)s",
                step=a.step.name,
                to=a.recipient.email_formatted,
                invoices=", ".join(a.moves.mapped("name")),
            ),
        )

    def _qr_inline(self, actions, data):
        """Turn each EPC QR code of the e-mails into an image attachment referenced by ``cid:`` (mail clients
        such as Gmail and Outlook do not show ``data:`` images): {debtor id: attachments}. The outgoing e-mail
        carries them as inline parts (see ir.mail_server.build_email)."""
        vals, owners = [], []
        for action in actions:
            entry = data[action.partner.id]
            for group in entry["groups"]:
                qr = group.get("qr")
                if not qr or not qr.startswith("data:image/png;base64,"):
                    continue
                name = f"{QR_CID_PREFIX}{uuid.uuid4().hex[:16]}.png"
                vals.append(
                    {
                        "name": name,
                        "datas": qr.split(",", 1)[1],
                        "mimetype": "image/png",
                        "res_model": "res.partner",
                        "res_id": action.partner.id,
                    }
                )
                owners.append(action.partner.id)
                group["qr"] = f"cid:{name}"
                if entry.get("qr"):
                    entry["qr"] = group["qr"]
        result = {}
        for pid, attachment in zip(owners, self.env["ir.attachment"].sudo().create(vals), strict=True):
            result.setdefault(pid, []).append(attachment)  # sudo: the engine's own mail parts
        return result

    def _statement_pdfs(self, actions, company, date):
        """{debtor id: attachment}: the statements of account of a batch, in one report call."""
        partner_ids = [action.partner.id for action in actions]
        if not partner_ids:
            return {}
        report = self._report_env().with_company(company)
        try:
            streams = report._render_qweb_pdf_prepare_streams(
                "credit_followup.report_credit_statement", {"date": str(date)}, res_ids=partner_ids
            )
            if len(partner_ids) > 1 and not all(streams.get(pid, {}).get("stream") for pid in partner_ids):
                whole = (streams.get(False) or streams.get(partner_ids[0]) or {}).get("stream")
                streams = {
                    pid: {"stream": part} for pid, part in zip(partner_ids, split_on_outlines(whole), strict=True)
                }
        except Exception:  # a missing statement must not stop the reminder
            _logger.exception("credit follow-up: %s statements could not be rendered", len(partner_ids))
            return {}
        vals, owners = [], []
        for action in actions:
            stream = streams.get(action.partner.id, {}).get("stream")
            if stream:
                vals.append(
                    {
                        "name": self.env._("Statement of account %(date)s.pdf", date=date),
                        "raw": stream.getvalue(),
                        "mimetype": "application/pdf",
                        "res_model": "res.partner",
                        "res_id": action.partner.id,
                    }
                )
                owners.append(action.partner.id)
        attachments_sudo = self.env["ir.attachment"].sudo().create(vals)  # the statements, on the debtor
        return dict(zip(owners, attachments_sudo, strict=True))

    def _invoice_pdfs(self, actions):
        """{move id: attachment} for the invoices to attach: existing PDFs, the rest in one report call."""
        moves = self.env["account.move"].union(*(action.moves for action in actions))
        if not moves:
            return {}
        result = {move.id: move.invoice_pdf_report_id for move in moves if move.invoice_pdf_report_id}
        missing = moves.filtered(lambda m: m.id not in result)
        if missing:
            streams = self._render_invoice_pdfs(missing)
            vals = []
            for move in missing:
                stream = streams.get(move.id, {}).get("stream")
                if stream:
                    vals.append(
                        {
                            "name": f"{move.name.replace('/', '_')}.pdf",
                            "raw": stream.getvalue(),
                            "mimetype": "application/pdf",
                            "res_model": "account.move",
                            "res_id": move.id,
                        }
                    )
            for attachment in self.env["ir.attachment"].sudo().create(vals):
                result[attachment.res_id] = attachment
        return result

    def _render_invoice_pdfs(self, moves):
        """Invoice PDFs in one report call; one call per invoice where the PDF engine cannot take several
        documents at once (wkhtmltopdf without patched Qt). An invoice that cannot be rendered is simply not
        attached: the reminder still goes out."""
        report = self._report_env()
        try:
            return report._render_qweb_pdf_prepare_streams("account.account_invoices", None, res_ids=moves.ids)
        except Exception:  # noqa: BLE001 - fall back to one document per call below
            _logger.info("credit follow-up: rendering %s invoices at once failed, one by one now", len(moves))
        streams = {}
        for move in moves:
            try:
                streams.update(
                    report._render_qweb_pdf_prepare_streams("account.account_invoices", None, res_ids=move.ids)
                )
            except Exception:  # a missing attachment must not stop the reminder
                _logger.exception("credit follow-up: invoice %s could not be rendered", move.name)
        return streams

    # ------------------------------------------------------------------ letter
    def _credit_execute_letter(self, actions, date, company):
        sendable = []
        for action in actions:
            recipient = action.recipient
            if not (recipient.street and recipient.city) and not (action.partner.street and action.partner.city):
                self._fail(action, self.env._("no postal address"))
            else:
                sendable.append(action)
        if not sendable:
            return
        # what each letter is about; its figures (netting, costs, the EPC QR code) are the letter report's to compute,
        # once, from the same actions (``_credit_template_data``)
        report_data = {
            "letters": {
                str(action.partner.id): {
                    "move_ids": [move.id for move, _step in action.items],
                    "step_id": action.step.id,
                    "recipient_id": action.recipient.id,
                    "date": str(date),
                    "lang": self._lang(action.recipient, action.partner, company),
                }
                for action in sendable
            }
        }
        try:
            streams = self._render_letters(report_data, [a.partner.id for a in sendable])
        except Exception:  # a failing PDF engine must not stop the other channels: the letters are failures
            _logger.exception("credit follow-up: rendering %s letters failed", len(sendable))
            streams = {}
        vals, done = [], []
        for action in sendable:
            stream = streams.get(action.partner.id, {}).get("stream")
            if not stream:
                self._fail(action, self.env._("the letter could not be rendered"))
                continue
            vals.append(
                {
                    "name": self.env._("Reminder %(partner)s %(date)s.pdf", partner=action.partner.name, date=date),
                    "raw": stream.getvalue(),
                    "mimetype": "application/pdf",
                    "res_model": "res.partner",
                    "res_id": action.partner.id,
                }
            )
            done.append(action)
        attachments_sudo = self.env["ir.attachment"].sudo().create(vals)  # the letters, on the debtor
        by_partner = {}
        for action, attachment in zip(done, attachments_sudo, strict=True):
            action.result = {"state": "done", "attachment_id": attachment.id}
            by_partner[action.partner.id] = attachment
        self._record_action(
            done,
            "credit_followup.mt_credit_letter",
            company,
            lambda a: self.env._(
                "Reminder letter “%(step)s” to %(to)s covering %(invoices)s",
                step=a.step.name,
                to=a.recipient.display_name,
                invoices=", ".join(a.moves.mapped("name")),
            ),
            attachments=by_partner,
        )
        self._send_letters_by_post(done, attachments_sudo)

    def _report_env(self):
        """ir.actions.report for the engine's PDFs (real wkhtmltopdf renders, also in tests).

        While modules install (demo data runs the engine) this server cannot answer wkhtmltopdf's requests for
        the report's CSS: ``ir.actions.report._get_report_url`` then renders without fetching it.
        """
        # sudo: the engine prints for the debtors it processes
        return self.env["ir.actions.report"].sudo().with_context(force_report_rendering=True)

    def _render_letters(self, report_data, partner_ids):
        """All letters of a batch in one wkhtmltopdf run, split per debtor: {partner id: {"stream": …}}."""
        streams = self._report_env()._render_qweb_pdf_prepare_streams(
            "credit_followup.report_credit_letter", report_data, res_ids=partner_ids
        )
        if len(partner_ids) == 1 or all(streams.get(pid, {}).get("stream") for pid in partner_ids):
            return streams
        whole = (streams.get(False) or streams.get(partner_ids[0]) or {}).get("stream")
        return {pid: {"stream": stream} for pid, stream in zip(partner_ids, split_on_outlines(whole), strict=True)}

    def _send_letters_by_post(self, actions, attachments):
        """Hook: send letters by post (snailmail) when a module provides it."""
        return False

    # ------------------------------------------------------------------ SMS
    def _credit_execute_sms(self, actions, date, company):
        sendable = []
        opted_out = self.env["res.partner"].union(*(a.recipient for a in actions))._credit_opted_out("sms")
        for action in actions:
            number = action.recipient.mobile or action.recipient.phone
            sanitized = number and action.recipient._phone_format(number=number, force_format="E164")
            if not sanitized:
                self._fail(action, self.env._("no valid mobile number"))
            elif action.recipient in opted_out:
                self._fail(action, self.env._("opted out (number on the blacklist)"))
            else:
                action.result = {"state": "done", "number": sanitized}
                sendable.append(action)
        if not sendable:
            return
        data = self._credit_template_data(sendable, company, date)
        default_template = self.env.ref("credit_followup.sms_template_credit_reminder")
        bodies = {}
        by_template = {}
        for action in sendable:
            template = action.step.sms_template_id or default_template
            by_template.setdefault((template, data[action.partner.id]["lang"]), []).append(action)
        for (template, lang), template_actions in by_template.items():
            bodies.update(
                template.sudo()  # shipped template, engine data, in the language the engine chose
                .with_context(lang=lang)
                ._render_field("body", [a.partner.id for a in template_actions], add_context={"followup": data})
            )
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(
                [  # the SMS, on the debtor
                    self._message_vals(
                        a.partner,
                        Markup("<p>%s</p>") % bodies[a.partner.id],
                        "credit_followup.mt_credit_sms",
                        company,
                        message_type="sms",
                    )
                    for a in sendable
                ]
            )
        )
        send_after = company._credit_send_after()
        sms_records = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [  # queued; Odoo's SMS cron sends them, not before the company's sending hours
                    {
                        "number": action.result["number"],
                        "body": bodies[action.partner.id],
                        "partner_id": action.recipient.id,
                        "mail_message_id": message.id,
                        "state": "outgoing",
                        "credit_send_after": send_after,
                    }
                    for action, message in zip(sendable, messages, strict=True)
                ]
            )
        )
        # Odoo's own SMS tracking: a notification per SMS shows its fate on the chatter message, and the
        # provider's answer reaches the follow-up log through sms.tracker (see sms_tracker.py)
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": company.partner_id.id,
                    "mail_message_id": sms.mail_message_id.id,
                    "res_partner_id": sms.partner_id.id,
                    "sms_number": sms.number,
                    "notification_type": "sms",
                    "sms_id_int": sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms.uuid})],
                    "is_read": True,
                    "notification_status": "ready",
                }
                for sms in sms_records
            ]
        )
        if send_after > fields.Datetime.now():
            cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger(at=send_after)  # wake the SMS queue when the sending hours start
        for action, message in zip(sendable, messages, strict=True):
            action.result["message_id_rec"] = message.id
        self._record_action(
            sendable,
            "credit_followup.mt_credit_sms",
            company,
            lambda a: self.env._(
                "Reminder SMS “%(step)s” sent to %(number)s covering %(invoices)s",
                step=a.step.name,
                number=a.result["number"],
                invoices=", ".join(a.moves.mapped("name")),
            ),
        )

    # ------------------------------------------------------------------ phone call and task
    def _credit_execute_phone(self, actions, date, company):
        self._execute_activity(actions, date, company, "mail.mail_activity_data_call", "credit_followup.mt_credit_call")

    def _credit_execute_task(self, actions, date, company):
        self._execute_activity(actions, date, company, "mail.mail_activity_data_todo", "credit_followup.mt_credit_task")

    def _execute_activity(self, actions, date, company, activity_xmlid, subtype_xmlid):
        activity_type = self.env.ref(activity_xmlid)
        model_id = self.env["ir.model"]._get_id("res.partner")
        data = self._credit_template_data(actions, company, date)
        vals = []
        for action in actions:
            partner = action.partner.with_company(company)
            user = action.step._activity_user(action.moves[:1], partner.credit_followup_responsible_id)
            phone = action.recipient.phone or action.recipient.mobile or partner.phone or partner.mobile
            note = Markup("%s<p>%s</p>%s") % (
                action.step.activity_note or "",
                self.env._(
                    "Total open: %(amount)s. Phone: %(phone)s",
                    amount=data[action.partner.id]["balance_text"],
                    phone=phone or self.env._("unknown"),
                ),
                self._invoice_list_html(action, data[action.partner.id]),
            )
            vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": action.partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": date,
                    "summary": action.step.name,
                    "note": note,
                    "credit_followup_call": True,
                }
            )
            action.result = {"state": "done", "user": user}
        activities_sudo = self.env["mail.activity"].sudo().create(vals)  # assigned by the engine to the right user
        for action, activity in zip(actions, activities_sudo, strict=True):
            action.result["activity_id"] = activity.id
        self._record_action(
            actions,
            subtype_xmlid,
            company,
            lambda a: self.env._(
                "%(step)s: %(activity)s planned for %(user)s covering %(invoices)s",
                step=a.step.name,
                activity=activity_type.name,
                user=a.result["user"].name,
                invoices=", ".join(a.moves.mapped("name")),
            ),
        )

    # ------------------------------------------------------------------ chatter
    def _message_vals(self, record, body, subtype_xmlid, company, message_type="notification", **extra):
        """Full values for a batched mail.message create (no per-record lookups).

        The chatter copy carries no access tokens: whoever reads the debtor's chatter (e.g. another company's users
        on a shared debtor) must not get the payment links that open its invoices without a login. The outgoing
        e-mail or SMS (``mail.mail``, ``sms.sms``: administrators only) keeps them."""
        author = company.partner_id
        body = strip_access_tokens(body)
        email_from = company.email_formatted or tools.formataddr((company.name, company.email or ""))
        vals = {
            "model": record._name,
            "res_id": record.id,
            "record_name": record.display_name,
            "body": body,
            "message_type": message_type,
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(subtype_xmlid),
            "author_id": author.id,
            "email_from": email_from,
            "reply_to": company._credit_reply_to(),  # where debtors' replies go: the company says
            "date": fields.Datetime.now(),
            "record_company_id": company.id,  # a debtor shared by companies: whose contact this is (the dossier)
        }
        vals.update(extra)
        return vals

    def _invoice_message_vals(self, action, body, subtype_xmlid, company, **extra):
        return [self._message_vals(move, body, subtype_xmlid, company, **extra) for move in action.moves]
