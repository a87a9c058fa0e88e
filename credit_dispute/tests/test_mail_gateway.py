import ast
import base64
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import email_normalize

from odoo.addons.mail.tests.common import MockEmail

from .common import CreditDisputeCommon

# Real RFC 822 messages, as the mail gateway (fetchmail / mailgate script) hands them to message_process.
MAIL_PLAIN = """Return-Path: {return_path}
Delivered-To: {to}
Received: by mx.debtor.example (Postfix, from userid 1000)
    id 4F2A1C0D3E; Mon, 02 Mar 2026 10:15:02 +0100 (CET)
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 02 Mar 2026 10:15:00 +0100
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""

MAIL_WITH_PDF = """Return-Path: {return_path}
Delivered-To: {to}
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 02 Mar 2026 11:40:00 +0100
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_credit_4f2a1c"

This is a multi-part message in MIME format.

--=_credit_4f2a1c
Content-Type: multipart/alternative; boundary="=_credit_alt"

--=_credit_alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{body}

--=_credit_alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>{body}</p></body></html>

--=_credit_alt--

--=_credit_4f2a1c
Content-Type: application/pdf; name="proof-of-delivery.pdf"
Content-Disposition: attachment; filename="proof-of-delivery.pdf"
Content-Transfer-Encoding: base64

{pdf}
--=_credit_4f2a1c--
"""

PDF = b"%PDF-1.1\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestMailGateway(CreditDisputeCommon, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["mail.alias.domain"].search([]).write({"sequence": 9999})
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "credit.example.com",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "default_from": "notifications",
                "company_ids": [Command.link(cls.company.id)],
                "sequence": 1,
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.company.credit_mail_user_id = cls.manager
        cls.company._credit_set_ar_alias("debiteuren")
        cls.ar_address = "debiteuren@credit.example.com"
        cls.inv1 = cls._invoice(cls.debtor, 10)
        cls.inv2 = cls._invoice(cls.debtor, 12, amount=250.0)
        cls.inv_other = cls._invoice(cls.debtor, -10, amount=80.0)  # not due for any reminder yet
        cls.inv_nl = cls._invoice(cls.debtor2, 10)
        cls.ack_subtype = cls.env.ref("credit_dispute.mt_credit_email_ack")
        cls.in_subtype = cls.env.ref("credit_dispute.mt_credit_email_in")
        cls.template = cls.env.ref("credit_dispute.mail_template_credit_mail_ack")

    # ------------------------------------------------------------------ helpers
    def receive(
        self,
        email_from,
        subject,
        body="Hello, please see my remarks.",
        extra=None,
        msg_id=None,
        return_path=None,
        template=MAIL_PLAIN,
        to=None,
    ):
        """Feed a raw e-mail to the mail gateway; return the AR mailbox record it landed on (if any)."""
        self._msg_count = getattr(self, "_msg_count", 0) + 1
        msg_id = msg_id or f"<credit-test-{self._msg_count}-{id(self)}@debtor.example>"
        headers = "".join(f"{name}: {value}\n" for name, value in (extra or {}).items())
        # MockEmail's gateway helper: formats the raw e-mail and feeds it to message_process as superuser (in
        # production the fetchmail cron / mailgate script). Its check beforehand looks for a record of
        # target_model whose target_field equals the subject; the replies of one conversation share their subject,
        # so it looks for a message whose Message-Id is the subject (none), and the message is found by its id below
        self.format_and_process(
            template,
            email_from,
            to or f"Debiteuren <{self.ar_address}>",
            subject=subject,
            return_path=return_path or f"<{email_from.split('<')[-1].strip('>')}>",
            extra=headers,
            msg_id=msg_id,
            target_model="mail.message",
            target_field="message_id",
            body=body,
            pdf=base64.encodebytes(PDF).decode(),
        )
        message = self.env["mail.message"].search([("message_id", "=", msg_id)], limit=1)
        if message.model == "credit.mail.inbox":
            return self.env["credit.mail.inbox"].browse(message.res_id)
        return self.env["credit.mail.inbox"]

    def send_reminder(self):
        """Run the engine: the first reminder e-mail covers inv1 and inv2; return its Message-Id."""
        self.run_engine()
        logs = self.logs(self.inv1 | self.inv2).filtered(lambda log: log.channel == "email")
        self.assertEqual(logs.move_id, self.inv1 | self.inv2)
        self.assertEqual(len(set(logs.mapped("message_id"))), 1)
        return logs[0].message_id

    def acks(self, inbox=None):
        domain = [("model", "=", "credit.mail.inbox"), ("subtype_id", "=", self.ack_subtype.id)]
        if inbox is not None:
            domain.append(("res_id", "in", inbox.ids))
        return self.env["mail.message"].search(domain)

    def ack_mails(self):
        return self.env["mail.mail"].search([("mail_message_id", "in", self.acks().ids)])

    def email_messages(self, record):
        return record.message_ids.filtered(lambda m: m.subtype_id == self.in_subtype)

    # ------------------------------------------------------------------ routing
    def test_reply_to_reminder_by_headers(self):
        message_id = self.send_reminder()
        reminder = self.env["mail.message"].search([("message_id", "=", message_id)])
        self.assertIn(self.ar_address, reminder.reply_to, "reminders are answered to the AR mailbox")
        self.assertEqual(self.company._credit_reply_to(), reminder.reply_to)

        # a colleague of the debtor (unknown address) answers the reminder
        inbox = self.receive(
            "Anna Accounting <anna@debtor-one.example>",
            "Re: Payment reminder",
            body="We never received the goods.",
            extra={"In-Reply-To": message_id, "References": message_id},
        )
        self.assertEqual(inbox.state, "linked")
        self.assertEqual(inbox.match_method, "reply")
        self.assertEqual(inbox.partner_id, self.debtor)
        self.assertEqual(inbox.move_ids, self.inv1 | self.inv2)
        self.assertEqual(inbox.company_id, self.company)
        for record in (self.inv1, self.inv2, self.debtor):
            posted = self.email_messages(record)
            self.assertEqual(len(posted), 1, record.display_name)
            self.assertEqual(posted.message_type, "email")
            self.assertIn("never received the goods", posted.body)
            self.assertTrue(posted.subtype_id.credit_contact)
        self.assertFalse(self.email_messages(self.inv_other))

        dispute = inbox.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.channel, "email")
        self.assertTrue(dispute.to_qualify)
        self.assertEqual(dispute.move_ids, self.inv1 | self.inv2)
        self.assertEqual(dispute.user_id, self.manager, "the company's handler of incoming e-mail")
        self.assertEqual(self.email_messages(dispute).body, self.email_messages(self.inv1).body)
        self.assertEqual(
            dispute.activity_ids.user_id, self.manager, "the handler gets an activity to solve the dispute"
        )
        self.assertEqual(set((self.inv1 | self.inv2).mapped("credit_followup_state")), {"paused"})
        self.assertEqual(set((self.inv1 | self.inv2).mapped("credit_pause_reason")), {"dispute"})
        self.assertEqual(self.inv_other.credit_followup_state, "active", "default mode: the invoices concerned")

        ack = self.acks(inbox)
        self.assertEqual(len(ack), 1)
        mail = self.ack_mails()
        self.assertEqual(email_normalize(mail.email_to), "anna@debtor-one.example")
        headers = ast.literal_eval(mail.headers)
        self.assertEqual(headers["Auto-Submitted"], "auto-replied")
        self.assertEqual(headers["In-Reply-To"], inbox.message_ref)
        self.assertIn(inbox.message_ref, mail.references)
        self.assertIn("Carla Credit is handling it", mail.body_html)
        self.assertEqual(inbox.ack_message_ref, ack.message_id)

    def test_known_sender_new_mail(self):
        self.send_reminder()
        inbox = self.receive("Debtor One <DEBTOR1@example.com>", "Question", body="Can I pay in two parts?")
        self.assertEqual(inbox.match_method, "sender")
        self.assertEqual(inbox.partner_id, self.debtor)
        self.assertEqual(inbox.move_ids, self.inv1 | self.inv2, "no number mentioned: the last reminder's invoices")
        self.assertEqual(inbox.dispute_ids.move_ids, self.inv1 | self.inv2)
        self.assertEqual(len(self.acks(inbox)), 1)

        # a number mentioned narrows it down to that invoice (and may be one the reminder did not cover)
        inbox = self.receive(
            "Debtor One <debtor1@example.com>",
            "Another question",
            body=f"About invoice {self.inv_other.name}: the price is wrong.",
        )
        self.assertEqual(inbox.move_ids, self.inv_other)
        self.assertEqual(inbox.dispute_ids.move_ids, self.inv_other)

    def test_known_sender_about_nothing_in_particular(self):
        inbox = self.receive("Debtor Two <debtor2@example.com>", "Nieuw adres", body="Ons adres is gewijzigd.")
        self.assertEqual(inbox.match_method, "sender")
        self.assertFalse(inbox.move_ids, "no reminder yet and no number mentioned")
        self.assertEqual(len(self.email_messages(self.debtor2)), 1)
        self.assertEqual(len(inbox.dispute_ids), 1, "still handled by someone")
        self.assertFalse(inbox.dispute_ids.move_ids)
        self.assertEqual(self.inv_nl.credit_followup_state, "active")

    def test_other_company_alias(self):
        other = self.env["res.company"].create({"name": "Other Company BV"})
        other.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "other.example.com", "company_ids": [Command.link(other.id)], "sequence": 2}
        )
        other._credit_set_ar_alias("debiteuren")
        inbox = self.receive(
            "Someone <someone@unknown.example>", f"About {self.inv1.name}", to="debiteuren@other.example.com"
        ).sudo()
        self.assertEqual(inbox.company_id, other)
        self.assertEqual(inbox.state, "new", "invoice numbers of another company are never matched")
        self.assertFalse(self.env["credit.mail.inbox"].with_user(self.manager).search([("id", "=", inbox.id)]))
        # a debtor known in both companies: linked in the alias' company, never to the first company's invoices
        inbox = self.receive(
            "Debtor One <debtor1@example.com>", f"About {self.inv1.name}", to="debiteuren@other.example.com"
        ).sudo()
        self.assertEqual((inbox.state, inbox.partner_id), ("linked", self.debtor))
        self.assertFalse(inbox.move_ids)
        self.assertEqual(inbox.dispute_ids.company_id, other)
        self.assertFalse(self.email_messages(self.inv1))

    def test_invoice_number_in_subject(self):
        self.debtor2.email = "accounts@debtor-two.example"
        inbox = self.receive(
            "Someone <someone@debtor-two.example>",
            f"Invoice {self.inv_nl.name}: wrong address",
            body="Please correct the address.",
        )
        self.assertEqual(inbox.match_method, "invoice")
        self.assertEqual(inbox.partner_id, self.debtor2)
        self.assertEqual(inbox.move_ids, self.inv_nl)
        self.assertEqual(len(self.email_messages(self.inv_nl)), 1)
        self.assertEqual(len(self.email_messages(self.debtor2)), 1)
        self.assertEqual(inbox.dispute_ids.move_ids, self.inv_nl)

    def test_invoice_number_from_a_stranger_waits_in_triage(self):
        """Invoice numbers are sequential: a stranger naming one neither pauses follow-up nor learns the debtor."""
        self.debtor2.email = "accounts@debtor-two.example"
        with self.mock_mail_gateway():
            inbox = self.receive("Mallory <mallory@evil.example>", f"Question about {self.inv_nl.name}")
        self.assertEqual(inbox.state, "new")
        self.assertFalse(inbox.partner_id or inbox.dispute_ids)
        self.assertEqual(self.inv_nl.credit_followup_state, "active")
        self.assertFalse(self.email_messages(self.inv_nl))
        self.assertFalse(self.acks(inbox))
        wizard = Form(self.env["credit.mail.link"].with_user(self.manager).with_context(default_inbox_id=inbox.id))
        self.assertEqual(wizard.partner_id, self.debtor2, "the triage proposes the debtor of the invoice")

    def test_unknown_sender_triage_then_link(self):
        inbox = self.receive("Stranger <stranger@unknown.example>", "Hello", body="Who do I talk to about a bill?")
        self.assertTrue(inbox, "nothing is dropped")
        self.assertEqual(inbox.state, "new")
        self.assertFalse(inbox.partner_id or inbox.dispute_ids)
        self.assertFalse(self.acks(inbox), "unknown senders get no acknowledgement before triage")
        self.assertIn(inbox, self.env["credit.mail.inbox"].search([("state", "=", "new")]))

        wizard_form = Form(self.env["credit.mail.link"].with_user(self.manager).with_context(default_inbox_id=inbox.id))
        wizard_form.partner_id = self.debtor
        wizard_form.move_ids.add(self.inv2)
        self.assertTrue(wizard_form.add_contact, "the sender is not a contact of the debtor yet")
        wizard_form.save().action_link()

        self.assertEqual(inbox.state, "linked")
        self.assertEqual(inbox.match_method, "manual")
        self.assertEqual(inbox.partner_id, self.debtor)
        self.assertEqual(len(self.email_messages(self.inv2)), 1)
        self.assertEqual(len(self.email_messages(self.debtor)), 1)
        self.assertEqual(inbox.dispute_ids.move_ids, self.inv2)
        self.assertEqual(self.inv2.credit_pause_reason, "dispute")
        contact = self.debtor.child_ids.filtered(lambda p: p.email == "stranger@unknown.example")
        self.assertEqual(contact.name, "Stranger")
        self.assertEqual(len(self.acks(inbox)), 1)

        # the next e-mail from that address is matched by its sender
        again = self.receive("Stranger <stranger@unknown.example>", "More", body=f"And {self.inv1.name} too.")
        self.assertEqual(again.match_method, "sender")
        self.assertEqual(again.partner_id, self.debtor)
        self.assertEqual(again.move_ids, self.inv1)

    def test_ignore_and_reset(self):
        inbox = self.receive("Newsletter <news@shop.example>", "Our spring sale")
        inbox.with_user(self.manager).action_ignore()
        self.assertEqual(inbox.state, "ignored")
        inbox.with_user(self.manager).action_reset()
        self.assertEqual(inbox.state, "new")

    def test_attachments_kept(self):
        inbox = self.receive(
            "Debtor One <debtor1@example.com>",
            f"Proof of delivery for {self.inv1.name}",
            body="Attached the signed delivery note.",
            template=MAIL_WITH_PDF,
        )
        self.assertEqual(inbox.move_ids, self.inv1)
        for record in (inbox, self.inv1, self.debtor, inbox.dispute_ids):
            message = record.message_ids.filtered(lambda m: m.message_type == "email")
            self.assertEqual(len(message), 1, record.display_name)
            attachment = message.attachment_ids
            self.assertEqual(attachment.name, "proof-of-delivery.pdf", record.display_name)
            self.assertEqual(attachment.raw, PDF)
            self.assertEqual((attachment.res_model, attachment.res_id), (record._name, record.id))

    # ------------------------------------------------------------------ acknowledgement
    def test_ack_once_per_thread(self):
        message_id = self.send_reminder()
        first = self.receive(
            "Debtor One <debtor1@example.com>",
            "Re: Payment reminder",
            extra={"In-Reply-To": message_id, "References": message_id},
        )
        self.assertEqual(len(self.acks()), 1)

        # a second answer to the same reminder: registered, same open dispute, no second acknowledgement
        second = self.receive(
            "Debtor One <debtor1@example.com>",
            "Re: Payment reminder",
            body="Forgot to say: also the quantity is wrong.",
            extra={"In-Reply-To": message_id, "References": message_id},
        )
        self.assertNotEqual(first, second)
        self.assertEqual(second.dispute_ids, first.dispute_ids, "the open dispute of those invoices is updated")
        self.assertEqual(len(self.email_messages(first.dispute_ids)), 2)
        self.assertEqual(len(self.email_messages(self.inv1)), 2)
        self.assertEqual(len(self.acks()), 1)

        # the debtor answers our acknowledgement: it lands on the same conversation
        ack = self.acks()
        third = self.receive(
            "Debtor One <debtor1@example.com>",
            "Re: We received your message: Re: Payment reminder",
            body="Thanks!",
            extra={"In-Reply-To": ack.message_id, "References": f"{message_id} {first.message_ref} {ack.message_id}"},
        )
        self.assertEqual(third, first)
        self.assertEqual(len(self.email_messages(self.inv1)), 3)
        self.assertEqual(len(self.acks()), 1)
        self.assertEqual(len(self.ack_mails()), 1)

    def test_ack_in_partner_language(self):
        self.assertEqual(self.debtor2.lang, "nl_NL")
        self.template.with_context(
            lang="nl_NL"
        ).subject = "Wij hebben uw bericht ontvangen (onze referentie {{ object.ack_reference }})"
        # mail.template bodies are translated as a whole (translate=True): what nl.po will provide
        dutch_body = self.template.body_html.replace("We received your message.", "Wij hebben uw bericht ontvangen.")
        self.template.update_field_translations("body_html", {"nl_NL": dutch_body})
        self.receive("Debtor Two <debtor2@example.com>", "Vraag", body=f"Over {self.inv_nl.name}")
        self.receive("Debtor One <debtor1@example.com>", "Question", body=f"About {self.inv1.name}")
        by_partner = {email_normalize(mail.email_to): mail for mail in self.ack_mails()}
        dutch = by_partner["debtor2@example.com"]
        self.assertRegex(dutch.subject, r"^Wij hebben uw bericht ontvangen \(onze referentie AR-\d{6}\)$")
        self.assertIn("Wij hebben uw bericht ontvangen.", dutch.body_html)
        english = by_partner["debtor1@example.com"]
        self.assertRegex(english.subject, r"^We received your message \(our reference AR-\d{6}\)$", "not their subject")
        self.assertIn("We received your message.", english.body_html)

    def test_third_party_in_a_linked_conversation_opens_nothing(self):
        first = self.receive(
            "Debtor One <debtor1@example.com>", f"About {self.inv1.name}", msg_id="<thread-1@debtor.example>"
        )
        dispute = first.dispute_ids
        dispute.action_close("resolved")
        self.assertEqual(self.inv1.credit_followup_state, "active")
        self.receive(
            "Someone in CC <cc@third.example>",
            f"Re: About {self.inv1.name}",
            body="Thanks all!",
            extra={"In-Reply-To": "<thread-1@debtor.example>", "References": "<thread-1@debtor.example>"},
        )
        self.assertEqual(first.dispute_ids, dispute, "no new dispute")
        self.assertEqual(self.inv1.credit_followup_state, "active", "follow-up not paused again")
        self.assertEqual(len(self.email_messages(self.inv1)), 2, "the reply is registered on the invoice")

    def test_one_ack_per_address_and_day(self):
        """An auto-responder without auto-reply headers starts a new conversation with each answer."""
        for number in range(3):
            self.receive(
                "Debtor One <debtor1@example.com>",
                f"Automatic answer {number} about {self.inv1.name}",
                msg_id=f"<loop-{number}@debtor.example>",
            )
        self.assertEqual(len(self.acks()), 1)

    def test_no_ack_to_automatic_mail(self):
        cases = [
            ("auto-replied", {"Auto-Submitted": "auto-replied"}, None),
            ("auto-generated", {"Auto-Submitted": "auto-generated"}, None),
            ("x-autoreply", {"X-Autoreply": "yes"}, None),
            ("x-autorespond", {"X-Autorespond": "Out of office"}, None),
            ("precedence", {"Precedence": "bulk"}, None),
            ("auto_reply", {"Precedence": "auto_reply"}, None),
            ("null return path", {}, "<>"),
        ]
        for label, extra, return_path in cases:
            with self.subTest(label):
                inbox = self.receive(
                    "Debtor One <debtor1@example.com>",
                    f"Out of office ({label}) {self.inv1.name}",
                    extra=extra,
                    return_path=return_path,
                )
                self.assertEqual(inbox.state, "linked")
                self.assertTrue(inbox.automatic_reason)
                self.assertTrue(self.email_messages(self.inv1), "registered anyway")
                self.assertFalse(inbox.dispute_ids, "an auto-reply is no complaint")
                self.assertEqual(self.inv1.credit_followup_state, "active")
        self.assertFalse(self.acks())
        # "Auto-Submitted: no" is a person
        inbox = self.receive(
            "Debtor One <debtor1@example.com>", f"About {self.inv1.name}", extra={"Auto-Submitted": "no"}
        )
        self.assertFalse(inbox.automatic_reason)
        self.assertEqual(len(self.acks()), 1)

    def test_no_ack_to_bounces(self):
        # a delivery report to the AR mailbox from a postmaster with an empty envelope sender
        inbox = self.receive(
            "Mail Delivery System <postmaster@mx.debtor.example>",
            f"Undelivered Mail Returned to Sender ({self.inv1.name})",
            return_path="<>",
        )
        self.assertTrue(inbox, "kept")
        self.assertTrue(inbox.automatic_reason)
        self.assertFalse(inbox.dispute_ids)
        # MAILER-DAEMON mail is a bounce for Odoo itself: handled (logs), never answered
        self.receive(
            "MAILER-DAEMON <mailer-daemon@mx.debtor.example>",
            f"Undelivered Mail Returned to Sender ({self.inv1.name})",
            return_path="<>",
        )
        self.assertFalse(self.acks())
        self.assertFalse(self.ack_mails())

    def test_no_ack_to_own_addresses(self):
        for sender in ("Carla Credit <carla@example.com>", "Company <credit@example.com>", f"AR <{self.ar_address}>"):
            with self.subTest(sender):
                self.receive(sender, f"Forwarded: question about {self.inv1.name}")
        self.assertFalse(self.acks())
        self.assertTrue(self.email_messages(self.inv1), "still registered on the invoice")

    def test_no_loop_with_auto_responder(self):
        message_id = self.send_reminder()
        with self.mock_mail_gateway():
            inbox = self.receive(
                "Debtor One <debtor1@example.com>",
                "Re: Payment reminder",
                extra={"In-Reply-To": message_id, "References": message_id},
            )
            ack = self.acks(inbox)
            self.assertEqual(len(ack), 1)
            ack_mail = self.ack_mails()
            ack_mail.send()
            self.assertEqual(len(self._mails), 1)
            sent = self._mails[0]
            self.assertEqual(sent["headers"]["Auto-Submitted"], "auto-replied")
            self.assertEqual(sent["headers"]["In-Reply-To"], inbox.message_ref)

            # the debtor's auto-responder answers our acknowledgement (as RFC 3834 says: marked) ...
            self.receive(
                "Debtor One <debtor1@example.com>",
                "Automatic reply: We received your message",
                body="I am out of the office until Monday.",
                extra={
                    "Auto-Submitted": "auto-replied",
                    "In-Reply-To": ack.message_id,
                    "References": f"{inbox.message_ref} {ack.message_id}",
                },
            )
            # ... and a badly behaved one without any header, to the acknowledgement again
            self.receive(
                "Debtor One <debtor1@example.com>",
                "Re: We received your message",
                body="I am out of the office until Monday.",
                extra={"In-Reply-To": ack.message_id, "References": ack.message_id},
            )
            self.assertEqual(len(inbox.message_ids.filtered(lambda m: m.message_type == "email")), 3)
            self.assertEqual(len(self.email_messages(self.inv1)), 3, "posted on the invoice")
            self.assertEqual(len(self.acks()), 1, "no new acknowledgement: no loop")
            self.assertEqual(len(self.ack_mails()), 1)
            self.assertEqual(len(inbox.dispute_ids), 1)

    # ------------------------------------------------------------------ pause modes and disputes
    def test_pause_whole_partner(self):
        self.company.credit_reply_pause_mode = "partner"
        inbox = self.receive("Debtor One <debtor1@example.com>", f"About {self.inv1.name}")
        dispute = inbox.dispute_ids
        self.assertEqual(dispute.move_ids, self.inv1)
        self.assertEqual(self.inv1.credit_pause_reason, "dispute")
        self.assertEqual(self.inv2.credit_followup_state, "paused")
        self.assertEqual(self.inv2.credit_pause_reason, "reply")
        self.assertEqual(dispute.credit_held_move_ids, self.inv2 | self.inv_other)
        self.assertEqual(self.inv_nl.credit_followup_state, "active", "another debtor")
        dispute.with_user(self.manager).action_cancel()
        self.assertEqual(set((self.inv1 | self.inv2 | self.inv_other).mapped("credit_followup_state")), {"active"})

    def test_pause_hold_next_step(self):
        self.company.write({"credit_reply_pause_mode": "hold", "credit_reply_hold_days": 5})
        inbox = self.receive("Debtor One <debtor1@example.com>", f"About {self.inv1.name}")
        self.assertEqual(self.inv1.credit_followup_state, "paused")
        today = self.inv1.credit_pause_until - timedelta(days=5)
        self.assertEqual(today, self.env["credit.dispute"].browse(inbox.dispute_ids.id).date_open)
        self.assertEqual(self.inv2.credit_followup_state, "active")
        # after the hold, follow-up goes on by itself, even if nobody qualified the dispute
        self.env["account.move"]._credit_resume_expired_pauses(
            self.inv1.credit_pause_until + timedelta(days=1), self.company
        )
        self.assertEqual(self.inv1.credit_followup_state, "active")
        self.assertEqual(inbox.dispute_ids.state, "new")

    def test_open_dispute_updated(self):
        category = self.env["credit.issue.category"].search(
            [("company_id", "=", self.company.id), ("pause_followup", "=", True)], limit=1
        )
        dispute = self.env["credit.dispute"].create(
            {
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(self.inv1.ids)],
                "category_id": category.id,
                "user_id": self.salesperson.id,
            }
        )
        inbox = self.receive(
            "Debtor One <debtor1@example.com>", f"Re: {self.inv1.name}", body="Any news about the credit note?"
        )
        self.assertEqual(inbox.dispute_ids, dispute, "no second dispute for the same invoice")
        posted = self.email_messages(dispute)
        self.assertEqual(len(posted), 1)
        self.assertIn(self.salesperson.partner_id, posted.partner_ids, "the responsible hears about it")
        self.assertEqual(self.env["credit.dispute"].search_count([("partner_id", "=", self.debtor.id)]), 1)
        ack = self.ack_mails()
        self.assertIn("Sam Sales is handling it", ack.body_html)

    def test_settings_create_alias(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.credit_ar_alias_name, "debiteuren")
        settings.credit_ar_alias_name = "accounts"
        settings.execute()
        alias = self.company.credit_ar_alias_id
        self.assertEqual(alias.alias_full_name, "accounts@credit.example.com")
        self.assertEqual(alias.alias_model_id.model, "credit.mail.inbox")
        self.assertEqual(ast.literal_eval(alias.alias_defaults), {"company_id": self.company.id})
        self.assertIn("accounts@credit.example.com", self.company._credit_reply_to())

    # ------------------------------------------------------------------ issue 11, point 2: strangers
    def test_public_mail_provider_is_no_proof_of_the_debtor(self):
        """A consumer on gmail.com: anyone on gmail.com naming their invoice waits in triage, pauses nothing."""
        for domain in ("gmail.com", "ziggo.nl", "kpnmail.nl", "icloud.com"):
            with self.subTest(domain=domain):
                self.debtor2.email = f"jan.debtor2@{domain}"
                with self.mock_mail_gateway():
                    inbox = self.receive(f"Mallory <mallory@{domain}>", f"Question about {self.inv_nl.name}")
                self.assertEqual(inbox.state, "new")
                self.assertFalse(inbox.partner_id or inbox.dispute_ids or inbox.move_ids)
                self.assertEqual(self.inv_nl.credit_followup_state, "active")
                self.assertFalse(self.email_messages(self.inv_nl))
                self.assertFalse(self.acks(inbox))
        # the debtor's own address still matches, also on gmail.com
        self.debtor2.email = "jan.debtor2@gmail.com"
        inbox = self.receive("Jan <jan.debtor2@gmail.com>", f"Question about {self.inv_nl.name}")
        self.assertEqual((inbox.match_method, inbox.partner_id), ("sender", self.debtor2))

    def test_credit_managers_list_public_providers(self):
        self.debtor2.email = "accounts@small-isp.example"
        domains = self.env["credit.mail.public.domain"]
        self.assertTrue(domains.search([("name", "=", "gmail.com")]), "shipped as data")
        domains.with_user(self.manager).create({"name": " @Small-ISP.example "})
        with self.assertRaises(AccessError):
            domains.with_user(self.salesperson).create({"name": "other-isp.example"})
        inbox = self.receive("Mallory <mallory@small-isp.example>", f"About {self.inv_nl.name}")
        self.assertEqual(inbox.state, "new")
        self.assertEqual(self.inv_nl.credit_followup_state, "active")

    def test_domain_of_two_debtors_is_no_proof(self):
        self.debtor2.email = "accounts@group.example"
        self.debtor.email = "finance@group.example"  # another debtor of the same group shares the domain
        inbox = self.receive("Someone <someone@group.example>", f"Invoice {self.inv_nl.name}")
        self.assertEqual(inbox.state, "new")
        self.assertFalse(inbox.dispute_ids)
        self.assertEqual(self.inv_nl.credit_followup_state, "active")

    def test_acknowledgement_to_a_stranger_names_nobody_and_echoes_nothing(self):
        spam = "Cheap pills at http://spam.example/buy"
        with self.mock_mail_gateway():
            inbox = self.receive("Mallory <mallory@evil.example>", spam, body=f"{spam} — visit now")
        self.assertEqual(inbox.state, "new")
        # a credit manager links it to the debtor without making the sender a contact
        wizard = (
            self.env["credit.mail.link"]
            .with_user(self.manager)
            .create(
                {
                    "inbox_id": inbox.id,
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(self.inv1.ids)],
                    "add_contact": False,
                }
            )
        )
        self.assertFalse(wizard.add_contact)
        wizard.action_link()
        self.assertEqual(inbox.state, "linked")
        mail = self.env["mail.mail"].search([("mail_message_id", "in", self.acks(inbox).ids)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(email_normalize(mail.email_to), "mallory@evil.example")
        sent = f"{mail.subject}\n{mail.body_html}"
        for secret in (self.debtor.name, self.manager.name, self.inv1.name, "Cheap pills", "spam.example"):
            self.assertNotIn(secret, sent)
        self.assertIn(inbox.ack_reference, mail.subject)
        self.assertIn(self.company.name, mail.body_html)
