import re
from datetime import timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import CreditSegmentationCommon


@freeze_time(CreditSegmentationCommon.today)
@tagged("post_install", "-at_install")
class TestScoring(CreditSegmentationCommon):
    def scored(self, partner, company=None):
        partner.invalidate_recordset()
        return partner.with_company(company or self.company)

    def history(self, partner):
        """Paid 30 days late (1000), paid on time (1000), open 20 days overdue (500)."""
        today = self.today
        late = self._invoice(partner, 100, amount=1000)
        on_time = self._invoice(partner, 50, amount=1000)
        self.pay(late, today - timedelta(days=70))
        self.pay(on_time, today - timedelta(days=50))
        return self._invoice(partner, 20, amount=500)

    def test_figures_and_explanation_add_up(self):
        open_invoice = self.history(self.debtor)
        self.run_engine()  # one follow-up step (First reminder) on the open invoice
        promise = self.env["credit.followup.promise"].create(
            {
                "partner_id": self.debtor.id,
                "move_ids": [Command.set(open_invoice.ids)],
                "date": self.today - timedelta(days=5),
                "amount": 500,
            }
        )
        promise.state = "broken"
        self.env["res.partner"]._credit_rescore(self.company)
        partner = self.scored(self.debtor)
        self.assertAlmostEqual(partner.credit_avg_days_late, 16.0, msg="(1000×30 + 1000×0 + 500×20) / 2500")
        self.assertAlmostEqual(partner.credit_late_share, 66.7, msg="two of three invoices late")
        self.assertEqual(partner.credit_steps_12m, 1)
        self.assertAlmostEqual(partner.credit_overdue_amount, 500.0)
        self.assertAlmostEqual(partner.credit_overdue_ratio, 5.0, msg="500 of the reference limit 10,000")
        self.assertEqual(partner.credit_broken_promises_12m, 1)
        # 30×16/60 + 20×0.667 + 15×1/10 + 20×5/100 + 10×1/3 = 8.0 + 13.3 + 1.5 + 1.0 + 3.3
        self.assertAlmostEqual(partner.credit_risk_score, 27.1)
        self.assertEqual(partner.credit_risk_band, "low")
        points = [
            float(p) for p in re.findall(r"<td class='text-end'>([\d.]+)</td></tr>", partner.credit_risk_explanation)
        ]
        self.assertEqual(len(points), 6, "every factor is explained")
        self.assertAlmostEqual(sum(points), partner.credit_risk_score, msg="the explanation adds up to the score")
        self.assertIn("16.0", partner.credit_risk_explanation)

    def test_credit_limit_and_weights_per_company(self):
        self._invoice(self.debtor, 20, amount=500)
        self.debtor.with_company(self.company).credit_limit = 1000
        partner = self.scored(self.debtor)
        self.assertAlmostEqual(partner.credit_overdue_ratio, 50.0, msg="500 of its own limit 1000")
        before = partner.credit_risk_score
        self.company.write({"credit_risk_weight_overdue": 100, "credit_risk_weight_days_late": 0})
        self.env["res.partner"]._credit_rescore(self.company)
        after = self.scored(self.debtor).credit_risk_score
        self.assertNotEqual(before, after, "the company's weights decide the score")
        # weights 0+20+15+100+10+5 = 150: overdue at 50% of the limit 100/150×50 = 33.3, all late 20/150×100 = 13.3
        self.assertAlmostEqual(after, 46.6)

    def test_payment_recomputes_and_moves_the_debtor(self):
        invoices = self._invoice(self.debtor, 40, amount=800) | self._invoice(self.debtor, 35, amount=800)
        partner = self.scored(self.debtor)
        self.assertGreaterEqual(partner.credit_risk_score, 40, "posting scored the debtor: late and overdue")
        self.assertEqual(self.segment_of(self.debtor), self.risky, "posting put it in the risky segment")
        self.assertEqual(self.profile_of(self.debtor), self.strict, "with the segment's profile")
        for invoice in invoices:
            self.pay(invoice, self.today)
        partner = self.scored(self.debtor)
        self.assertEqual(partner.credit_overdue_amount, 0.0, "paying rescored the debtor at once")
        self.assertTrue(all(invoice.credit_paid_date == self.today for invoice in invoices))
        self.assertAlmostEqual(partner.credit_avg_days_late, 37.5)
        self.assertLess(partner.credit_risk_score, 40)
        self.assertEqual(self.segment_of(self.debtor), self.default, "and moved it back")
        self.assertEqual(self.profile_of(self.debtor), self.profile)
        tracked = self.debtor.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "credit_segment_id")
        self.assertEqual(
            tracked.sorted("id").mapped("new_value_char"), ["Risky", "Rest"], "every move is tracked on the chatter"
        )
        self.assertEqual(tracked.mail_message_id.record_company_id, self.company, "a line of this company")
        profiles = self.debtor.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "credit_followup_profile_id"
        )
        self.assertEqual(profiles.sorted("id").mapped("new_value_char"), ["Strict", "Test profile"])

    def test_open_disputes_hook(self):
        invoice = self._invoice(self.debtor, 10)
        counts = self.env["res.partner"]._credit_risk_open_disputes(self.company, self.debtor.ids)
        self.assertEqual(counts, {})
        if "credit.dispute" in self.env:
            self.env["credit.dispute"].create({"partner_id": self.debtor.id, "move_ids": [Command.set(invoice.ids)]})
            counts = self.env["res.partner"]._credit_risk_open_disputes(self.company, self.debtor.ids)
            self.assertEqual(counts, {self.debtor.id: 1}, "credit_dispute installed: its open disputes count")
            self.env["res.partner"]._credit_rescore(self.company)
            self.assertEqual(self.scored(self.debtor).credit_risk_open_disputes, 1)
        else:
            self.assertNotIn("credit.dispute", self.env, "without credit_dispute the hook gives zeros")

    def test_queries_do_not_grow_with_debtors(self):
        def debtors(count, tag):
            partners = self.env["res.partner"].create(
                [{"name": f"{tag} {i}", "is_company": True} for i in range(count)]
            )
            for partner in partners:
                self._invoice(partner, 15, amount=100 + len(partner.name))
            return partners

        warm, few, many = debtors(1, "Warm"), debtors(2, "Few"), debtors(10, "Many")
        Partner, Segment = self.env["res.partner"], self.env["credit.segment"]
        self.risky.risk_min = 0  # every debtor moves to Risky: the moves are written and posted too
        counts = {}
        for label, partners in (("warm-up: caches of rules and fields", warm), ("few", few), ("many", many)):
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            Partner._credit_rescore(self.company, partners)
            Segment.assign(partners=partners, companies=self.company)
            counts[label] = self.cr.sql_log_count - start
            self.assertEqual(self.segment_of(partners[0]), self.risky)
        self.assertEqual(counts["few"], counts["many"], "rescoring and assigning: a fixed number of queries")
