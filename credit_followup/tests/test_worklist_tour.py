from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWorklistTour(HttpCase):
    def test_worklist_log_call_with_promise(self):
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        env = self.env(context={"allowed_company_ids": company.ids, "tracking_disable": True})
        if not env["credit.followup.profile"]._default_profile(company):
            env["credit.followup.profile"].create(
                {
                    "name": "Tour profile",
                    "company_id": company.id,
                    "is_default": True,
                    "step_ids": [Command.create({"name": "Reminder", "offset_days": 1, "channel": "email"})],
                }
            )
        debtor = env["res.partner"].create({"name": "Tour Debtor BV", "is_company": True, "email": "tour@example.com"})
        today = fields.Date.today()
        move = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": today - timedelta(days=60),
                    "invoice_date_due": today - timedelta(days=30),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": "Beans", "quantity": 1, "price_unit": 250.0, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        self.assertIn(debtor, env["credit.followup.worklist"].search([]).partner_id, "due: never planned yet")
        self.start_tour("/odoo", "credit_followup_worklist_tour", login="admin")
        self.assertEqual(move.credit_followup_state, "paused")
        self.assertEqual(move.credit_pause_reason, "promise")
        promise = env["credit.followup.promise"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(promise.amount, 250.0)
        self.assertEqual(str(promise.date), "2030-12-31")
