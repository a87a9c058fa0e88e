from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import CreditFollowupCommon

TODAY = date.today()
# noon: the company's "today" (its time zone, used by the worklist view through Odoo's clock) is TODAY in every zone
NOON = datetime.combine(TODAY, time(12))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestWorkspace(CreditFollowupCommon):
    """The credit manager's workspace: log a contact, promises to pay, the worklist."""

    today = TODAY

    def log_contact(self, moves, **values):
        wizard = Form(
            self.env["credit.followup.log.contact"].with_context(active_model="account.move", active_ids=moves.ids)
        )
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_confirm()

    def worklist(self, partner):
        self.env.invalidate_all()  # a view: its rows change with the invoices, logs and promises
        return self.env["credit.followup.worklist"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def pay(self, move, amount, day):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"payment_date": day, "amount": amount}
        )._create_payments()

    # ------------------------------------------------------------------ log a contact
    def test_log_contact_outcomes(self):
        move = self._invoice(self.debtor, 10)
        subtype = self.env.ref("credit_followup.mt_credit_contact")
        for outcome in ("no_answer", "wrong_contact", "other"):
            with self.subTest(outcome=outcome):
                self.log_contact(move, outcome=outcome, channel="phone", note="<p>tried</p>")
                contact = self.env["credit.followup.contact"].search([("partner_id", "=", self.debtor.id)], limit=1)
                self.assertEqual(contact.outcome, outcome)
                self.assertEqual(contact.move_ids, move)
                self.assertFalse(contact.promise_id)
                self.assertEqual(move.credit_followup_state, "active", "only a promise pauses follow-up")
        messages = move.message_ids.filtered(lambda m: m.subtype_id == subtype)
        self.assertEqual(len(messages), 3)
        self.assertEqual(len(self.debtor.message_ids.filtered(lambda m: m.subtype_id == subtype)), 3)

    def test_default_invoices_are_the_overdue_ones(self):
        overdue = self._invoice(self.debtor, 10)
        self._invoice(self.debtor, -10)  # not due yet
        wizard = Form(
            self.env["credit.followup.log.contact"].with_context(active_model="res.partner", active_id=self.debtor.id)
        )
        self.assertEqual(wizard.move_ids[:], overdue)
        self.assertEqual(wizard.promise_amount, overdue.amount_residual)

    def test_promise_needs_a_date_and_amount(self):
        move = self._invoice(self.debtor, 10)
        Wizard = self.env["credit.followup.log.contact"]
        base = {"partner_id": self.debtor.id, "move_ids": [Command.set(move.ids)], "outcome": "promise"}
        with self.assertRaises(UserError):
            Wizard.create(base).action_confirm()
        with self.assertRaises(UserError):
            Wizard.create(
                {**base, "promise_date": self.today - timedelta(days=1), "promise_amount": 5}
            ).action_confirm()
        self.assertEqual(move.credit_followup_state, "active", "nothing was half-written")
        self.assertFalse(self.env["credit.followup.contact"].search([("partner_id", "=", self.debtor.id)]))

    # ------------------------------------------------------------------ promises
    def test_promise_pauses_then_kept_by_payment(self):
        move = self._invoice(self.debtor, 10, amount=500)
        self.log_contact(move, outcome="promise", promise_date=self.today + timedelta(days=5), promise_amount=500)
        promise = self.env["credit.followup.promise"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(move.credit_followup_state, "paused")
        self.assertEqual(move.credit_pause_reason, "promise")
        self.assertEqual(promise.grace_until, self.today + timedelta(days=8), "3 grace days by default")
        self.assertFalse(self.run_engine()["actions"], "follow-up waits for the promise")
        self.pay(move, 500, self.today + timedelta(days=4))
        self.env["credit.followup.promise"]._cron_check_promises(self.today + timedelta(days=4))
        self.assertEqual(promise.state, "kept")
        self.assertEqual(move.credit_followup_state, "done")

    def test_partial_payment_then_promise_broken_after_grace(self):
        move = self._invoice(self.debtor, 10, amount=500)
        self.debtor.credit_followup_responsible_id = self.manager
        self.log_contact(move, outcome="promise", promise_date=self.today + timedelta(days=5), promise_amount=500)
        promise = self.env["credit.followup.promise"].search([("partner_id", "=", self.debtor.id)])
        self.pay(move, 200, self.today + timedelta(days=5))
        check = self.env["credit.followup.promise"]._cron_check_promises
        check(self.today + timedelta(days=8))  # within the grace period: still open
        self.assertEqual(promise.state, "open")
        check(self.today + timedelta(days=9))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(self.debtor.credit_broken_promise_count, 1)
        self.assertEqual(move.credit_followup_state, "active", "follow-up resumes where it was")
        self.assertEqual(promise.activity_ids.user_id, self.manager)
        summary = self.run_engine(self.today + timedelta(days=9))
        self.assertEqual(summary["actions"], {"email": 1})
        self.assertIn("300.00", self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)]).body_html)
        self.assertEqual(self.worklist(self.debtor).broken_promise_count, 1)

    # ------------------------------------------------------------------ worklist
    def test_worklist_rows_and_execute(self):
        move = self._invoice(self.debtor, 10, amount=300)
        self._invoice(self.debtor, 40, amount=200)
        self.debtor.credit_followup_responsible_id = self.manager
        self.run_engine(self.today - timedelta(days=8))  # eight days ago: a courtesy mail and a first reminder
        row = self.worklist(self.debtor)
        self.assertEqual(row.amount_overdue, 500)
        self.assertEqual(row.oldest_days_overdue, 40)
        self.assertEqual(row.step_id, self.steps["First reminder"], "the highest step reached")
        self.assertEqual(row.responsible_id, self.manager)
        self.assertEqual(row.profile_id, self.profile)
        due_rows = self.env["credit.followup.worklist"].search(
            [("next_date", "<=", self.today), ("company_id", "=", self.company.id)]
        )
        self.assertIn(row, due_rows, "the older invoice's second reminder is due today")
        row.action_execute()
        self.assertEqual(self.logs(move).step_id, self.steps["Courtesy"] | self.steps["First reminder"])
        self.assertEqual(self.worklist(self.debtor).step_id, self.steps["Second reminder"])

    def test_worklist_approve(self):
        self.steps["First reminder"].needs_approval = True
        move = self._invoice(self.debtor, 10)
        self.run_engine()
        row = self.worklist(self.debtor)
        self.assertEqual((row.approval_count, row.status), (1, "approval"))
        row.action_approve()
        self.assertEqual(self.logs(move).state, "done")
        self.assertEqual(self.worklist(self.debtor).approval_count, 0)

    def test_worklist_skip_moves_to_the_following_step(self):
        move = self._invoice(self.debtor, 10)
        self.run_engine(self.today - timedelta(days=5))  # not due yet then: next step planned
        self.worklist(self.debtor).action_skip()
        skipped = self.logs(move).filtered(lambda log: log.state == "skipped")
        self.assertEqual(skipped.step_id, self.steps["First reminder"])
        self.assertEqual(move.credit_followup_step_id, self.steps["First reminder"])
        summary = self.run_engine(self.today + timedelta(days=11))
        self.assertEqual(summary["actions"], {"email": 1})
        self.assertEqual(
            self.logs(move)[-1].step_id, self.steps["Second reminder"], "the run after a skip takes the step after it"
        )

    def test_worklist_postpone(self):
        move = self._invoice(self.debtor, 10)
        action = self.worklist(self.debtor).action_postpone()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.date = self.today + timedelta(days=6)
        wizard.reason = "customer waits for a credit note"
        wizard.save().action_confirm()
        self.assertFalse(self.run_engine()["actions"])
        self.assertFalse(self.run_engine(self.today + timedelta(days=5))["actions"])
        self.assertEqual(self.run_engine(self.today + timedelta(days=6))["actions"], {"email": 1})
        self.assertTrue(any("credit note" in (m.body or "") for m in move.message_ids), "the reason is on the invoice")

    # ------------------------------------------------------------------ access
    def test_access(self):
        reporter = new_test_user(
            self.env,
            login="reporter",
            groups="base.group_user,credit_followup.group_credit_reporting",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        resolver = new_test_user(
            self.env,
            login="resolver",
            groups="base.group_user,credit_followup.group_credit_dispute_resolver",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        move = self._invoice(self.debtor, 10)
        self.log_contact(move, outcome="promise", promise_date=self.today + timedelta(days=5), promise_amount=10)
        promise = self.env["credit.followup.promise"].search([("partner_id", "=", self.debtor.id)])
        self.assertTrue(promise.with_user(reporter).read(["state"]), "reporting users read")
        with self.assertRaises(AccessError):
            promise.with_user(reporter).write({"amount": 1})
        with self.assertRaises(AccessError):
            self.env["credit.followup.worklist"].with_user(resolver).search([])
        with self.assertRaises(AccessError):
            self.env["credit.followup.worklist"].with_user(reporter).search([])
