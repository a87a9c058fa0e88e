import re
import subprocess
from datetime import timedelta
from unittest.mock import patch

from lxml import html

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.credit_followup.models import credit_followup_engine

from .common import CreditFollowupCommon


def decode_qr(data_uri):
    """Decode a QR code image (data URI) with a real decoder (zbar)."""
    import base64
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    image = Image.open(io.BytesIO(base64.b64decode(data_uri.split(",", 1)[1])))
    results = decode(image)
    return results[0].data.decode() if results else None


@tagged("post_install", "-at_install")
class TestEngineRun(CreditFollowupCommon, HttpCase):
    """HttpCase: wkhtmltopdf fetches the report assets from the test server while a letter renders."""

    def mails_to(self, partner):
        return self.env["mail.mail"].search([("email_to", "ilike", partner.email)])

    def test_one_email_per_debtor_listing_every_invoice(self):
        first = self._invoice(self.debtor, 8, amount=100)
        second = self._invoice(self.debtor, 9, amount=250)
        not_due = self._invoice(self.debtor, -20, amount=70)
        other = self._invoice(self.debtor2, 8, amount=40)

        summary = self.run_engine()

        self.assertEqual(summary["actions"], {"email": 2})
        mails = self.mails_to(self.debtor)
        self.assertEqual(len(mails), 1, "one e-mail per debtor and channel, not one per invoice")
        self.assertEqual(mails.state, "outgoing", "queued, never sent inline")
        body = mails.body_html
        self.assertIn(first.name, body)
        self.assertIn(second.name, body)
        self.assertNotIn(not_due.name, body)
        self.assertIn("350.00", body, "the total open amount")
        self.assertEqual(len(self.mails_to(self.debtor2)), 1)
        self.assertIn(other.name, self.mails_to(self.debtor2).body_html)
        # one log row per invoice and step, chatter on the invoice and on the debtor
        logs = self.logs(first | second)
        self.assertEqual([log.step_id.name for log in logs], ["First reminder", "First reminder"])
        self.assertEqual(set(logs.mapped("state")), {"done"})
        self.assertTrue(logs[0].message_id and logs[0].message_id == mails.mail_message_id.message_id)
        subtype = self.env.ref("credit_followup.mt_credit_reminder_email")
        for move in first | second:
            self.assertEqual(move.credit_followup_step_id, self.steps["First reminder"])
            self.assertEqual(move.credit_followup_next_step_id, self.steps["Second reminder"])
            self.assertTrue(move.message_ids.filtered(lambda m: m.subtype_id == subtype))
        self.assertTrue(self.debtor.message_ids.filtered(lambda m: m.subtype_id == subtype))
        self.assertEqual(not_due.credit_followup_next_step_id, self.steps["Courtesy"])
        self.assertEqual(not_due.credit_followup_next_date, not_due.invoice_date_due - timedelta(days=3))

    def test_highest_step_template_and_mixed_steps(self):
        self.steps["Second reminder"].mail_template_id = self.env.ref(
            "credit_followup.mail_template_credit_reminder"
        ).copy({"subject": "SECOND {{ object.name }}"})
        old = self._invoice(self.debtor, 25)
        old.write(
            {
                "credit_followup_step_id": self.steps["First reminder"].id,
                "credit_followup_date": self.today - timedelta(days=18),
            }
        )
        new = self._invoice(self.debtor, 8)
        self.run_engine()
        mail = self.mails_to(self.debtor)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "SECOND Debtor One BV", "the highest step's template is used")
        self.assertIn(old.name, mail.body_html)
        self.assertIn(new.name, mail.body_html)
        self.assertEqual(self.logs(old).step_id, self.steps["Second reminder"])
        self.assertEqual(self.logs(new).step_id, self.steps["First reminder"])

    def test_idempotent_second_run_does_nothing(self):
        self._invoice(self.debtor, 8)
        self._invoice(self.debtor2, 40)
        first = self.run_engine()
        self.assertEqual(first["actions"], {"email": 2})
        logs_before = self.env["credit.followup.log"].search_count([])
        mails_before = self.env["mail.mail"].search_count([])
        second = self.run_engine()
        self.assertEqual(second["actions"], {})
        self.assertEqual(second["invoices"], 0)
        self.assertEqual(self.env["credit.followup.log"].search_count([]), logs_before)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_untouched_invoices(self):
        paused = self._invoice(self.debtor, 8)
        paused._credit_pause("manual", note="customer on holiday")
        excluded = self._invoice(self.debtor, 8)
        excluded.credit_followup_state = "excluded"
        collection = self._invoice(self.debtor, 8)
        collection.credit_followup_state = "collection"
        paid = self._invoice(self.debtor, 8)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {"payment_date": self.today}
        )._create_payments()
        draft = self._invoice(self.debtor, 8, post=False)
        self.assertEqual(paid.credit_followup_state, "done")
        summary = self.run_engine()
        self.assertEqual(summary["actions"], {})
        self.assertFalse(self.logs(paused | excluded | collection | paid | draft))
        self.assertFalse(self.mails_to(self.debtor))

    def test_partial_payment_keeps_following_up_the_open_amount(self):
        move = self._invoice(self.debtor, 8, amount=300)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": self.today, "amount": 100}
        )._create_payments()
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(move.credit_followup_state, "active")
        self.run_engine()
        self.assertIn("200.00", self.mails_to(self.debtor).body_html)
        self.assertEqual(self.logs(move).amount_residual, 200)

    def test_pause_until_resumes_after_date(self):
        move = self._invoice(self.debtor, 8)
        move._credit_pause("manual", until=self.today + timedelta(days=3), note="waits")
        self.assertFalse(self.run_engine()["actions"])
        self.assertEqual(move.credit_followup_state, "paused")
        self.run_engine(self.today + timedelta(days=4))
        self.assertEqual(move.credit_followup_state, "active")
        self.assertEqual(self.logs(move).step_id, self.steps["First reminder"])

    def test_payment_link_access_token_and_epc_qr(self):
        move = self._invoice(self.debtor, 8, amount=123.45)
        self.run_engine()
        body = self.mails_to(self.debtor).body_html
        tree = html.fromstring(body)
        link = tree.xpath("//a[hasclass('o_credit_pay_link')]/@href")[0]
        token = re.search(r"access_token=([\w-]+)", link).group(1)
        self.assertIn(f"/my/invoices/{move.id}", link)
        self.assertEqual(token, move.access_token)
        self.assertTrue(move._portal_ensure_token() == token)
        qr_src = tree.xpath("//img[hasclass('o_credit_qr')]/@src")[0]
        self.assertTrue(qr_src.startswith("cid:"), "mail clients do not show data: images; an inline part they do")
        image = self.mails_to(self.debtor).attachment_ids.filtered(lambda a: a.name == qr_src[4:])
        payload = decode_qr("data:image/png;base64," + image.datas.decode())
        self.assertIsNotNone(payload, "the QR code must be decodable")
        lines = payload.split("\n")
        self.assertEqual(lines[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(lines[4], "ABNANL2A")
        self.assertEqual(lines[6], "NL91ABNA0417164300")
        self.assertEqual(lines[7], "EUR123.45")
        self.assertIn(move.name, payload)

    def test_no_email_address_fails_and_falls_back_to_letter(self):
        debtor = self._debtor("No Mail BV", False)
        move = self._invoice(debtor, 8)
        debtor.credit_followup_responsible_id = self.manager
        summary = self.run_engine()
        self.assertEqual(summary["failed"], 1)
        logs = self.logs(move).sorted("is_fallback")
        self.assertEqual(logs.mapped("channel"), ["email", "letter"])
        self.assertEqual(logs.mapped("state"), ["failed", "done"])
        self.assertEqual(logs[0].failure_reason, "no e-mail address")
        self.assertTrue(logs[1].is_fallback)
        letter = logs[1].attachment_id
        self.assertEqual(letter.mimetype, "application/pdf")
        self.assertTrue(letter.raw.startswith(b"%PDF"))
        activity = debtor.activity_ids
        self.assertEqual(activity.user_id, self.manager, "the responsible is asked to fix the contact data")
        failed = self.env.ref("credit_followup.mt_credit_failed")
        self.assertTrue(move.message_ids.filtered(lambda m: m.subtype_id == failed))

    def test_smtp_failure_after_queueing_marks_failed(self):
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        mail = self.mails_to(self.debtor)
        with mute_logger("odoo.addons.mail.models.mail_mail"):
            mail._postprocess_sent_message(
                success_pids=[], failure_reason="550 mailbox unavailable", failure_type="mail_email_invalid"
            )
        logs = self.logs(move).sorted("is_fallback")
        self.assertEqual(logs.mapped("state"), ["failed", "done"], "the e-mail failed, the letter fallback is done")
        self.assertEqual(logs[1].channel, "letter")
        self.assertIn("550", logs[0].failure_reason)

    def test_phone_step_creates_activity_for_salesperson(self):
        move = self._invoice(self.debtor, 35, amount=500)
        move.write(
            {
                "credit_followup_step_id": self.steps["Second reminder"].id,
                "credit_followup_date": self.today - timedelta(days=10),
            }
        )
        summary = self.run_engine()
        self.assertEqual(summary["actions"], {"phone": 1})
        activity = self.debtor.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(move.name, str(activity.note))
        self.assertIn("500.00", str(activity.note))
        activity.with_user(self.salesperson).action_feedback(feedback="Promised to pay Friday")
        contact = self.env["credit.followup.contact"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual((contact.channel, contact.user_id), ("phone", self.salesperson), "the done call is registered")
        self.assertIn("Friday", str(contact.note))
        self.assertTrue(
            move.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("credit_followup.mt_credit_call"))
        )

    def test_needs_approval_waits_for_a_credit_manager(self):
        self.steps["First reminder"].needs_approval = True
        move = self._invoice(self.debtor, 8)
        summary = self.run_engine()
        self.assertEqual(summary["to_approve"], 1)
        self.assertFalse(self.mails_to(self.debtor))
        self.assertEqual(self.logs(move).state, "to_approve")
        self.assertEqual(self.debtor.credit_followup_status, "approval")
        self.assertFalse(self.run_engine()["to_approve"], "waiting, not asked twice")
        self.debtor.with_user(self.manager).action_credit_approve()
        self.assertEqual(self.logs(move).state, "done")
        self.assertEqual(len(self.mails_to(self.debtor)), 1)
        self.assertEqual(move.credit_followup_step_id, self.steps["First reminder"])

    def test_letters_of_a_batch_render_in_one_run_split_per_debtor(self):
        moves = self.env["account.move"]
        for debtor, amount in ((self.debtor, 800), (self.debtor2, 650)):
            move = self._invoice(debtor, 50, amount=amount)
            move.write(
                {
                    "credit_followup_step_id": self.steps["Call"].id,
                    "credit_followup_date": self.today - timedelta(days=10),
                }
            )
            moves |= move
        Report = type(self.env["ir.actions.report"])
        with patch.object(Report, "_run_wkhtmltopdf", autospec=True, side_effect=Report._run_wkhtmltopdf) as run:
            summary = self.run_engine()
        self.assertEqual(run.call_count, 1, "all letters of the batch in one wkhtmltopdf run")
        self.assertEqual(summary["actions"], {"letter": 2})
        texts = {}
        for move in moves:
            pdf = self.logs(move).attachment_id.raw
            texts[move] = subprocess.run(
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode()
        first, second = moves
        self.assertIn(first.name, texts[first])
        self.assertNotIn(second.name, texts[first], "each debtor gets only their own letter")
        self.assertIn("800.00", texts[first])
        self.assertIn(second.name, texts[second])
        self.assertIn("Betalingsherinnering", texts[second], "debtor 2 reads Dutch: the letter is in Dutch")
        self.assertIn("Payment reminder", texts[first])
        self.assertEqual(self.debtor.credit_followup_status, "collection", "after the final step")

    def test_crash_mid_run_then_rerun_neither_repeats_nor_skips(self):
        debtors = [self._debtor(f"Crash {i}", f"crash{i}@example.com") for i in range(5)]
        moves = [self._invoice(d, 8) for d in debtors]
        original = credit_followup_engine.CreditFollowupEngine._process_batch
        calls = []

        def crashing(engine, company, partners, date, run):
            calls.append(partners)
            if len(calls) == 3:
                raise RuntimeError("worker killed")
            return original(engine, company, partners, date, run)

        # not assertRaises: it would roll back the batches done before the crash
        with (
            patch.object(credit_followup_engine, "BATCH_SIZE", 1),
            patch.object(credit_followup_engine.CreditFollowupEngine, "_process_batch", crashing),
        ):
            crashed = False
            try:
                self.run_engine()
            except RuntimeError:
                crashed = True
            self.assertTrue(crashed, "the simulated crash did not happen")
        done = [m for m in moves if self.logs(m)]
        self.assertEqual(len(done), 2, "the batches before the crash are done")
        with patch.object(credit_followup_engine, "BATCH_SIZE", 1):
            self.run_engine()
        for move in moves:
            self.assertEqual(len(self.logs(move)), 1, "each invoice exactly once")
        self.assertEqual(sum(len(self.mails_to(d)) for d in debtors), 5)

    def test_queries_per_batch_do_not_grow_with_invoices(self):
        def measure(n):
            debtors = [self._debtor(f"Q{n}-{i}", f"q{n}{i}@example.com") for i in range(n)]
            for debtor in debtors:
                self._invoice(debtor, 8)
                self._invoice(debtor, 9)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.env["credit.followup.engine"].run(
                companies=self.company, date=self.today, partners=self.env["res.partner"].union(*debtors)
            )
            return self.env.cr.sql_log_count - before

        small, large = measure(3), measure(12)
        self.assertLessEqual(large - small, 12, f"3 debtors: {small} queries, 12 debtors: {large}")

    def test_multi_company_and_access(self):
        other = self.setup_other_company(name="Other BV")["company"]
        other_move = self._invoice(self.debtor, 8, company=other)
        own_move = self._invoice(self.debtor, 8)
        self.run_engine()
        self.assertTrue(self.logs(own_move))
        self.assertFalse(self.logs(other_move), "a run of company A never touches company B")
        # company B has no profile: nothing happens there either
        summary = self.env["credit.followup.engine"].run(companies=other, date=self.today)
        self.assertEqual(summary["actions"], {})
        self.assertEqual(summary["skipped"], {"no_profile": 1})
        # a manager of company A sees nothing of company B
        other_profile = self.env["credit.followup.profile"].create({"name": "B profile", "company_id": other.id})
        Profile = self.env["credit.followup.profile"].with_user(self.manager)
        self.assertNotIn(other_profile, Profile.search([]))
        # a user outside our groups can neither change profiles nor run the engine
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.profile.with_user(clerk).write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["credit.followup.engine"].with_user(clerk).run(companies=self.company, date=self.today)

    def test_template_in_partner_language(self):
        self.env["ir.module.module"]._load_module_terms(["credit_followup"], ["nl_NL"], overwrite=True)
        self._invoice(self.debtor2, 8)
        self._invoice(self.debtor, 8)
        self.run_engine()
        self.assertIn("Geachte", self.mails_to(self.debtor2).body_html)
        self.assertIn("Dear", self.mails_to(self.debtor).body_html)

    def test_preview_writes_nothing(self):
        move = self._invoice(self.debtor, 8)
        lines = self.env["credit.followup.engine"].preview(companies=self.company, date=self.today)
        line = next(line for line in lines if line["move_id"] == move.id)
        self.assertEqual(line["action"], "execute")
        self.assertEqual(line["step_id"], self.steps["First reminder"].id)
        self.assertEqual(line["recipient_id"], self.debtor.id)
        self.assertFalse(self.logs(move))
        self.assertFalse(move.credit_followup_planned)
        self.assertFalse(self.mails_to(self.debtor))

    def test_bounce_through_the_mail_gateway_marks_failed(self):
        """A real RFC 822 delivery-status report (RFC 3464) fed to Odoo's mail gateway."""
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        log = self.logs(move)
        raw = BOUNCE_TEMPLATE.format(message_id=log.message_id, rcpt=self.debtor.email)
        self.env["mail.thread"].sudo().message_process(False, raw)
        logs = self.logs(move).sorted("is_fallback")
        self.assertEqual(logs.mapped("state"), ["failed", "done"])
        self.assertIn("bounced", logs[0].failure_reason)
        self.assertEqual(logs[1].channel, "letter", "the step's fallback channel")
        self.assertTrue(logs[1].attachment_id, "the fallback letter was rendered")


BOUNCE_TEMPLATE = """From: MAILER-DAEMON@mx.example.net
To: credit@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-4711@mx.example.net>
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN-BOUNDARY"

--DSN-BOUNDARY
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to one or more recipients.

--DSN-BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {rcpt}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--DSN-BOUNDARY
Content-Type: text/rfc822-headers

Message-ID: {message_id}
From: credit@example.com
To: {rcpt}
Subject: First reminder

--DSN-BOUNDARY--
"""
