from datetime import timedelta

from odoo.tests import tagged

from .common import CreditFollowupCommon


@tagged("post_install", "-at_install")
class TestEngineDecisions(CreditFollowupCommon):
    """The step rules, table-driven: which step an invoice gets on a given day."""

    def decide(self, days_overdue, last_step=None, last_days_ago=None, overdue_total=1000.0, amount=100.0):
        move = self._invoice(self.debtor, days_overdue, amount=amount)
        if last_step:
            move.write(
                {
                    "credit_followup_step_id": self.steps[last_step].id,
                    "credit_followup_date": self.today - timedelta(days=last_days_ago),
                }
            )
        steps = self.profile.step_ids.sorted(lambda s: (s.offset_days, s.sequence, s.id))
        return self.env["credit.followup.engine"]._decide(move, steps, self.today, overdue_total)

    def test_step_table(self):
        # (days overdue, last step, days since last step, overdue total) -> (step executed, next step, reason)
        table = [
            (-10, None, None, 1000, None, "Courtesy", "not_due"),
            (-3, None, None, 1000, "Courtesy", "First reminder", "execute"),
            (-1, None, None, 1000, "Courtesy", "First reminder", "execute"),
            (0, "Courtesy", 3, 1000, None, "First reminder", "not_due"),
            (7, None, None, 1000, "First reminder", "Second reminder", "execute"),  # optional courtesy skipped
            (8, "Courtesy", 11, 1000, "First reminder", "Second reminder", "execute"),
            # late for several steps at once (old ledger): the next one, never a skip of a required step
            (100, None, None, 1000, "First reminder", "Second reminder", "execute"),
            (100, "First reminder", 1, 1000, None, "Second reminder", "min_days"),
            (100, "First reminder", 7, 1000, "Second reminder", "Call", "execute"),
            (100, "Second reminder", 5, 1000, "Call", "Final letter", "execute"),
            (100, "Call", 7, 1000, "Final letter", None, "execute"),
            (100, "Call", 7, 20, None, "Final letter", "min_amount"),  # below the minimum amount, it waits
            (100, "Final letter", 30, 1000, None, None, "final"),
            (22, "First reminder", 15, 1000, "Second reminder", "Call", "execute"),
            (20, "First reminder", 13, 1000, None, "Second reminder", "not_due"),
        ]
        for days, last, ago, total, expect_step, expect_next, reason in table:
            with self.subTest(days=days, last=last, ago=ago, total=total):
                decision = self.decide(days, last, ago, total)
                self.assertEqual(decision.reason, reason)
                self.assertEqual(decision.step.name or None, expect_step)
                self.assertEqual(decision.next_step.name or None, expect_next)

    def test_next_date(self):
        # not due yet: the step's own date
        decision = self.decide(-10)
        self.assertEqual(decision.next_date, self.today + timedelta(days=7))
        # executing the first reminder on an old invoice: the second one waits its minimum days
        decision = self.decide(100)
        self.assertEqual(decision.next_date, self.today + timedelta(days=7))
        # never two steps on the same invoice on the same day, even without a minimum
        self.steps["Second reminder"].min_days_after_previous = 0
        decision = self.decide(100)
        self.assertEqual(decision.next_date, self.today + timedelta(days=1))
        # below the minimum amount: try again tomorrow
        decision = self.decide(100, "Call", 7, overdue_total=10)
        self.assertEqual(decision.next_date, self.today + timedelta(days=1))
