import calendar
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditFollowupCommon

REPORTS = ("credit.report.overdue", "credit.report.dso", "credit.report.step")


@tagged("post_install", "-at_install")
class TestReporting(CreditFollowupCommon):
    """The reports are SQL views on the company's real "today" (its follow-up time zone, not the database's
    UTC date): the data is built around that date, so the tests hold at any hour, midnight included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.company._credit_today()

    def pay(self, move, day, amount=None):
        vals = {"payment_date": day}
        if amount is not None:
            vals["amount"] = amount
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            vals
        )._create_payments()

    def report(self, model, domain=()):
        self.env.flush_all()
        self.env.invalidate_all()  # views: their rows change with the invoices, logs and payments
        return self.env[model].search([("company_id", "=", self.company.id), *domain])

    def invoice_on(self, invoice_date, amount, partner=None, **vals):
        """A customer invoice dated ``invoice_date``, due 30 days later."""
        days_overdue = (self.today - invoice_date).days - 30
        return self._invoice(partner or self.debtor, days_overdue, amount, invoice_date=invoice_date, **vals)

    # ------------------------------------------------------------------ overdue by age
    def test_overdue_age_buckets(self):
        profile2 = self.env["credit.followup.profile"].create({"name": "Key accounts", "company_id": self.company.id})
        self.debtor2.with_company(self.company).credit_followup_profile_id = profile2
        amounts = {-5: 100, 0: 50, 10: 200, 30: 1000, 31: 70, 45: 300, 75: 400, 120: 500, 200: 600}
        moves = {days: self._invoice(self.debtor, days, amount) for days, amount in amounts.items()}
        self.pay(moves[30], self.today, 250)  # partly paid: 750 stays open
        self.pay(self._invoice(self.debtor, 10, 999), self.today)  # paid: not in the report
        self._invoice(self.debtor, 10, 888, post=False)  # draft: not in the report
        key_account = self._invoice(self.debtor2, 45, 1234)
        moves[75].credit_followup_step_id = self.steps["Second reminder"]
        moves[120].credit_followup_step_id = self.steps["Second reminder"]

        rows = self.report("credit.report.overdue")
        self.assertEqual(len(rows), 10)
        Report = self.env["credit.report.overdue"]
        domain = [("company_id", "=", self.company.id)]
        by_bucket = Report._read_group(domain, ["age_bucket"], ["__count", "amount_residual:sum"])
        self.assertEqual(
            by_bucket,
            [
                ("not_due", 2, 150.0),
                ("1_30", 2, 950.0),
                ("31_60", 3, 1604.0),
                ("61_90", 1, 400.0),
                ("91_180", 1, 500.0),
                ("over_180", 1, 600.0),
            ],
            "one group per bucket, in age order; 0 days is not due, 30 days is 1–30, 31 days is 31–60",
        )
        by_profile = dict(Report._read_group(domain, ["profile_id"], ["amount_residual:sum"]))
        self.assertEqual(by_profile, {self.profile: 2970.0, profile2: 1234.0}, "own profile, else the default")
        by_step = dict(Report._read_group(domain, ["step_id"], ["amount_residual:sum"]))
        self.assertEqual(by_step[self.steps["Second reminder"]], 900.0)
        row = rows.filtered(lambda r: r.move_id == moves[200])
        self.assertEqual(
            (row.days_overdue, row.date_due, row.user_id, row.partner_id, row.currency_id, row.followup_state),
            (200, self.today - timedelta(days=200), self.salesperson, self.debtor, self.company.currency_id, "active"),
        )
        self.assertEqual(rows.filtered(lambda r: r.move_id == moves[-5]).days_overdue, 0, "not due: 0 days")
        self.assertEqual(rows.filtered(lambda r: r.move_id == key_account).profile_id, profile2)
        self.assertEqual(Report._read_group(domain, [], ["days_overdue:max"]), [(200,)])
        # the pivot's query (eager, two levels): buckets still in age order
        groups = Report.read_group(domain, ["amount_residual:sum"], ["age_bucket", "partner_id"], lazy=False)
        self.assertEqual(
            [(g["age_bucket"], g["partner_id"][0], g["amount_residual"]) for g in groups],
            [
                ("not_due", self.debtor.id, 150.0),
                ("1_30", self.debtor.id, 950.0),
                ("31_60", self.debtor.id, 370.0),
                ("31_60", self.debtor2.id, 1234.0),
                ("61_90", self.debtor.id, 400.0),
                ("91_180", self.debtor.id, 500.0),
                ("over_180", self.debtor.id, 600.0),
            ],
        )

    # ------------------------------------------------------------------ DSO
    def test_dso_per_month(self):
        month = (self.today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month
        before = (month - timedelta(days=1)).replace(day=1)  # the month before
        days_month = calendar.monthrange(month.year, month.month)[1]
        days_before = calendar.monthrange(before.year, before.month)[1]

        self.invoice_on(before + timedelta(days=4), 300)
        invoice_a = self.invoice_on(month + timedelta(days=2), 1000)
        invoice_b = self.invoice_on(month + timedelta(days=9), 500, partner=self.debtor2)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": self.debtor.id,
                "invoice_date": month + timedelta(days=20),
                "invoice_line_ids": [
                    Command.create({"name": "Discount", "quantity": 1, "price_unit": 100, "tax_ids": []})
                ],
            }
        )
        refund.action_post()
        self.invoice_on(month + timedelta(days=5), 999, post=False)  # draft: ignored
        self.pay(invoice_a, month + timedelta(days=15), 400)  # paid within the month
        self.pay(invoice_b, self.today)  # paid this month: still a receivable at the end of last month

        rows = self.report("credit.report.dso")
        self.assertEqual(rows.mapped("date"), [self.today.replace(day=1), month, before], "from the first month on")
        current, last, first = rows
        # the month before: 300 invoiced and open
        self.assertEqual((first.receivables, first.revenue, first.days), (300, 300, days_before))
        self.assertAlmostEqual(first.dso, 300 / 300 * days_before)
        # last month: receivables 300 + 1000 + 500 - 100 (credit note) - 400 (payment), revenue 1500 - 100
        self.assertEqual((last.receivables, last.revenue, last.days), (1300, 1400, days_month))
        self.assertAlmostEqual(last.dso, 1300 / 1400 * days_month)
        # this month: invoice B paid, no revenue: no DSO
        self.assertEqual((current.receivables, current.revenue), (800, 0))
        self.assertFalse(current.dso)

        # two months together: average month-end receivables / revenue of the period × days of the period
        [(receivables, revenue, dso)] = self.env["credit.report.dso"]._read_group(
            [("company_id", "=", self.company.id), ("date", "in", [before, month])],
            [],
            ["receivables:avg", "revenue:sum", "dso:avg"],
        )
        self.assertEqual((receivables, revenue), (800, 1700))
        self.assertAlmostEqual(dso, (300 + 1300) / 2 / 1700 * (days_before + days_month))
        # the graph's query: one point per month
        groups = self.env["credit.report.dso"].read_group(
            [("company_id", "=", self.company.id)], ["dso:avg"], ["date:month"], orderby="date:month"
        )
        self.assertEqual(len(groups), 3)
        self.assertAlmostEqual(groups[1]["dso"], 1300 / 1400 * days_month)

    # ------------------------------------------------------------------ step effectiveness
    def test_step_effectiveness(self):
        first_run, second_run = self.today - timedelta(days=23), self.today - timedelta(days=13)
        # due 30 days ago: the first reminder on the first run (7 days overdue)
        late = [self._invoice(self.debtor, 30, 100 * (i + 1)) for i in range(6)]
        # due 20 days ago: the courtesy reminder on the first run, the first reminder on the second
        other = self._invoice(self.debtor2, 20, 700)
        self.run_engine(first_run)
        self.run_engine(second_run)
        done = self.logs(late[0] | other).filtered(lambda log: log.state == "done")
        self.assertEqual(
            {(log.move_id, log.step_id, log.date) for log in done},
            {
                (late[0], self.steps["First reminder"], first_run),
                (other, self.steps["Courtesy"], first_run),
                (other, self.steps["First reminder"], second_run),
            },
        )
        self.pay(late[0], first_run + timedelta(days=3))
        self.pay(late[1], first_run + timedelta(days=3))
        self.pay(late[2], first_run + timedelta(days=10))
        self.pay(late[3], first_run + timedelta(days=20))
        self.pay(late[4], first_run + timedelta(days=3), 50)  # partly paid: not paid
        self.pay(late[5], first_run - timedelta(days=2))  # paid before the reminder (registered after it)
        self.pay(other, second_run + timedelta(days=7))  # 7 days after its first reminder, 17 after the courtesy one
        self.env["credit.followup.log"].sudo().create(  # only the engine writes logs
            {
                "move_id": late[4].id,
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "step_id": self.steps["Second reminder"].id,
                "channel": "email",
                "date": self.today,
                "state": "failed",
            }
        )

        rows = self.report("credit.report.step", [("profile_id", "=", self.profile.id)])
        self.assertEqual(rows.step_id, self.profile.step_ids, "one row per step, reached or not")
        figures = {row.step_id.name: (row.reached_count, row.paid_7_count, row.paid_14_count) for row in rows}
        self.assertEqual(
            figures,
            {
                "Courtesy": (1, 0, 0),
                "First reminder": (7, 3, 4),
                "Second reminder": (0, 0, 0),  # a failed step is not reached
                "Call": (0, 0, 0),
                "Final letter": (0, 0, 0),
            },
        )
        first = rows.filtered(lambda r: r.step_id == self.steps["First reminder"])
        self.assertAlmostEqual(first.paid_7_rate, 100 * 3 / 7)
        self.assertAlmostEqual(first.paid_14_rate, 100 * 4 / 7)
        self.assertEqual(rows.filtered(lambda r: r.step_id == self.steps["Courtesy"]).paid_14_rate, 0)

        # a group's rate is its paid invoices over its reached ones, not an average of the steps' rates
        [(reached, paid_7, paid_14, rate_7, rate_14)] = self.env["credit.report.step"]._read_group(
            [("profile_id", "=", self.profile.id)],
            [],
            ["reached_count:sum", "paid_7_count:sum", "paid_14_count:sum", "paid_7_rate:avg", "paid_14_rate:avg"],
        )
        self.assertEqual((reached, paid_7, paid_14), (8, 3, 4))
        self.assertAlmostEqual(rate_7, 37.5)
        self.assertAlmostEqual(rate_14, 50.0)
        [group] = self.env["credit.report.step"].read_group(
            [("profile_id", "=", self.profile.id)], ["reached_count:sum", "paid_14_rate:avg"], ["profile_id"]
        )
        self.assertEqual((group["reached_count"], group["paid_14_rate"]), (8, 50.0))

    # ------------------------------------------------------------------ access
    def test_access(self):
        reporter = new_test_user(
            self.env,
            login="reporter",
            groups="credit_followup.group_credit_reporting",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        employee = new_test_user(
            self.env,
            login="employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        move = self._invoice(self.debtor, 10, 100)
        self.env.flush_all()
        for model in REPORTS:
            with self.subTest(model=model):
                rows = self.env[model].with_user(reporter).search([])
                self.assertTrue(rows, "reporting users read the reports")
                self.assertEqual(rows.company_id, self.company, "only their companies' rows")
                self.assertTrue(rows.read(list(self.env[model]._fields)))
                self.assertFalse(self.env[model].with_user(reporter).has_access("write"))
                with self.assertRaises(AccessError):
                    self.env[model].with_user(employee).search([])
        overdue = self.env["credit.report.overdue"].with_user(reporter).search([])
        self.assertEqual(overdue.move_id, move)
