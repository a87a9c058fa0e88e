from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRegisterDisputeTour(HttpCase):
    def test_register_and_solve_from_the_invoice(self):
        """In the browser: Register dispute on an invoice, it is paused and marked, then Solved resumes it."""
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        env = self.env(context={"allowed_company_ids": company.ids, "tracking_disable": True})
        env["credit.issue.category"]._credit_ensure_company_categories(company)
        debtor = env["res.partner"].create({"name": "Tour Disputer BV", "is_company": True})
        today = fields.Date.today()
        move = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": today - timedelta(days=40),
                    "invoice_date_due": today - timedelta(days=10),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": "Beans", "quantity": 10, "price_unit": 30.0, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
            "credit_dispute_register_tour",
            login="admin",
        )
        dispute = env["credit.dispute"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(dispute.category_id.code, "PRICE")
        self.assertIn("discount is missing", dispute.description)
        self.assertEqual(dispute.state, "resolved")
        self.assertIn("Credit note", dispute.resolution_note)
        self.assertEqual(move.credit_followup_state, "active")
        opened = env.ref("credit_dispute.mt_credit_dispute_opened")
        closed = env.ref("credit_dispute.mt_credit_dispute_closed")
        self.assertEqual(set(move.message_ids.subtype_id.ids) & {opened.id, closed.id}, {opened.id, closed.id})
