from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSegmentTour(HttpCase):
    def test_simulate_from_the_segment_form(self):
        company = self.env.ref("base.user_admin").company_id
        env = self.env(context={"allowed_company_ids": company.ids, "tracking_disable": True})
        Segment = env["credit.segment"]
        Segment.search([("company_id", "=", company.id)]).active = False  # only the tour's segments
        risky = Segment.create({"name": "Tour risky", "company_id": company.id, "risk_min": 90, "sequence": 1})
        rest = Segment.create({"name": "Tour rest", "company_id": company.id, "is_default": True})
        debtor = env["res.partner"].create({"name": "Tour Segment Debtor BV", "is_company": True})
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
        self.assertEqual(debtor.with_company(company).credit_segment_id, rest)
        self.start_tour("/odoo", "credit_segmentation_tour", login="admin")
        debtor.invalidate_recordset()
        self.assertEqual(debtor.with_company(company).credit_segment_id, rest, "the simulation moved nobody")
        self.assertEqual(risky.risk_min, 90)
