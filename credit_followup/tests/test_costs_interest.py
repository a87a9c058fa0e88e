from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditFollowupCommon

# principal → collection costs excl. VAT, worked out by hand on the WIK scale:
# 15 % of the first 2,500, 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next 190,000,
# 0.5 % above 200,000; at least 40, at most 6,775.
WIK_TABLE = [
    (-10.00, 0.00),  # nothing owed, nothing charged
    (0.00, 0.00),
    (100.00, 40.00),  # 15.00 → the minimum
    (266.66, 40.00),  # 39.999 → the minimum
    (266.67, 40.00),  # 40.0005
    (266.68, 40.00),  # 40.002
    (300.00, 45.00),
    (2500.00, 375.00),
    (2500.01, 375.00),  # 375 + 0.001
    (2600.00, 385.00),  # 375 + 10
    (5000.00, 625.00),  # 375 + 250
    (5100.00, 630.00),  # 625 + 5
    (10000.00, 875.00),  # 625 + 250
    (10100.00, 876.00),  # 875 + 1
    (200000.00, 2775.00),  # 875 + 1,900
    (200100.00, 2775.50),  # 2,775 + 0.50
    (1000000.00, 6775.00),  # 2,775 + 4,000 = the maximum exactly
    (1000100.00, 6775.00),  # capped
    (5000000.00, 6775.00),
]


@tagged("post_install", "-at_install")
class TestCollectionCosts(CreditFollowupCommon):
    def test_wik_scale(self):
        self.assertEqual(len(self.company.credit_collection_cost_bracket_ids), 5, "a new company gets the WIK scale")
        for principal, expected in WIK_TABLE:
            with self.subTest(principal=principal):
                self.assertAlmostEqual(self.company.credit_collection_costs(principal), expected, places=2)
                self.assertEqual(self.company._credit_collection_costs_vat(expected), 0.0, "VAT off by default")

    def test_wik_vat_on_top(self):
        self.company.credit_collection_costs_vat = True
        for principal, costs, vat in [(266.67, 40.00, 8.40), (2500.00, 375.00, 78.75), (1000000.00, 6775.00, 1422.75)]:
            with self.subTest(principal=principal):
                self.assertAlmostEqual(self.company.credit_collection_costs(principal), costs, places=2)
                self.assertAlmostEqual(self.company._credit_collection_costs_vat(costs), vat, places=2)

    def test_scale_is_data(self):
        """A change in the law is a change of the company's records, not of the code."""
        brackets = self.company.credit_collection_cost_bracket_ids
        brackets.filtered(lambda b: b.amount_from == 0).rate = 20.0
        self.company.credit_collection_costs_min = 50.0
        self.assertAlmostEqual(self.company.credit_collection_costs(2500.0), 500.0, places=2)
        self.assertAlmostEqual(self.company.credit_collection_costs(100.0), 50.0, places=2)
        other = self.env["res.company"].create({"name": "Other BV"})
        self.assertAlmostEqual(other.credit_collection_costs(2500.0), 375.0, places=2, msg="per company")

    def test_scale_access(self):
        """Users read the scale of their own companies only; only credit managers change it."""
        other = self.env["res.company"].create({"name": "Other BV"})
        user = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "clerk_wik",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        self.assertEqual(len(other.sudo().credit_collection_cost_bracket_ids), 5)
        Bracket = self.env["credit.collection.cost.bracket"].with_user(user)
        self.assertFalse(Bracket.search([("company_id", "=", other.id)]))
        with self.assertRaises(AccessError):
            Bracket.browse(self.company.credit_collection_cost_bracket_ids[:1].id).rate = 1.0


@tagged("post_install", "-at_install")
class TestStatutoryInterest(CreditFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls._debtor("Jan Jansen", "jan@example.com", is_company=False)

    def _open_invoice(self, partner, due, amount=10000.0):
        move = self._invoice(partner, 0, amount=amount, invoice_date=due, invoice_date_due=due)
        move.invoice_date_due = due
        return move

    def test_interest_table(self):
        """Hand-computed: base × rate / 100 × days / 365 per stretch at one rate; after a full year the year's
        interest joins the base (BW 6:119 lid 2, 6:119a lid 3)."""
        cases = [
            # commercial, across the rate change of 2024-07-01: 15 days at 12.5 % + 31 days at 12.25 %
            ("commercial", date(2024, 6, 15), date(2024, 7, 31), 155.41),
            # commercial, a full year (2024: 182 days at 12.5 %, 184 at 12.25 % = 1,240.82) compounded,
            # then 90 days of 2025 at 11.15 % on 11,240.82
            ("commercial", date(2023, 12, 31), date(2025, 3, 31), 1549.87),
            # consumer, across the change of 2023-07-01: 10 days at 4 % + 10 days at 6 %
            ("consumer", date(2023, 6, 20), date(2023, 7, 10), 27.40),
            # consumer, 2024 at 7 % (366 days: 701.92) compounded, then 90 days at 6 % on 10,701.92
            ("consumer", date(2023, 12, 31), date(2025, 3, 31), 860.25),
            # nothing before or on the due date
            ("commercial", date(2025, 3, 31), date(2025, 3, 31), 0.0),
            ("consumer", date(2025, 3, 31), date(2025, 3, 1), 0.0),
        ]
        for kind, due, to_date, expected in cases:
            with self.subTest(kind=kind, due=due, to_date=to_date):
                partner = self.debtor if kind == "commercial" else self.person
                move = self._open_invoice(partner, due)
                self.assertEqual(move._credit_interest_kind(), kind)
                self.assertAlmostEqual(move.credit_statutory_interest(to_date), expected, places=2)

    def test_kind_override_and_paid(self):
        move = self._open_invoice(self.debtor, date(2023, 6, 20))
        self.debtor.credit_interest_kind = "consumer"
        self.assertAlmostEqual(move.credit_statutory_interest(date(2023, 7, 10)), 27.40, places=2)
        self.debtor.credit_interest_kind = False
        # partly paid: interest runs on what is still open (5,000 × 12 % × 10 days + … )
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"amount": 5000.0, "payment_date": date(2023, 6, 20)}
        )._create_payments()
        # 10 days at 10.5 % + 10 days at 12 % on 5,000
        self.assertAlmostEqual(move.credit_statutory_interest(date(2023, 7, 10)), 30.82, places=2)

    def test_rates_editable_by_credit_managers_only(self):
        Rate = self.env["credit.interest.rate"]
        self.assertTrue(Rate.search([("kind", "=", "commercial"), ("date_from", "=", date(2025, 7, 1))]))
        new_rate = Rate.with_user(self.manager).create(
            {"kind": "commercial", "date_from": date(2026, 1, 1), "rate": 10.15, "source": "test"}
        )
        self.assertTrue(new_rate)
        with self.assertRaises(AccessError):
            Rate.with_user(self.salesperson).create({"kind": "consumer", "date_from": date(2026, 1, 1), "rate": 6})
