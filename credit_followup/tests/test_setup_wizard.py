from odoo import Command
from odoo.tests import Form, tagged

from .common import CreditFollowupCommon


@tagged("post_install", "-at_install")
class TestSetupWizard(CreditFollowupCommon):
    def open_wizard(self):
        admin = self.env.ref("base.user_admin")  # settings are the admin's
        admin.company_ids = [Command.link(self.company.id)]
        return Form(
            self.env["credit.followup.setup"].with_user(admin).with_context(allowed_company_ids=self.company.ids)
        )

    def test_default_profile_and_new_users(self):
        other = self.env["credit.followup.profile"].create({"name": "Strict", "company_id": self.company.id})
        wizard = self.open_wizard()
        with wizard.company_line_ids.edit(0) as line:
            self.assertEqual(line.profile_id, self.profile)
            line.profile_id = other
        with wizard.user_line_ids.new() as line:
            line.name = "Nina Nieuw"
            line.email = "nina@example.com"
            line.is_resolver = True
        wizard.save().action_apply()
        self.assertTrue(other.is_default)
        self.assertFalse(self.profile.is_default, "one default per company")
        nina = self.env["res.users"].search([("login", "=", "nina@example.com")])
        self.assertEqual(nina.name, "Nina Nieuw")
        self.assertTrue(nina.has_group("credit_followup.group_credit_dispute_resolver"))
        self.assertFalse(nina.has_group("credit_followup.group_credit_manager"))

    def test_rerun_changes_only_what_changed(self):
        self.manager.groups_id = [Command.link(self.env.ref("credit_followup.group_credit_reporting").id)]
        wizard = self.open_wizard()
        lines = {line["email"]: i for i, line in enumerate(wizard.user_line_ids._records)}
        self.assertIn("carla@example.com", lines, "existing credit users are listed")
        with wizard.user_line_ids.edit(lines["carla@example.com"]) as line:
            self.assertTrue(line.is_manager)
            line.is_manager = False
        wizard.save().action_apply()
        self.assertFalse(self.manager.has_group("credit_followup.group_credit_manager"))
        self.assertTrue(self.manager.has_group("credit_followup.group_credit_reporting"), "kept: not changed")
        groups_before = self.salesperson.groups_id
        self.open_wizard().save().action_apply()  # nothing changed: nothing happens
        self.assertEqual(self.salesperson.groups_id, groups_before)
        self.assertFalse(self.manager.has_group("credit_followup.group_credit_manager"))
        self.assertEqual(self.env["res.users"].search_count([("email", "=", "carla@example.com")]), 1, "no duplicate")
