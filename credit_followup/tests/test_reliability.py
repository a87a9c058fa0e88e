"""Issue 12: follow-up that never loops, never sends at the wrong hour or to whoever opted out."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

import odoo
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CreditFollowupCommon
from .fake_smtp import FakeSmtpServer
from .test_engine_run import BOUNCE_TEMPLATE


@tagged("post_install", "-at_install")
class TestCompanyClock(CreditFollowupCommon):
    """One "today" and the sending hours, in the company's time zone."""

    def test_today_is_the_company_day_around_midnight(self):
        self.company.credit_tz = "Europe/Amsterdam"
        # 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam
        with freeze_time("2026-03-01 23:30:00"):
            self.assertEqual(self.company._credit_today(), date(2026, 3, 2))
            self.assertEqual(self.company.with_user(self.manager)._credit_today(), date(2026, 3, 2))
        self.company.credit_tz = "America/New_York"
        with freeze_time("2026-03-02 03:00:00"):  # 22:00 on 1 March in New York
            self.assertEqual(self.company._credit_today(), date(2026, 3, 1))

    def test_engine_and_promise_cron_use_the_company_day(self):
        self.company.credit_tz = "Europe/Amsterdam"
        move = self._invoice(self.debtor, 0)  # due on cls.today (2 March)
        move.invoice_date_due = date(2026, 3, 1) - timedelta(days=7)  # First reminder due on 1 March
        move.invoice_date_due = date(2026, 3, 2) - timedelta(days=7)  # ... due on 2 March (Amsterdam)
        # 23:30 UTC on 1 March: the database's and UTC's date is still 1 March, Amsterdam's is 2 March
        with freeze_time("2026-03-01 23:30:00"):
            summary = self.env["credit.followup.engine"].run(companies=self.company)
        self.assertEqual(summary["date"], "2026-03-02")
        self.assertEqual(self.logs(move).step_id, self.steps["First reminder"])
        promise = self.env["credit.followup.promise"].create(
            {
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(move.ids)],
                "amount": move.amount_residual,
                "date": date(2026, 2, 20),
            }
        )
        grace = promise.grace_until
        midnight_utc = datetime.combine(grace + timedelta(days=1), datetime.min.time()) - timedelta(minutes=30)
        with freeze_time(midnight_utc):  # 00:30 in Amsterdam the day after the grace period: broken
            _kept, broken = self.env["credit.followup.promise"]._cron_check_promises()
        self.assertEqual(broken, promise)

    def test_sending_hours(self):
        self.company.write({"credit_tz": "Europe/Amsterdam", "credit_quiet_hours_start": 8.0})
        company = self.company
        # winter: Amsterdam is UTC+1
        inside = datetime(2026, 3, 2, 12, 0)
        self.assertEqual(company._credit_send_after(inside), inside)
        self.assertEqual(company._credit_send_after(datetime(2026, 3, 2, 21, 30)), datetime(2026, 3, 3, 7, 0))
        self.assertEqual(company._credit_send_after(datetime(2026, 3, 2, 2, 0)), datetime(2026, 3, 2, 7, 0))
        self.assertEqual(company._credit_send_after(datetime(2026, 3, 2, 19, 59)), datetime(2026, 3, 2, 19, 59))
        self.assertEqual(company._credit_send_after(datetime(2026, 3, 2, 20, 0)), datetime(2026, 3, 3, 7, 0))
        # summer time: UTC+2
        self.assertEqual(company._credit_send_after(datetime(2026, 7, 1, 3, 0)), datetime(2026, 7, 1, 6, 0))
        with self.assertRaises(ValidationError):
            company.credit_quiet_hours_end = 7.0

    def test_default_time_zone_is_the_first_administrator_s(self):
        admin = self.env.ref("base.user_admin")
        admin.tz = "Asia/Tokyo"
        admins = self.env.ref("base.group_system").users.filtered(lambda u: u.tz and u.id != 1).sorted("id")
        company = self.env["res.company"].create({"name": "New BV"})
        self.assertEqual(company.credit_tz, admins[:1].tz)
        self.assertEqual((company.credit_quiet_hours_start, company.credit_quiet_hours_end), (8.0, 21.0))


@tagged("post_install", "-at_install")
class TestOptOuts(CreditFollowupCommon):
    def test_blacklisted_email_is_never_sent_to_and_falls_back(self):
        self.env["mail.blacklist"].sudo()._add("debtor1@example.com")
        self.steps["First reminder"].fallback_channel = "sms"
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        self.assertFalse(self.env["mail.mail"].search([("email_to", "ilike", "debtor1@example.com")]))
        logs = self.logs(move)
        primary = logs.filtered(lambda log: not log.is_fallback)
        self.assertEqual(primary.state, "failed")
        self.assertIn("opted out", primary.failure_reason)
        self.assertEqual(logs.filtered("is_fallback").channel, "sms", "the step's fallback channel is used")
        self.assertEqual(self.env["sms.sms"].search([("partner_id", "=", self.debtor.id)]).state, "outgoing")

    def test_blacklisted_number_is_never_sent_to(self):
        self.steps["First reminder"].write({"channel": "sms", "fallback_channel": "email"})
        self.env["phone.blacklist"].sudo().add("+31612345678")
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        self.assertFalse(self.env["sms.sms"].search([("number", "=", "+31612345678")]))
        logs = self.logs(move)
        self.assertEqual(logs.filtered(lambda log: not log.is_fallback).state, "failed")
        self.assertIn("opted out", logs.filtered(lambda log: not log.is_fallback).failure_reason)
        self.assertEqual(logs.filtered("is_fallback").mapped("channel"), ["email"])
        self.assertEqual(logs.filtered("is_fallback").state, "done")
        self.assertEqual(self.debtor._credit_opted_out("sms"), self.debtor)
        self.debtor2.mobile = "+31687654321"
        self.assertFalse(self.debtor2._credit_opted_out("sms") | self.debtor2._credit_opted_out("email"))

    def test_sms_decided_at_night_waits_for_the_morning(self):
        self.company.write({"credit_tz": "Europe/Amsterdam"})
        self.steps["First reminder"].write({"channel": "sms", "fallback_channel": False})
        self._invoice(self.debtor, 8)
        Sms = self.env["sms.sms"].sudo()  # the SMS queue runs as the superuser
        queued = []
        send = type(Sms).send

        def spy(records, *args, **kwargs):
            queued.extend(records.ids)
            return send(records, *args, **kwargs)

        with freeze_time("2026-03-02 02:00:00"), patch.object(type(Sms), "send", spy):  # 03:00 in Amsterdam
            self.run_engine()
            sms = Sms.search([("number", "=", "+31612345678")])
            self.assertEqual(sms.credit_send_after, datetime(2026, 3, 2, 7, 0))
            self.assertEqual(sms.body and sms.state, "outgoing")
            Sms._process_queue()
            self.assertNotIn(sms.id, queued, "not sent at night")
        with freeze_time("2026-03-02 07:01:00"), patch.object(type(Sms), "send", spy):  # 08:01 in Amsterdam
            Sms._process_queue()
            self.assertIn(sms.id, queued, "sent in the morning")


SMTP_PORT = 18160


@tagged("post_install", "-at_install")
class TestFailuresEnd(CreditFollowupCommon):
    """Point 1: a failed fallback ends the chain and never breaks Odoo's mail queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        MailServer = cls.env["ir.mail_server"].sudo()  # an administrator's setting
        MailServer.search([]).active = False
        cls.mail_server = MailServer.create(
            {
                "name": "Local MTA",
                "smtp_host": "127.0.0.1",
                "smtp_port": SMTP_PORT,
                "smtp_encryption": "none",
                "smtp_authentication": "login",
            }
        )
        shipped_sudo = cls.env.ref("credit_followup.profile_b2c").sudo()  # the shipped profile of another company
        cls.b2c = shipped_sudo.copy({"company_id": cls.company.id, "is_default": False, "name": "B2C consumers"})
        cls.b2c = cls.b2c.sudo(False)
        cls.b2c_steps = {step.name: step for step in cls.b2c.step_ids}
        cls.consumer = cls.env["res.partner"].create(
            {"name": "Connie Consumer", "email": "bounce@example.org", "street": "Kerkstraat 1", "city": "Utrecht"}
        )
        cls.consumer.with_company(cls.company).credit_followup_profile_id = cls.b2c

    def queue_run(self):
        """One run of Odoo's mail queue against the local MTA (Odoo does not connect in test mode otherwise)."""
        with patch.object(odoo.modules.module, "current_test", None), mute_logger("odoo.addons.mail.models.mail_mail"):
            self.env["mail.mail"].sudo().process_email_queue()

    def test_failed_fallback_ends_the_chain_and_the_queue_goes_on(self):
        sms_step = self.b2c_steps["Reminder by SMS"]
        move = self._invoice(self.consumer, 10)  # the SMS step is due; the consumer has no mobile number
        move.write(
            {
                "credit_followup_step_id": self.b2c_steps["Payment reminder"].id,
                "credit_followup_date": self.today - timedelta(days=7),
            }
        )
        other = self._invoice(self.debtor, 8)  # another debtor's reminder, in the same queue run
        self.run_engine()
        logs = self.logs(move)
        self.assertEqual(
            [(log.channel, log.state, log.is_fallback) for log in logs.sorted("is_fallback")],
            [("sms", "failed", False), ("email", "done", True)],
            "no mobile number: the SMS step falls back to e-mail",
        )
        fallback = logs.filtered("is_fallback")
        with FakeSmtpServer(SMTP_PORT, bouncing=["bounce@example.org"]) as mta:
            for _run in range(10):
                self.queue_run()
                raw = BOUNCE_TEMPLATE.format(message_id=fallback.message_id, rcpt="bounce@example.org")
                with mute_logger("odoo.addons.mail.models.mail_thread"):
                    self.env["mail.thread"].sudo().message_process(False, raw)
        mails = self.env["mail.mail"].search([("email_to", "ilike", "bounce@example.org")])
        self.assertEqual(len(mails), 1, "one fallback e-mail, never sent again")
        self.assertEqual(mails.state, "exception")
        self.assertEqual(self.logs(move).mapped("state"), ["failed", "failed"])
        self.assertEqual(self.logs(move).step_id, sms_step)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.consumer.id)]
        )
        self.assertEqual(len(activities), 1, "one activity: fix the contact data")
        self.assertIn("Fix contact data", activities.summary)
        self.assertIn("debtor1@example.com", mta.recipients(), "the other reminder in the queue was sent")
        self.assertEqual(self.logs(other).state, "done")
        self.assertEqual(self.env["mail.mail"].search([("email_to", "ilike", "debtor1@example.com")]).state, "sent")
        # the next run the same day and the next days until the next step: nothing new
        self.run_engine(day=self.today + timedelta(days=3))
        self.assertEqual(len(self.logs(move)), 2)

    def test_refused_recipient_falls_back_once(self):
        self.consumer.email = "bounce@example.org"
        move = self._invoice(self.consumer, 3)  # B2C payment reminder by e-mail, fallback SMS
        self.consumer.mobile = "+31611112222"
        self.run_engine()
        with FakeSmtpServer(SMTP_PORT, bouncing=["bounce@example.org"]):
            for _run in range(3):
                self.queue_run()
        logs = self.logs(move).sorted("is_fallback")
        self.assertEqual([(log.channel, log.state) for log in logs], [("email", "failed"), ("sms", "done")])
        self.assertIn("550", logs[0].failure_reason)
        self.assertEqual(len(self.env["sms.sms"].search([("number", "=", "+31611112222")])), 1)

    def test_server_down_is_not_the_debtor_s_failure(self):
        moves = self._invoice(self.debtor, 8) | self._invoice(self.debtor2, 8)
        self.run_engine()
        for _run in range(3):
            self.queue_run()  # nothing listens on the port: connection refused
        mails = self.env["mail.mail"].search([("email_to", "ilike", "@example.com")])
        self.assertEqual(set(mails.mapped("state")), {"outgoing"}, "still queued, tried again at the next run")
        self.assertEqual(set(self.logs(moves).mapped("state")), {"done"})
        self.assertFalse(self.logs(moves).filtered("is_fallback"), "no fallback letters for everybody")
        with FakeSmtpServer(SMTP_PORT) as mta:
            self.queue_run()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(sorted(mta.recipients()), ["debtor1@example.com", "debtor2@example.com"])

    def test_failure_handler_never_raises_into_the_queue(self):
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        log = self.logs(move)
        # a fallback log row already exists (e.g. written by another worker): the handler must not crash
        self.env["credit.followup.log"].sudo().create(
            {
                "move_id": move.id,
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "step_id": log.step_id.id,
                "channel": "letter",
                "state": "done",
                "date": self.today,
                "is_fallback": True,
            }
        )
        self.assertTrue(log._credit_mark_failed("550 user unknown"))
        self.assertEqual(log.state, "failed")
        self.assertFalse(log._credit_mark_failed("again"), "a failed row is not failed twice")
