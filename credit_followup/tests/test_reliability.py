"""Issue 12: follow-up that never loops, never sends at the wrong hour or to whoever opted out."""

import threading
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

import odoo
from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.credit_followup.models import credit_followup_engine

from .common import CreditFollowupCommon
from .fake_sms_provider import FakeSmsProvider
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
        mails = self.env["mail.mail"].search(
            ["|", ("email_to", "ilike", self.debtor.email), ("email_to", "ilike", self.debtor2.email)]
        )
        self.assertEqual(len(mails), 2)
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


@tagged("post_install", "-at_install")
class TestPreviewIsTheRun(CreditFollowupCommon, HttpCase):
    """Point 4: on a ledger covering every shipped profile the preview's lines are the run's log rows.

    HttpCase: the run renders letters (wkhtmltopdf fetches the report's assets from the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipped = {}
        for xmlid in ("credit_followup.profile_b2b", "credit_followup.profile_b2c"):
            shipped_sudo = cls.env.ref(xmlid).sudo()  # the shipped profiles belong to the main company
            copy = shipped_sudo.copy({"company_id": cls.company.id, "is_default": False, "name": shipped_sudo.name})
            cls.shipped[xmlid.split("_")[-1]] = copy.sudo(False)

    def step(self, profile, name):
        return self.shipped[profile].step_ids.filtered(lambda s: s.name == name)

    def debtor_with(self, profile, name, **vals):
        partner = self._debtor(name, f"{name.split()[0].lower()}@example.com", **vals)
        partner.with_company(self.company).credit_followup_profile_id = self.shipped[profile]
        return partner

    def invoice_after(self, partner, days_overdue, last_step=None, days_ago=0, amount=100.0):
        move = self._invoice(partner, days_overdue, amount=amount)
        if last_step:
            move.write(
                {
                    "credit_followup_step_id": last_step.id,
                    "credit_followup_date": self.today - timedelta(days=days_ago),
                }
            )
        return move

    def build_ledger(self):
        b2b = [self.debtor_with("b2b", f"Zakelijk{i} BV") for i in range(6)]
        b2c = [self.debtor_with("b2c", f"Consument{i}", is_company=False) for i in range(4)]
        ledger = {
            "courtesy": self.invoice_after(b2b[0], -2),  # optional step before the due date
            "first": self.invoice_after(b2b[0], 8),  # the optional courtesy step is skipped
            "second": self.invoice_after(b2b[1], 22, self.step("b2b", "First reminder"), 15),
            "too_soon": self.invoice_after(b2b[1], 23, self.step("b2b", "First reminder"), 2),
            "approval": self.invoice_after(b2b[2], 50, self.step("b2b", "Phone call"), 10),
            "below_minimum": self.invoice_after(b2b[3], 50, self.step("b2b", "Phone call"), 10, amount=20),
            "final_done": self.invoice_after(b2b[4], 90, self.step("b2b", "Final notice"), 30),
            "paused_expired": self.invoice_after(b2b[5], 8),
            "paused_running": self.invoice_after(b2b[5], 9),
            "not_due": self.invoice_after(b2b[5], -20),
            "b2c_first": self.invoice_after(b2c[0], 4),
            "b2c_sms": self.invoice_after(b2c[1], 11, self.step("b2c", "Payment reminder"), 7),
            "b2c_notice": self.invoice_after(b2c[2], 25, self.step("b2c", "Second reminder"), 8),
            "b2c_final_done": self.invoice_after(b2c[3], 60, self.step("b2c", "Formal 14-day notice"), 20),
        }
        ledger["paused_expired"]._credit_pause("manual", self.today - timedelta(days=2))
        ledger["paused_running"]._credit_pause("manual", self.today + timedelta(days=5))
        return ledger

    def test_preview_lines_are_the_log_rows_of_the_run(self):
        ledger = self.build_ledger()
        Engine = self.env["credit.followup.engine"]
        # a first run plans everything and asks for approval of the final notice: the next preview shows it waiting
        lines = Engine.preview(companies=self.company, date=self.today)
        by_move = {line["move_id"]: line for line in lines}
        expected_actions = {
            "courtesy": "execute",  # due in 2 days: the optional courtesy step (3 days before) is due
            "first": "execute",
            "second": "execute",
            "too_soon": "min_days",
            "approval": "approval",
            "below_minimum": "min_amount",
            "final_done": "final",
            "paused_expired": "execute",
            "not_due": "not_due",
            "b2c_first": "execute",
            "b2c_sms": "execute",
            "b2c_notice": "execute",
            "b2c_final_done": "final",
        }
        self.assertEqual(
            {key: by_move[move.id]["action"] for key, move in ledger.items() if move.id in by_move},
            expected_actions,
        )
        self.assertNotIn(ledger["paused_running"].id, by_move)
        acting = {
            (line["move_id"], line["step_id"], "to_approve" if line["action"] == "approval" else "done")
            for line in lines
            if line["action"] in ("execute", "approval")
        }
        before = self.env["credit.followup.log"].search([]).ids
        self.run_engine()
        written = self.env["credit.followup.log"].search([("id", "not in", before), ("is_fallback", "=", False)])
        self.assertEqual(
            {
                (log.move_id.id, log.step_id.id, "to_approve" if log.state == "to_approve" else "done")
                for log in written
            },
            acting,
            "the preview's lines are exactly the rows the run writes",
        )
        self.assertFalse(written.filtered(lambda log: log.state == "failed"), "the ledger's contact data is complete")
        # the same date again: the preview shows nothing to do, the run does nothing
        again = Engine.preview(companies=self.company, date=self.today)
        self.assertEqual(
            {line["move_id"]: line["action"] for line in again if line["action"] in ("execute", "approval")}, {}
        )
        self.assertEqual(self.run_engine()["invoices"], 0)

    def test_preview_per_profile_keeps_final_steps(self):
        ledger = self.build_ledger()
        Engine = self.env["credit.followup.engine"]
        everything = Engine.preview(companies=self.company, date=self.today)
        for key, profile in self.shipped.items():
            lines = Engine.preview(companies=self.company, date=self.today, profiles=profile)
            partners = {
                line["partner_id"]
                for line in everything
                if self.env["res.partner"]
                .browse(line["partner_id"])
                .with_company(self.company)
                .credit_followup_profile_id
                == profile
            }
            self.assertEqual(
                sorted(line["move_id"] for line in lines),
                sorted(line["move_id"] for line in everything if line["partner_id"] in partners),
                f"profile {key}: every invoice of its debtors, the last step's too",
            )
        final = [line for line in Engine.preview(companies=self.company, profiles=self.shipped["b2b"], date=self.today)]
        self.assertIn(ledger["final_done"].id, [line["move_id"] for line in final])


@tagged("post_install", "-at_install")
class TestHandOver(CreditFollowupCommon):
    """Point 3: long runs hand over instead of being killed."""

    def setUp(self):
        super().setUp()
        # the cron runs every company: other companies' debtors (demo data) are planned for later here, so
        # that the figures below are this test's own
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET credit_followup_planned = TRUE, credit_followup_next_date = '2999-01-01' "
            "WHERE company_id != %s AND move_type = 'out_invoice'",
            [self.company.id],
        )
        self.env.invalidate_all()

    def test_budget_from_the_server_limits(self):
        Engine = self.env["credit.followup.engine"]
        with patch.dict(config.options, {"limit_time_real": 120, "limit_time_real_cron": -1}):
            self.assertEqual(Engine._cron_time_budget(), 90)
        with patch.dict(config.options, {"limit_time_real": 120, "limit_time_real_cron": 1800}):
            self.assertEqual(Engine._cron_time_budget(), 600, "never more than the configured budget")
        with patch.dict(config.options, {"limit_time_real": 120, "limit_time_real_cron": 0}):
            self.assertEqual(Engine._cron_time_budget(), 600, "no limit: the configured budget")
        self.env["ir.config_parameter"].sudo().set_param("credit_followup.cron_time_budget", 60)
        with patch.dict(config.options, {"limit_time_real": 120, "limit_time_real_cron": -1}):
            self.assertEqual(Engine._cron_time_budget(), 60)

    def test_tiny_budget_hands_over_and_nobody_gets_a_step_twice(self):
        debtors = [self._debtor(f"Debtor {i} BV", f"d{i}@example.com") for i in range(5)]
        moves = self.env["account.move"].union(*(self._invoice(debtor, 8) for debtor in debtors))
        cron = self.env.ref("credit_followup.ir_cron_credit_followup_run").sudo()
        Engine = self.env["credit.followup.engine"].sudo()  # the cron runs as the superuser
        progress_log = []
        with (
            patch.object(credit_followup_engine, "BATCH_SIZE", 2),
            patch.dict(config.options, {"limit_time_real": 0.0001, "limit_time_real_cron": -1}),
        ):
            for _call in range(5):
                progress = self.env["ir.cron.progress"].sudo().create({"cron_id": cron.id})
                Engine.with_context(ir_cron_progress_id=progress.id)._cron_run()
                progress_log.append((progress.done, progress.remaining))
                if not progress.remaining:
                    break
        self.assertEqual(progress_log, [(2, 3), (2, 1), (1, 0)], "each call reports what it did and what is left")
        logs = self.logs(moves)
        self.assertEqual(len(logs), 5)
        self.assertEqual(sorted(logs.move_id.ids), sorted(moves.ids), "every invoice got its step once")

    def test_progress_when_every_batch_was_taken_by_another_worker(self):
        debtors = [self._debtor(f"Debtor {i} BV", f"d{i}@example.com") for i in range(3)]
        for debtor in debtors:
            self._invoice(debtor, 8)
        cron = self.env.ref("credit_followup.ir_cron_credit_followup_run").sudo()
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": cron.id})
        Engine = self.env["credit.followup.engine"].sudo()
        # another worker holds the debtors: every batch is skipped
        with (
            patch.object(type(Engine), "_lock_partners", lambda self, ids: self.env["res.partner"]),
            patch.object(credit_followup_engine, "BATCH_SIZE", 2),
            patch.dict(config.options, {"limit_time_real": 0.0001, "limit_time_real_cron": -1}),
        ):
            summary = Engine.with_context(ir_cron_progress_id=progress.id)._cron_run()
        self.assertEqual(summary["partners"], 0)
        self.assertEqual((progress.done, progress.remaining), (2, 1), "done > 0: the cron is called again")


@tagged("post_install", "-at_install")
class TestWhoIsNotChased(CreditFollowupCommon):
    """Points 7 and 9: debtors left out; the worklist and the aging report count days like the engine."""

    def worklist(self, partner):
        return self.env["credit.followup.worklist"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def test_do_not_chase_and_archived_debtors(self):
        move = self._invoice(self.debtor, 8)
        other = self._invoice(self.debtor2, 8)
        self.debtor.write({"credit_no_followup": True, "credit_no_followup_reason": "Insolvency"})
        self.debtor2.action_archive()
        summary = self.run_engine()
        self.assertEqual(summary["invoices"], 0)
        self.assertFalse(self.logs(move | other))
        self.assertFalse(self.worklist(self.debtor) | self.worklist(self.debtor2.with_context(active_test=False)))
        lines = self.env["credit.followup.engine"].preview(companies=self.company, date=self.today)
        self.assertFalse([line for line in lines if line["move_id"] in (move | other).ids])
        report = self.env["credit.report.overdue"].search([("move_id", "in", (move | other).ids)])
        self.assertEqual(len(report), 2, "the reports still show their receivables")
        # an end date: chased again the day after it
        self.debtor.credit_no_followup_until = self.today - timedelta(days=1)
        self.assertTrue(self.worklist(self.debtor))
        self.run_engine()
        self.assertEqual(self.logs(move).step_id, self.steps["First reminder"])

    def test_only_credit_managers_see_and_set_the_exclusion(self):
        for field in ("credit_no_followup", "credit_no_followup_reason", "credit_no_followup_until"):
            self.assertNotIn(field, self.env["res.partner"].with_user(self.salesperson).fields_get([field]))
        with self.assertRaises(AccessError):
            self.debtor.with_user(self.salesperson).read(["credit_no_followup"])
        self.debtor.with_user(self.manager).write({"credit_no_followup": True, "credit_no_followup_reason": "Deceased"})
        self.assertTrue(self.debtor.credit_no_followup)

    def test_worklist_and_aging_count_in_the_company_time_zone(self):
        # a time zone whose date differs from UTC's right now (west of UTC before noon, east after)
        utc_now = fields.Datetime.now()
        tz = "Etc/GMT+12" if utc_now.hour < 12 else "Pacific/Kiritimati"
        self.company.credit_tz = tz
        local_today = self.company._credit_today()
        self.assertNotEqual(local_today, utc_now.date())
        move = self._invoice(self.debtor, (self.today - local_today).days + 1)  # due yesterday, company time
        row = self.env["credit.report.overdue"].search([("move_id", "=", move.id)])
        self.assertEqual(row.days_overdue, 1)
        self.assertEqual(row.age_bucket, "1_30")
        self.assertEqual(self.worklist(self.debtor).oldest_days_overdue, 1)
        self.assertEqual(move.credit_days_overdue, 1)


@tagged("post_install", "-at_install")
class TestDebtorLanguage(CreditFollowupCommon):
    """Point 5: messages in the recipient's language, whoever runs the engine."""

    def test_step_names_in_the_recipient_s_language(self):
        self.steps["First reminder"].with_context(lang="nl_NL").name = "Eerste herinnering"
        self.company.partner_id.lang = "nl_NL"
        no_lang = self._debtor("Zonder Taal BV", "zondertaal@example.com")
        no_lang.lang = False
        for partner in (self.debtor, self.debtor2, no_lang):
            self._invoice(partner, 8)
        self.manager.lang = "nl_NL"  # a Dutch credit manager runs it
        self.env["credit.followup.engine"].with_user(self.manager).run(companies=self.company, date=self.today)

        def subject(partner):
            return self.env["mail.mail"].search([("email_to", "ilike", partner.email)]).subject

        self.assertTrue(subject(self.debtor).startswith("First reminder"), "an English debtor gets English")
        self.assertTrue(subject(self.debtor2).startswith("Eerste herinnering"))
        self.assertTrue(subject(no_lang).startswith("Eerste herinnering"), "no language: the company's")


SMS_PORT = 18161


@tagged("post_install", "-at_install")
class TestSmsFailures(CreditFollowupCommon):
    """Point 2: an SMS that ends in error is a failed reminder, seen on the chatter as in core."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param("sms.endpoint", f"http://127.0.0.1:{SMS_PORT}")
        self.env["iap.account"].sudo().create(  # the company's SMS account (its token goes to the provider)
            {"service_id": self.env.ref("sms.iap_service_sms").id, "account_token": "test-token"}
        )
        self.steps["First reminder"].write({"channel": "sms", "fallback_channel": "email"})

    def send_queue(self):
        """Odoo's SMS sending against the local provider (Odoo refuses to reach IAP in test threads)."""
        sms = self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])
        with patch.object(threading.current_thread(), "testing", False):
            sms.send(auto_commit=False, unlink_sent=False)

    def test_wrong_number_fails_and_falls_back(self):
        move = self._invoice(self.debtor, 8)
        self.run_engine()
        with FakeSmsProvider(SMS_PORT, states={"+31612345678": "wrong_number_format"}) as provider:
            self.send_queue()
        self.assertEqual(len(provider.requests), 1)
        logs = self.logs(move).sorted("is_fallback")
        self.assertEqual([(log.channel, log.state) for log in logs], [("sms", "failed"), ("email", "done")])
        self.assertIn("Wrong Number Format", logs[0].failure_reason)
        notification = self.env["mail.notification"].search([("mail_message_id", "=", logs[0].mail_message_id.id)])
        self.assertEqual(
            (notification.notification_type, notification.notification_status, notification.failure_type),
            ("sms", "exception", "sms_number_format"),
            "the failure shows on the chatter message, as in core",
        )
        self.assertTrue(self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)]))

    def test_delivered_sms_stays_done_and_provider_down_stays_queued(self):
        delivered = self._invoice(self.debtor, 8)
        waiting = self._invoice(self.debtor2, 8)
        self.debtor2.mobile = "+31687654321"
        self.run_engine()
        states = {"+31612345678": "success", "+31687654321": "server_error"}
        with FakeSmsProvider(SMS_PORT, states=states):
            self.send_queue()
        self.assertEqual(self.logs(delivered).state, "done")
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", self.logs(delivered).mail_message_id.id)]
        )
        self.assertEqual(notification.notification_status, "pending", "sent, as in core")
        self.assertEqual(self.logs(waiting).mapped("state"), ["done"], "the provider's trouble is not the debtor's")
        self.assertEqual(self.env["sms.sms"].search([("number", "=", "+31687654321")]).state, "outgoing")
