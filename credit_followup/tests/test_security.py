"""Issue 11, tried as an attacker would (credit_followup): the user does the thing, is refused, nothing changed."""

import http.server
import json
import threading
from datetime import timedelta
from urllib.parse import quote

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import CreditFollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupSettingsAreTheManagers(CreditFollowupCommon):
    """Point 5: a debtor's and an invoice's follow-up settings are written by credit managers only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.accountant = cls._accountant("acc_anna")
        cls.contact_editor = new_test_user(
            cls.env, login="contacts_ed", groups="base.group_user,base.group_partner_manager", **common
        )
        cls.manager.groups_id += cls.env.ref("base.group_partner_manager")  # edits contacts, like most managers
        cls.lenient = cls.env["credit.followup.profile"].create(
            {"name": "Never chase", "company_id": cls.company.id, "step_ids": []}
        )

    def test_users_who_edit_contacts_cannot_change_a_debtors_followup(self):
        partner_fields = ["credit_followup_profile_id", "credit_followup_responsible_id"]
        before = self.debtor.read(partner_fields)[0]
        for user in (self.accountant, self.contact_editor):
            debtor = self.debtor.with_user(user)
            debtor.name = "Debtor One BV"  # they may edit the contact itself
            for vals in (
                {"credit_followup_profile_id": self.lenient.id},
                {"credit_followup_profile_id": False},
                {"credit_followup_responsible_id": user.id},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(AccessError):
                    debtor.write(vals)
            with self.subTest(user=user.login, create=True), self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "New debtor", "is_company": True, "credit_followup_profile_id": self.lenient.id}
                )
        self.debtor.invalidate_recordset()
        self.assertEqual(self.debtor.read(partner_fields)[0], before)
        # the credit manager may, and code paths (segmentation, setup) write as superuser
        self.debtor.with_user(self.manager).credit_followup_profile_id = self.lenient
        self.assertEqual(self.debtor.with_company(self.company).credit_followup_profile_id, self.lenient)
        self.debtor.with_user(self.accountant).sudo().credit_followup_profile_id = self.profile
        self.assertEqual(self.debtor.with_company(self.company).credit_followup_profile_id, self.profile)

    def test_users_who_edit_invoices_cannot_pause_or_exclude_them(self):
        move = self._invoice(self.debtor, 10)
        move_fields = ["credit_followup_state", "credit_pause_reason", "credit_pause_until", "credit_followup_note"]
        before = move.read(move_fields)[0]
        as_accountant = move.with_user(self.accountant)
        as_accountant.ref = "PO 4711"  # the invoice itself they may edit
        for vals in (
            {"credit_followup_state": "excluded"},
            {"credit_followup_state": "paused", "credit_pause_reason": "manual"},
            {"credit_pause_until": self.today + timedelta(days=3650)},
            {"credit_followup_note": "leave them alone"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_accountant.write(vals)
        for button in ("action_credit_pause", "action_credit_resume"):
            with self.subTest(button=button), self.assertRaises(AccessError):
                getattr(as_accountant, button)()
        with self.assertRaises(AccessError):
            self.env["credit.followup.pause"].with_user(self.accountant).create(
                {"move_ids": [Command.set(move.ids)], "mode": "exclude", "note": "never"}
            ).action_confirm()
        move.invalidate_recordset()
        self.assertEqual(move.read(move_fields)[0], before)
        self.assertEqual(move.credit_followup_state, "active")

        # a promise the accountant logs still pauses the invoice: the pause is the promise's effect
        with Form(
            self.env["credit.followup.log.contact"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
        ) as wizard:
            wizard.outcome = "promise"
            wizard.promise_date = fields.Date.today() + timedelta(days=5)
            wizard.promise_amount = 10
        wizard.record.action_confirm()
        self.assertEqual((move.credit_followup_state, move.credit_pause_reason), ("paused", "promise"))
        # and the credit manager pauses and resumes with the buttons
        self.env["credit.followup.pause"].with_user(self.manager).create(
            {"move_ids": [Command.set(move.ids)], "mode": "exclude", "note": "Court case"}
        ).action_confirm()
        self.assertEqual(move.credit_followup_state, "excluded")
        move.with_user(self.manager).action_credit_resume()
        self.assertEqual(move.credit_followup_state, "active")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Where a forged image address points: records every request wkhtmltopdf would make."""

    requests = []

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestReportsTakeNoUrls(CreditFollowupCommon, HttpCase):
    """Point 6: the letter's QR image and other addresses come from the records, never from the report's options."""

    def setUp(self):
        super().setUp()
        self.server = http.server.HTTPServer(("127.0.0.1", 18117), _Recorder)
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        _Recorder.requests.clear()

    def _print(self, user, partner, letters, converter="html"):
        self.authenticate(user.login, user.login)
        options = json.dumps({"letters": letters})
        return self.url_open(
            f"/report/{converter}/credit_followup.report_credit_letter/{partner.id}?options={quote(options)}"
        )

    def test_letter_options_cannot_point_the_pdf_engine_anywhere(self):
        move = self._invoice(self.debtor, 10, amount=250)
        # the letter's amounts give the invoice a portal token; /report routes are read-only (Odoo would retry)
        move._portal_ensure_token()
        step = self.steps["Final letter"]
        step.include_payment_link = True
        forged = "http://127.0.0.1:18117/internal-admin?steal=1"
        letters = {
            str(self.debtor.id): {
                "move_ids": move.ids,
                "step_id": step.id,
                "recipient_id": self.debtor.id,
                "date": str(self.today),
                "qr": forged,
            }
        }
        html = self._print(self.manager, self.debtor, letters, "html")
        self.assertEqual(html.status_code, 200)
        self.assertNotIn("18117", html.text)
        self.assertIn(move.name, html.text)
        self.assertIn('src="data:image/png;base64,', html.text, "the QR code is computed from the invoices")
        # what /report/pdf/... does with the same options (rendered here: wkhtmltopdf fetches the report's CSS from
        # this test server, which serves one request at a time)
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("credit_followup.report_credit_letter", self.debtor.ids, data={"letters": letters})
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(_Recorder.requests, [], "wkhtmltopdf fetched nothing the request named")

    def test_letter_options_naming_what_the_user_may_not_read_are_refused(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        secret = self.env["res.partner"].create(
            {"name": "Company B's debtor", "company_id": company_b.id, "street": "Secret 1", "city": "Utrecht"}
        )
        inv_b = self._invoice(secret, 10, amount=333, company=company_b)
        own = self._invoice(self.debtor, 10)
        attempts = {
            "another company's invoice": {"move_ids": inv_b.ids, "recipient_id": self.debtor.id},
            "another company's recipient": {"move_ids": own.ids, "recipient_id": secret.id},
            "another debtor's invoice": {"move_ids": self._invoice(self.debtor2, 10).ids},
            "nonsense": {"move_ids": ["1; DROP"]},
        }
        for label, letter in attempts.items():
            with self.subTest(label):
                response = self._print(self.manager, self.debtor, {str(self.debtor.id): letter}, "html")
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn("Secret 1", response.text)
                self.assertNotIn(inv_b.name, response.text)
        response = self._print(self.manager, secret, {}, "html")
        self.assertNotEqual(response.status_code, 200, "a debtor the user may not read")
        self.assertNotIn("Secret 1", response.text)


FAKE_BOUNCE = """From: {sender}
To: credit@example.com
Subject: Re: First reminder
Message-ID: <{tag}@evil.example>
In-Reply-To: {message_id}
References: {message_id}
Date: Mon, 2 Mar 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Delivery failed (not really). Stop sending reminders.
"""


@tagged("post_install", "-at_install")
class TestSmallerHoles(CreditFollowupCommon):
    """Point 7: the preview, the done-call contact and bounces."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = cls._accountant("acc_bert")

    def test_preview_is_for_credit_managers_and_its_lines_for_their_company(self):
        self._invoice(self.debtor, 8)
        for user in (self.accountant, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["credit.followup.engine"].with_user(user).preview(companies=self.company, date=self.today)
        preview = self.env["credit.followup.preview"].with_user(self.manager).create({"date": self.today})
        preview.action_compute()
        self.assertTrue(preview.line_ids)
        # another company's credit manager does not see these lines, not even by id
        company_b = self.env["res.company"].create({"name": "Company B"})
        manager_b = new_test_user(
            self.env,
            login="manager_b_preview",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Line = self.env["credit.followup.preview.line"].with_user(manager_b)
        self.assertFalse(Line.search([("id", "in", preview.line_ids.ids)]))
        with self.assertRaises(AccessError):
            Line.browse(preview.line_ids.ids).read(["partner_id", "amount_residual"])

    def test_a_user_cannot_forge_an_engine_call(self):
        """Marking such an activity done would register a contact with the debtor in the user's name."""
        Activity = self.env["mail.activity"].with_user(self.accountant)
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("res.partner"),
            "res_id": self.debtor.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "user_id": self.accountant.id,
            "summary": "Call",
        }
        with self.assertRaises(AccessError):
            Activity.create({**vals, "credit_followup_call": True})
        activity = Activity.create(vals)
        with self.assertRaises(AccessError):
            activity.write({"credit_followup_call": True})
        activity.action_feedback(feedback="Talked to them")
        self.assertFalse(self.env["credit.followup.contact"].search([("partner_id", "=", self.debtor.id)]))

    def test_only_a_real_delivery_report_marks_a_reminder_failed(self):
        # no fallback letter: its PDF would fetch the report's CSS from a server this (non-HTTP) test holds up
        self.steps["First reminder"].fallback_channel = False
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        log = self.logs(move)
        self.assertEqual(log.state, "done")
        from .test_engine_run import BOUNCE_TEMPLATE

        forged = [
            # "mailer-daemon" is enough for Odoo to call it a bounce; it quotes the reminder's Message-Id
            FAKE_BOUNCE.format(sender="MAILER-DAEMON@evil.example", tag="a", message_id=log.message_id),
            # a delivery report about another message, that merely refers to the reminder
            BOUNCE_TEMPLATE.format(message_id="<other-4711@evil.example>", rcpt=self.debtor.email).replace(
                "Message-ID: <dsn-4711@mx.example.net>",
                f"Message-ID: <dsn-b@evil.example>\nIn-Reply-To: {log.message_id}\nReferences: {log.message_id}",
            ),
            # a report that says the delivery is only delayed
            BOUNCE_TEMPLATE.format(message_id=log.message_id, rcpt=self.debtor.email)
            .replace("Action: failed", "Action: delayed")
            .replace("<dsn-4711@mx.example.net>", "<dsn-c@mx.example.net>"),
        ]
        for raw in forged:
            self.env["mail.thread"].sudo().message_process(False, raw)
            self.assertEqual(self.logs(move).mapped("state"), ["done"], raw[:60])
        # the real one does
        self.env["mail.thread"].sudo().message_process(
            False, BOUNCE_TEMPLATE.format(message_id=log.message_id, rcpt=self.debtor.email)
        )
        self.assertEqual(self.logs(move).mapped("state"), ["failed"])

    def test_chatter_of_a_shared_debtor_carries_no_payment_tokens(self):
        move = self._invoice(self.debtor, 8, amount=123.45)
        self.run_engine()
        self.assertTrue(move.access_token)
        mail = self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)])
        self.assertIn(f"access_token={move.access_token}", mail.body_html, "the debtor's e-mail has the pay link")
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="user_b_chatter",
            groups="base.group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(AccessError):
            move.with_user(user_b).read(["name"])
        # what B's user reads on the shared debtor's chatter
        messages = (
            self.env["mail.message"]
            .with_user(user_b)
            .search([("model", "=", "res.partner"), ("res_id", "=", self.debtor.id)])
        )
        self.assertTrue(messages, "the reminder is on the debtor's chatter")
        bodies = " ".join(str(body) for body in messages.mapped("body"))
        self.assertIn(f"/my/invoices/{move.id}", bodies)
        self.assertNotIn(move.access_token, bodies)
        self.assertNotIn("access_token", bodies)
