from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditDisputeCommon

TODAY = date(2026, 4, 1)


@tagged("post_install", "-at_install")
class TestDisputeReport(CreditDisputeCommon):
    """Dispute analysis on 1 April 2026, against figures computed by hand.

    | # | category | state     | opened | closed | deadline | age | to resolve | within SLA | breach |
    |---|----------|-----------|--------|--------|----------|-----|------------|------------|--------|
    | 1 | goods    | new       | 25 Mar |        | 4 Apr    |   7 |            |            | no     |
    | 2 | goods    | progress  | 10 Mar |        | 20 Mar   |  22 |            |            | 12 d   |
    | 3 | price    | new       | 20 Jan |        | 25 Jan   |  71 |            |            | 66 d   |
    | 4 | goods    | resolved  | 1 Mar  | 8 Mar  | 11 Mar   |   7 |          7 | yes        |        |
    | 5 | goods    | rejected  | 1 Feb  | 16 Feb | 11 Feb   |  15 |         15 | no         |        |
    | 6 | price    | resolved  | 2 Mar  | 5 Mar  | 7 Mar    |   3 |          3 | yes        |        |
    | 7 | price    | cancelled | 20 Mar | 21 Mar | 25 Mar   |   1 |            |            |        |
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["credit.issue.category"]
        cls.goods = Category.create(
            {"name": "Goods", "code": "RPT_GOODS", "company_id": cls.company.id, "resolve_days": 10}
        )
        cls.price = Category.create(
            {"name": "Price", "code": "RPT_PRICE", "company_id": cls.company.id, "resolve_days": 5}
        )

        def dispute(category, opened, amount, user=None, closed=None, state=None):
            move = cls._invoice(cls.debtor, 10, amount)
            with freeze_time(opened):
                record = cls.env["credit.dispute"].create(
                    {
                        "partner_id": cls.debtor.id,
                        "move_ids": [Command.set(move.ids)],
                        "category_id": category.id,
                        "date_open": opened,
                        "user_id": (user or cls.manager).id,
                    }
                )
            if closed:
                with freeze_time(closed):
                    if state == "cancelled":
                        record.action_cancel()
                    else:
                        record.action_close(state)
            elif state == "in_progress":
                record.action_start()
            return record

        cls.d1 = dispute(cls.goods, date(2026, 3, 25), 100)
        cls.d2 = dispute(cls.goods, date(2026, 3, 10), 200, user=cls.resolver, state="in_progress")
        cls.d3 = dispute(cls.price, date(2026, 1, 20), 400, user=cls.resolver)
        cls.d4 = dispute(cls.goods, date(2026, 3, 1), 800, closed=date(2026, 3, 8), state="resolved")
        cls.d5 = dispute(cls.goods, date(2026, 2, 1), 1600, closed=date(2026, 2, 16), state="rejected")
        cls.d6 = dispute(
            cls.price, date(2026, 3, 2), 3200, user=cls.resolver, closed=date(2026, 3, 5), state="resolved"
        )
        cls.d7 = dispute(cls.price, date(2026, 3, 20), 6400, closed=date(2026, 3, 21), state="cancelled")
        cls.domain = [("company_id", "=", cls.company.id)]

    def setUp(self):
        super().setUp()
        self.enterContext(freeze_time(TODAY))

    def rows(self, Report=None):
        Report = Report if Report is not None else self.env["credit.report.dispute"]
        return {row.dispute_id: row for row in Report.search(self.domain)}

    def test_one_row_per_dispute(self):
        rows = self.rows()
        self.assertEqual(len(rows), 7)
        expected = {  # age, days to resolve, within SLA, breached, days past deadline
            self.d1: (7, 0, 0, False, 0),
            self.d2: (22, 0, 0, True, 12),
            self.d3: (71, 0, 0, True, 66),
            self.d4: (7, 7, 100, False, 0),
            self.d5: (15, 15, 0, False, 0),
            self.d6: (3, 3, 100, False, 0),
            self.d7: (1, 0, 0, False, 0),
        }
        for dispute, figures in expected.items():
            row = rows[dispute]
            self.assertEqual(
                (row.age_days, row.resolve_days, row.within_sla, row.breached, row.days_past_deadline),
                figures,
                dispute.name,
            )
        row = rows[self.d2]
        self.assertEqual(
            (row.category_id, row.user_id, row.partner_id, row.state, row.is_open, row.amount, row.currency_id),
            (self.goods, self.resolver, self.debtor, "in_progress", True, 200.0, self.company.currency_id),
        )
        self.assertEqual(rows[self.d5].date_closed, date(2026, 2, 16))
        self.assertFalse(rows[self.d5].is_open)

    def test_figures_per_category(self):
        Report = self.env["credit.report.dispute"]
        groups = Report._read_group(
            self.domain,
            ["category_id"],
            ["__count", "open_count:sum", "breach_count:sum", "resolve_days:avg", "within_sla:avg", "amount:sum"],
        )
        by_category = {category: figures for category, *figures in groups}
        # goods: 4 disputes, 2 open of which 1 breached; resolved in 7 and 15 days, 1 of 2 within the SLA
        self.assertEqual(by_category[self.goods], [4, 2, 1, 11.0, 50.0, 2700.0])
        # price: 3 disputes, 1 open and breached; 1 resolved in 3 days within the SLA; the cancelled one counts nowhere
        self.assertEqual(by_category[self.price], [3, 1, 1, 3.0, 100.0, 10000.0])
        [(count, resolve_days, within_sla, breaches, worst)] = Report._read_group(
            self.domain,
            [],
            ["__count", "resolve_days:avg", "within_sla:avg", "breach_count:sum", "days_past_deadline:max"],
        )
        self.assertEqual((count, breaches, worst), (7, 2, 66))
        self.assertAlmostEqual(resolve_days, (7 + 15 + 3) / 3, places=6, msg="average time to resolve")
        self.assertAlmostEqual(within_sla, 200 / 3, places=6, msg="share solved within the SLA, in percent")

    def test_open_disputes_by_responsible_and_age(self):
        Report = self.env["credit.report.dispute"]
        open_domain = [*self.domain, ("is_open", "=", True)]
        by_user = dict(Report._read_group(open_domain, ["user_id"], ["__count"]))
        self.assertEqual(by_user, {self.manager: 1, self.resolver: 2})
        self.assertEqual(
            Report._read_group(open_domain, ["age_bucket"], ["__count", "age_days:avg"]),
            [("0_7", 1, 7.0), ("15_30", 1, 22.0), ("over_60", 1, 71.0)],
        )
        # the pivot's query: buckets in age order, closed disputes by the time they took
        groups = Report.read_group(self.domain, ["__count"], ["age_bucket"], lazy=False)
        self.assertEqual([(g["age_bucket"], g["__count"]) for g in groups], [("0_7", 4), ("15_30", 2), ("over_60", 1)])
        breaches = Report.search([*self.domain, ("breached", "=", True)])
        self.assertEqual(breaches.dispute_id, self.d2 | self.d3)
        within = Report.search([*self.domain, ("within_sla", "=", 100)])
        self.assertEqual(within.dispute_id, self.d4 | self.d6)

    def test_figures_move_with_today(self):
        with freeze_time(date(2026, 4, 5)):
            self.env.invalidate_all()
            rows = self.rows()
            self.assertEqual((rows[self.d1].age_days, rows[self.d1].age_bucket), (11, "8_14"))
            self.assertTrue(rows[self.d1].breached, "past its deadline of 4 April")
            self.assertEqual(rows[self.d4].age_days, 7, "a closed dispute keeps its age")

    def test_closing_a_dispute_updates_the_report(self):
        self.d2.action_close("resolved")  # on 1 April, 12 days late
        rows = self.rows()
        self.assertEqual((rows[self.d2].resolve_days, rows[self.d2].within_sla, rows[self.d2].breached), (22, 0, False))

    def test_access(self):
        other = self.setup_other_company()["company"]
        category = self.env["credit.issue.category"].create(
            {"name": "Other", "code": "RPT_OTHER", "company_id": other.id}
        )
        self.env["credit.dispute"].with_company(other).create(
            {"partner_id": self.debtor2.id, "category_id": category.id, "company_id": other.id}
        )
        both = [("company_id", "in", (self.company | other).ids)]
        self.assertEqual(len(self.env["credit.report.dispute"].sudo().search(both)), 8)
        reporting = new_test_user(
            self.env,
            login="report_reader",
            groups="base.group_user,credit_followup.group_credit_reporting",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        Report = self.env["credit.report.dispute"].with_user(reporting)
        self.assertEqual(len(Report.search([])), 7, "the other company's dispute is not shown")
        self.assertEqual(
            self.rows(self.env["credit.report.dispute"].with_user(self.manager)).keys(), self.rows().keys()
        )
        with self.assertRaises(AccessError):
            self.env["credit.report.dispute"].with_user(self.resolver).search([])
