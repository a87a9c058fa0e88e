from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.credit_segmentation.models.credit_segment import CreditSegment

from .common import CreditSegmentationCommon


@freeze_time(CreditSegmentationCommon.today)
@tagged("post_install", "-at_install")
class TestAssignment(CreditSegmentationCommon):
    def make_risky(self, partner):
        """Two invoices long overdue: the debtor's score passes 40."""
        self._invoice(partner, 40, amount=800)
        self._invoice(partner, 35, amount=800)
        return partner

    def test_posting_assigns_segment_and_profile(self):
        self.assertFalse(self.segment_of(self.debtor))
        self._invoice(self.debtor, -10)
        self.assertEqual(self.segment_of(self.debtor), self.default)
        self.assertEqual(self.profile_of(self.debtor), self.profile)
        self.make_risky(self.debtor2)
        self.assertEqual(self.segment_of(self.debtor2), self.risky)
        self.assertEqual(self.profile_of(self.debtor2), self.strict)
        self.assertEqual(self.risky.debtor_count, 1)
        self.assertEqual(self.risky.overdue_amount, 1600)
        self.assertEqual(self.risky.action_view_debtors()["domain"], [("id", "in", [self.debtor2.id])])

    def test_posting_by_an_invoicing_user_without_segment_rights(self):
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["credit.segment"].with_user(clerk).assign()
        invoice = self._invoice(self.debtor, 40, amount=5000, post=False)
        invoice.with_user(clerk).action_post()
        self.assertEqual(self.segment_of(self.debtor), self.risky, "posting assigns, whoever posts")
        self.assertEqual(self.profile_of(self.debtor), self.strict)

    def test_relevant_field_change_reassigns(self):
        self._invoice(self.debtor, -10)
        germany = self.env["credit.segment"].create(
            {
                "name": "Germany",
                "sequence": 1,
                "company_id": self.company.id,
                "country_ids": [Command.set(self.env.ref("base.de").ids)],
            }
        )
        self.assertEqual(self.segment_of(self.debtor), self.default, "a new segment alone moves nobody")
        self.debtor.country_id = self.env.ref("base.de")
        self.assertEqual(self.segment_of(self.debtor), germany, "a changed country moves the debtor")

    def test_manual_profile_is_an_override(self):
        self._invoice(self.debtor, -10)
        self.debtor.with_company(self.company).credit_followup_profile_id = self.strict
        partner = self.debtor.with_company(self.company)
        self.assertTrue(partner.credit_profile_manual, "choosing a profile by hand marks it manual")
        self.make_risky(self.debtor)
        self.assertEqual(self.segment_of(self.debtor), self.risky)
        self.risky.profile_id = self.profile
        self.assertEqual(self.profile_of(self.debtor), self.strict, "the manual profile stays")
        with self.assertRaises(AccessError):
            partner.with_user(self.salesperson).credit_profile_manual = False
        partner.credit_profile_manual = False
        self.assertEqual(self.profile_of(self.debtor), self.profile, "unticked: the segment's profile again")
        self.risky.profile_id = self.strict
        self.assertEqual(self.profile_of(self.debtor), self.strict, "and it follows the segment's profile")

    def test_engine_continues_on_the_new_profile_without_repeating(self):
        invoice = self._invoice(self.debtor, 10, amount=100)
        self.assertEqual(self.profile_of(self.debtor), self.profile)
        self.run_engine()
        self.assertEqual(self.logs(invoice).step_id, self.steps["First reminder"])
        # the debtor moves: Strict has an SMS at 2 and a first reminder at 7 days, both "passed"
        self.risky.risk_min = 0
        moves = self.env["credit.segment"].assign(companies=self.company)
        self.assertEqual(moves[self.debtor.id], (self.default.id, self.risky.id))
        self.assertEqual(self.profile_of(self.debtor), self.strict)
        self.assertFalse(invoice.credit_followup_planned, "re-planned on the new profile")
        self.run_engine(day=self.today + timedelta(days=1))
        self.assertEqual(invoice.credit_followup_next_step_id, self.strict_steps["Strict second"])
        self.assertEqual(len(self.logs(invoice)), 1, "nothing repeated, nothing earlier caught up")
        self.run_engine(day=self.today + timedelta(days=4))
        self.assertEqual(
            self.logs(invoice).step_id.mapped("name"), ["First reminder", "Strict second"], "day 14: Strict's next"
        )
        # and back: the default profile continues after offset 14 (its Second reminder at 21)
        self.risky.risk_min = 99
        self.env["credit.segment"].assign(companies=self.company)
        self.assertEqual(self.profile_of(self.debtor), self.profile)
        self.run_engine(day=self.today + timedelta(days=11))
        self.assertEqual(
            self.logs(invoice).sorted("id").step_id.mapped("name"),
            ["First reminder", "Strict second", "Second reminder"],
        )

    def test_simulation_writes_nothing(self):
        self._invoice(self.debtor, -10)
        self.make_risky(self.debtor2)
        state = self.snapshot()
        wizard_action = self.risky.action_simulate()
        wizard = self.env["credit.segment.assign"].browse(wizard_action["res_id"])
        self.assertEqual(wizard.move_count, 0, "the stored criteria: nobody moves")
        wizard.risk_min = 0
        wizard.action_preview()
        self.assertEqual(wizard.move_count, 1)
        self.assertEqual(wizard.line_ids.from_segment_id, self.default)
        self.assertEqual(wizard.line_ids.to_segment_id, self.risky)
        self.assertEqual(wizard.line_ids.partner_ids, self.debtor)
        moves = self.env["credit.segment"].assign(simulate=True, companies=self.company)
        self.assertEqual(moves, {}, "simulate=True from code: the same, nothing written")
        self.assertEqual(self.snapshot(), state, "segments, debtors, profiles and chatter untouched")

    def snapshot(self):
        self.env.invalidate_all()
        partners = (self.debtor | self.debtor2).with_company(self.company)
        return (
            self.risky.risk_min,
            [(p.credit_segment_id, p.credit_followup_profile_id) for p in partners],
            self.env["mail.message"].search_count([]),
        )

    def test_resegment_now_previews_then_applies(self):
        self._invoice(self.debtor, -10)
        self._invoice(self.debtor2, -10)
        self.risky.risk_min = 0
        action = self.env["credit.segment"].action_resegment()
        wizard = self.env["credit.segment.assign"].browse(action["res_id"])
        self.assertEqual(wizard.move_count, 2)
        self.assertEqual(wizard.line_ids.partner_count, 2)
        self.assertEqual(self.segment_of(self.debtor), self.default, "the preview moved nobody")
        wizard.action_apply()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self.segment_of(self.debtor), self.risky)
        self.assertEqual(self.segment_of(self.debtor2), self.risky)

    def test_nightly_cron(self):
        self._invoice(self.debtor, -10)
        self.risky.risk_min = 0
        self.env["credit.segment"]._cron_resegment()
        self.assertEqual(self.segment_of(self.debtor), self.risky)

    def test_import_assigns_but_not_in_test_run(self):
        csv = (
            "partner_id,move_type,invoice_date,invoice_line_ids/name,invoice_line_ids/quantity,"
            "invoice_line_ids/price_unit\n"
            f"{self.debtor.name},out_invoice,2026-02-01,Beans,1,100\n"
        )
        fields = [
            "partner_id",
            "move_type",
            "invoice_date",
            "invoice_line_ids/name",
            "invoice_line_ids/quantity",
            "invoice_line_ids/price_unit",
        ]
        options = {"has_headers": True, "quoting": '"', "separator": ",", "date_format": "%Y-%m-%d"}
        calls = []
        refresh = CreditSegment._credit_refresh

        def spy(segment_self, partners):
            calls.append(partners.ids)
            return refresh(segment_self, partners)

        with patch.object(CreditSegment, "_credit_refresh", spy):
            for dryrun in (True, False):
                importer = self.env["base_import.import"].create(
                    {"res_model": "account.move", "file": csv.encode(), "file_type": "text/csv"}
                )
                result = importer.execute_import(fields, fields, dict(options), dryrun=dryrun)
                self.assertFalse(result["messages"], result["messages"])
                if dryrun:
                    self.assertEqual(calls, [], "the Test run scores and assigns nothing")
        self.assertEqual(calls, [self.debtor.ids], "the real import assigns the invoices' debtors")
        self.assertEqual(self.segment_of(self.debtor), self.default)
        imported = self.env["account.move"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(len(imported), 1, "the test run created nothing")

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Segments Two BV")["company"]
        other_rest = self.env["credit.segment"].create({"name": "Rest", "company_id": other.id, "is_default": True})
        self.make_risky(self.debtor)
        self._invoice(self.debtor, -10, company=other)
        self.assertEqual(self.segment_of(self.debtor), self.risky)
        self.assertEqual(self.segment_of(self.debtor, other), other_rest, "scored and segmented per company")
        self.assertEqual(self.debtor.with_company(other).credit_overdue_amount, 0.0)
        self.assertGreater(self.debtor.with_company(self.company).credit_overdue_amount, 0.0)
        moves = self.env["credit.segment"].assign(companies=other, simulate=True)
        self.assertEqual(moves, {})
        user = new_test_user(
            self.env,
            login="manager_one",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        visible = self.env["credit.segment"].with_user(user).search([])
        self.assertEqual(visible, self.risky | self.default, "another company's segments stay hidden")
        with self.assertRaises(AccessError):
            other_rest.with_user(user).read(["name"])
