from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestHandOverTour(HttpCase):
    def test_hand_over_and_recall_in_the_browser(self):
        """In the browser: Action → Hand over to a collection agency on an invoice, then Recall on its case."""
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        env = self.env(context={"allowed_company_ids": company.ids, "tracking_disable": True})
        agency = env["credit.collection.agency"].create(
            {
                "partner_id": env["res.partner"].create({"name": "Tour Incasso B.V.", "is_company": True}).id,
                "company_id": company.id,
                "registration_number": "IR-1",
                "format_id": env.ref("credit_collection_export.format_generic_csv").id,
                "email": "tour@incasso.example",
            }
        )
        debtor = env["res.partner"].create({"name": "Tour Debtor BV", "is_company": True})
        today = fields.Date.today()
        move = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": today - timedelta(days=90),
                    "invoice_date_due": today - timedelta(days=60),
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
            "credit_collection_hand_over_tour",
            login="admin",
        )
        case = env["credit.collection.case"].search([("partner_id", "=", debtor.id)])
        self.assertEqual(case.agency_id, agency)
        self.assertEqual(case.state, "recalled")
        self.assertEqual(case.principal, 300.0)
        self.assertTrue(case.export_attachment_id)
        self.assertEqual(move.credit_followup_state, "active")
