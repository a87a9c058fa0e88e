from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestAccess(CreditWhatsappCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="wa_accountant",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_secrets_are_for_credit_managers_only(self):
        account = self.account.with_user(self.accountant)
        self.assertEqual(account.name, "Accounts receivable")
        for field in ("access_token", "app_secret", "verify_token"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                account.read([field])
        data = account.read(["name", "phone_number_id"])[0]
        self.assertNotIn("access_token", data)
        # the form the accountant's browser loads does not carry the secrets
        fields = account.fields_get()
        self.assertNotIn("access_token", fields)
        self.assertNotIn("app_secret", fields)
        with self.assertRaises(AccessError):
            account.write({"api_base_url": "https://evil.example.com"})
        manager_view = self.account.with_user(self.manager)
        self.assertEqual(manager_view.access_token, self.fake.token)

    def test_another_company_sees_nothing(self):
        other = self.setup_other_company()["company"] if hasattr(self, "setup_other_company") else None
        other = other or self.company_data_2["company"]
        outsider = new_test_user(
            self.env,
            login="wa_outsider",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(self.env["credit.whatsapp.account"].with_user(outsider).search([]))
        self.assertFalse(self.env["credit.whatsapp.template"].with_user(outsider).search([]))
        self.receive(self.payload([self.text_message("31611111111", "hoi")]))
        self.assertFalse(self.env["credit.whatsapp.message"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            self.account.with_user(outsider).read(["name"])

    def test_sending_is_for_credit_managers(self):
        with self.assertRaises(AccessError):
            self.env["credit.whatsapp.compose"].with_user(self.accountant).create(
                {"partner_id": self.debtor.id, "contact_id": self.debtor.id}
            )
        with self.assertRaises(AccessError):
            self.env["credit.whatsapp.message"].with_user(self.accountant).create(
                {"direction": "out", "account_id": self.account.id, "company_id": self.company.id}
            )
