"""Credentials only for credit managers; reporting reads results; other companies' agencies and cases
stay out of reach."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import CreditCollectionCommon


@freeze_time("2026-03-02")
@tagged("post_install", "-at_install")
class TestRights(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency.sudo().write(
            {"push_method": "json", "endpoint_url": "https://api.agency.example/claims", "api_secret": "top-secret"}
        )
        cls.inv = cls._invoice(cls.debtor, 60, amount=1000.0)
        cls.case = cls.agency.hand_over(cls.inv)
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.agency_b = cls.env["credit.collection.agency"].create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Agency B"}).id,
                "company_id": cls.company_b.id,
                "kind": "lawyer",
                "format_id": cls.format_csv.id,
            }
        )

    def test_credentials_hidden_from_non_managers(self):
        agency = self.agency.with_user(self.reporter)
        self.assertEqual(agency.name, "Incasso Noord B.V.")
        self.assertTrue(agency.case_count)
        with self.assertRaises(AccessError):
            agency.read(["api_secret"])
        with self.assertRaises(AccessError):
            agency.read(["endpoint_url"])
        self.assertNotIn("api_secret", agency.fields_get())
        self.assertEqual(self.agency.with_user(self.manager).api_secret, "top-secret")

    def test_reporting_reads_but_does_not_change(self):
        report = self.env["credit.collection.report"].with_user(self.reporter)
        rows = report._read_group([], ["agency_id"], ["amount_handed_over:sum", "case_count:sum"])
        self.assertEqual(rows, [(self.agency, self.case.amount_total, 1)])
        with self.assertRaises(AccessError):
            self.case.with_user(self.reporter).action_recall()
        with self.assertRaises(AccessError):
            self.agency.with_user(self.reporter).hand_over(self._invoice(self.debtor2, 60, amount=500.0))
        with self.assertRaises(AccessError):
            self.env["credit.collection.import"].with_user(self.reporter)._import_file(self.agency, b"x", "x.csv")

    def test_other_company_is_out_of_reach(self):
        Agency = self.env["credit.collection.agency"].with_user(self.manager)
        self.assertNotIn(self.agency_b, Agency.search([]))
        with self.assertRaises(AccessError):
            self.agency_b.with_user(self.manager).read(["name"])
        # an agency of company B gets no invoice of company A
        with self.assertRaisesRegex(UserError, "Only invoices of Company B"):
            self.agency_b.hand_over(self._invoice(self.debtor2, 60, amount=500.0))
        # a manager of both companies sees both, each in its own company
        both = new_test_user(
            self.env,
            login="two_company_manager",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=self.company.id,
            company_ids=[Command.set((self.company | self.company_b).ids)],
        )
        agencies = (
            Agency.with_user(both).with_context(allowed_company_ids=(self.company | self.company_b).ids).search([])
        )
        self.assertIn(self.agency_b, agencies)
        self.assertIn(self.agency, agencies)
