from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditDisputeCommon

NOTHING = {"reminded_before": 0, "reminded_after": 0, "escalated": 0}


@tagged("post_install", "-at_install")
class TestDisputeSla(CreditDisputeCommon):
    """The daily SLA cron: remind before the deadline, every N days after it, escalate after M days.

    Company settings: remind 2 days before, every 3 days after, escalate 4 days after the deadline.
    Disputes open on 2 March 2026 with 10 days to resolve: deadline Thursday 12 March.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_dispute_remind_before_days": 2,
                "credit_dispute_remind_days": 3,
                "credit_dispute_escalate_days": 4,
            }
        )
        cls.category = cls.env["credit.issue.category"].create(
            {
                "name": "Goods damaged",
                "code": "SLA_TEST",
                "company_id": cls.company.id,
                "resolve_days": 10,
                "responsible_user_id": cls.resolver.id,
            }
        )
        cls.solve_type = cls.env.ref("credit_dispute.mail_activity_type_credit_dispute")
        cls.escalated_type = cls.env.ref("credit_dispute.mail_activity_type_credit_dispute_escalated")
        cls.reminder_subtype = cls.env.ref("credit_dispute.mt_credit_dispute_reminder")
        # every credit manager of the company: Carla and the test user (credit manager by default)
        cls.managers = cls.manager | cls.env.user

    def _dispute(self, **vals):
        move = self._invoice(self.debtor, 10, 250.0)
        with freeze_time(self.today):
            return self.env["credit.dispute"].create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(move.ids)],
                    "category_id": self.category.id,
                    "date_open": self.today,
                    **vals,
                }
            )

    def _run(self, day, times=1):
        with freeze_time(day):
            for _i in range(times):
                result = self.env["credit.dispute"]._cron_remind_sla(companies=self.company)
        return result

    def _reminders(self, dispute):
        return self.env["mail.message"].search(
            [
                ("model", "=", "credit.dispute"),
                ("res_id", "=", dispute.id),
                ("subtype_id", "=", self.reminder_subtype.id),
            ],
            order="id",
        )

    def _activities(self, dispute, activity_type):
        return dispute.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    # ------------------------------------------------------------------ schedule
    def test_schedule_over_three_weeks(self):
        """Run every day (twice) from the opening to 24 March: reminders and escalation on the expected days."""
        dispute = self._dispute()
        self.assertEqual(dispute.date_deadline, date(2026, 3, 12))
        self.assertEqual(dispute.user_id, self.resolver)
        reminded_on, escalated_on = [], []
        day = self.today
        while day <= date(2026, 3, 24):
            before = len(self._reminders(dispute))
            self._run(day, times=2)
            if dispute.sla_last_reminder_date == day:
                reminded_on.append(day)
            if dispute.sla_escalated_date == day:
                escalated_on.append(day)
            self.assertLessEqual(len(self._reminders(dispute)) - before, 2, "one reminder and one escalation a day")
            self.assertEqual(len(self._activities(dispute, self.solve_type)), 1, f"one 'Solve dispute' on {day}")
            day += timedelta(days=1)
        self.assertEqual(
            reminded_on,
            [date(2026, 3, 10), date(2026, 3, 15), date(2026, 3, 18), date(2026, 3, 21), date(2026, 3, 24)],
            "2 days before the deadline, then 3, 6, 9 and 12 days after it",
        )
        self.assertEqual(escalated_on, [date(2026, 3, 16)], "escalated once, 4 days after the deadline")
        self.assertEqual(len(self._reminders(dispute)), 6, "5 reminders and 1 escalation line, none duplicated")
        self.assertEqual(len(self._activities(dispute, self.escalated_type)), 2, "one activity per credit manager")

    def test_reminder_before_deadline_updates_the_activity(self):
        dispute = self._dispute()
        activity = self._activities(dispute, self.solve_type)
        self.assertEqual(len(activity), 1, "the responsible got an activity when the dispute was opened")
        self.assertEqual(self._run(date(2026, 3, 9)), NOTHING, "3 days before the deadline: too early")
        self.assertFalse(self._reminders(dispute))

        self.assertEqual(self._run(date(2026, 3, 10), times=2), NOTHING)  # second run of the day: nothing to do
        self.assertEqual(self._activities(dispute, self.solve_type), activity, "the same activity, updated")
        self.assertEqual(activity.user_id, self.resolver)
        self.assertEqual(activity.date_deadline, date(2026, 3, 12), "due on the dispute's deadline")
        self.assertIn(dispute.name, activity.summary)
        self.assertIn("03/12/2026", activity.summary)
        self.assertIn(self.debtor.name, str(activity.note))
        line = self._reminders(dispute)
        self.assertEqual(len(line), 1)
        self.assertIn("Reminder sent to Rita Resolver", line.body)
        self.assertEqual(line.partner_ids, self.resolver.partner_id, "the reminder notifies the responsible")
        mails = self.env["mail.mail"].search([("mail_message_id", "=", line.id)])
        self.assertEqual(mails.mapped("state"), ["outgoing"], "e-mail queued, not sent by the cron")

        self.assertEqual(self._run(date(2026, 3, 11)), NOTHING, "the next day: nothing")
        self.assertEqual(self._run(date(2026, 3, 12)), NOTHING, "the deadline itself: nothing")
        self.assertEqual(len(self._reminders(dispute)), 1)

    def test_first_run_of_the_day_counts(self):
        dispute = self._dispute()
        self.assertEqual(self._run(date(2026, 3, 10)), {"reminded_before": 1, "reminded_after": 0, "escalated": 0})
        self.assertEqual(dispute.sla_last_reminder_date, date(2026, 3, 10))

    def test_reminders_after_the_deadline(self):
        dispute = self._dispute()
        self._run(date(2026, 3, 10))
        for day in (date(2026, 3, 13), date(2026, 3, 14)):
            self._run(day)
            self.assertEqual(len(self._reminders(dispute)), 1, f"{day}: less than 3 days past the deadline")
        self._run(date(2026, 3, 15), times=2)
        activity = self._activities(dispute, self.solve_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, date(2026, 3, 15), "back on the responsible's list of today")
        self.assertIn("past its deadline", activity.summary)
        lines = self._reminders(dispute)
        self.assertEqual(len(lines), 2)
        self.assertIn("has passed", lines[-1].body)
        # a day missed (server down on the 18th): caught up once on the 19th, then 3 days later
        self._run(date(2026, 3, 19), times=2)
        self._run(date(2026, 3, 21))
        self.assertEqual(len(self._reminders(dispute).filtered(lambda m: "Reminder" in m.body)), 3)
        self._run(date(2026, 3, 22))
        self.assertEqual(dispute.sla_last_reminder_date, date(2026, 3, 22))

    def test_deleted_activity_is_recreated_on_the_next_reminder(self):
        dispute = self._dispute()
        self._activities(dispute, self.solve_type).unlink()
        self._run(date(2026, 3, 9))
        self.assertFalse(self._activities(dispute, self.solve_type), "no reminder due: nothing recreated")
        self._run(date(2026, 3, 10), times=2)
        activity = self._activities(dispute, self.solve_type)
        self.assertEqual(len(activity), 1)
        self.assertEqual((activity.user_id, activity.date_deadline), (self.resolver, date(2026, 3, 12)))
        # marked done without closing the dispute: it comes back after the deadline
        activity.action_feedback(feedback="Called the customer")
        self._run(date(2026, 3, 15))
        self.assertEqual(len(self._activities(dispute, self.solve_type)), 1)

    # ------------------------------------------------------------------ escalation
    def test_escalation_to_the_credit_managers(self):
        dispute = self._dispute()
        self._run(date(2026, 3, 15))
        self.assertFalse(self._activities(dispute, self.escalated_type), "3 days past the deadline: not yet")

        self.assertEqual(self._run(date(2026, 3, 16))["escalated"], 1)
        self.assertEqual(self._run(date(2026, 3, 16))["escalated"], 0, "the second run of the day does nothing")
        escalations = self._activities(dispute, self.escalated_type)
        self.assertEqual(escalations.user_id, self.managers, "one activity for each credit manager")
        self.assertEqual(len(escalations), len(self.managers))
        self.assertEqual(set(escalations.mapped("date_deadline")), {date(2026, 3, 16)})
        self.assertIn(dispute.name, escalations[0].summary)
        self.assertIn("Rita Resolver", str(escalations[0].note), "the managers see who is responsible")
        self.assertEqual(len(self._activities(dispute, self.solve_type)), 1, "the responsible keeps one activity")
        line = self._reminders(dispute).filtered(lambda m: "Escalated" in m.body)
        self.assertEqual(len(line), 1)
        for manager in self.managers:
            self.assertIn(manager.name, line.body)
        self.assertEqual(line.partner_ids, self.managers.partner_id)

        for day in (date(2026, 3, 17), date(2026, 3, 18), date(2026, 3, 25)):
            self._run(day, times=2)
        self.assertEqual(len(self._activities(dispute, self.escalated_type)), len(self.managers), "no duplicates")
        self.assertEqual(len(self._reminders(dispute).filtered(lambda m: "Escalated" in m.body)), 1, "escalated once")
        self.assertEqual(dispute.sla_escalated_date, date(2026, 3, 16))

    def test_escalation_skips_the_responsible_and_other_companies(self):
        other = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="other_manager",
            name="Otto Other",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        dispute = self._dispute(user_id=self.manager.id)  # Carla is responsible herself
        self._run(date(2026, 3, 16))
        escalations = self._activities(dispute, self.escalated_type)
        self.assertEqual(escalations.user_id, self.env.user, "not to the responsible, not to another company")
        self.assertNotIn(outsider, escalations.user_id)

    def test_closing_ends_the_escalation(self):
        dispute = self._dispute()
        self._run(date(2026, 3, 16))
        self.assertTrue(self._activities(dispute, self.escalated_type))
        with freeze_time(date(2026, 3, 17)):
            dispute.action_close("resolved", note="Credit note sent")
        self.assertFalse(dispute.activity_ids, "the responsible's and the managers' activities are done")
        cancelled = self._dispute()
        self._run(date(2026, 3, 16))
        self.assertTrue(self._activities(cancelled, self.escalated_type))
        cancelled.action_cancel()
        self.assertFalse(cancelled.activity_ids)

    def test_later_deadline_restarts_the_schedule(self):
        dispute = self._dispute()
        self._run(date(2026, 3, 16))
        self.assertEqual(dispute.sla_escalated_date, date(2026, 3, 16))
        dispute.date_deadline = date(2026, 3, 25)  # the manager gives the responsible more time
        self.assertEqual(self._run(date(2026, 3, 22)), NOTHING)
        self.assertEqual(self._run(date(2026, 3, 23))["reminded_before"], 1, "2 days before the new deadline")
        self.assertEqual(self._run(date(2026, 3, 29))["escalated"], 1, "4 days after the new deadline")
        self.assertEqual(len(self._activities(dispute, self.escalated_type)), len(self.managers), "updated, not added")

    # ------------------------------------------------------------------ what is never reminded
    def test_closed_disputes_are_never_reminded(self):
        resolved = self._dispute()
        rejected = self._dispute()
        cancelled = self._dispute()
        with freeze_time(date(2026, 3, 5)):
            resolved.action_close("resolved")
            rejected.action_close("rejected")
            cancelled.action_cancel()
        for day in (date(2026, 3, 10), date(2026, 3, 15), date(2026, 3, 16), date(2026, 3, 30)):
            self.assertEqual(self._run(day), NOTHING)
        for dispute in resolved | rejected | cancelled:
            self.assertFalse(self._reminders(dispute))
            self.assertFalse(dispute.activity_ids)
            self.assertFalse(dispute.sla_last_reminder_date or dispute.sla_escalated_date)

    def test_zero_disables_reminders_after_the_deadline_and_escalation(self):
        self.company.write({"credit_dispute_remind_days": 0, "credit_dispute_escalate_days": 0})
        dispute = self._dispute()
        for day in (date(2026, 3, 10), date(2026, 3, 15), date(2026, 3, 16), date(2026, 4, 30)):
            self._run(day)
        self.assertEqual(len(self._reminders(dispute)), 1, "only the reminder before the deadline")
        self.assertFalse(self._activities(dispute, self.escalated_type))

    def test_the_daily_cron_job(self):
        dispute = self._dispute()
        cron = self.env.ref("credit_dispute.ir_cron_credit_dispute_sla")
        self.assertEqual((cron.interval_number, cron.interval_type, cron.active), (1, "days", True))
        with freeze_time(date(2026, 3, 16)):
            cron.sudo().method_direct_trigger()
            cron.sudo().method_direct_trigger()
        self.assertEqual(dispute.sla_last_reminder_date, date(2026, 3, 16))
        self.assertEqual(len(self._reminders(dispute)), 2, "one reminder and one escalation")
        self.assertEqual(len(self._activities(dispute, self.escalated_type)), len(self.managers))
