from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user


class CreditPortalCommon(HttpCase):
    """The admin's company (the browser's), a debtor with a portal user and three open invoices, another debtor,
    a credit manager, and the demo payment provider in test mode."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.user_admin").company_id
        cls.env = cls.env(context={**cls.env.context, "allowed_company_ids": cls.company.ids, "tracking_disable": True})
        cls.env["credit.issue.category"]._credit_ensure_company_categories(cls.company)
        cls.categories = {
            c.code: c for c in cls.env["credit.issue.category"].search([("company_id", "=", cls.company.id)])
        }
        provider = cls.env.ref("payment.payment_provider_demo").sudo()
        provider.write({"state": "test", "is_published": True, "company_id": cls.company.id})
        cls.env["payment.provider"].search([("id", "!=", provider.id), ("state", "!=", "disabled")]).state = "disabled"
        Partner = cls.env["res.partner"]
        cls.debtor = Partner.create(
            {
                "name": "Portal Debtor BV",
                "is_company": True,
                "email": "ap@portal-debtor.example",
                "street": "Oude Straat 1",
                "city": "Goes",
                "company_id": cls.company.id,
            }
        )
        cls.contact = Partner.create(
            {"name": "Pia Portal", "parent_id": cls.debtor.id, "email": "pia@portal-debtor.example"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="portal_pia",
            password="portal_pia_pw",
            name="Pia Portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.visitor_debtor = Partner.create(
            {
                "name": "Token Visitor BV",
                "is_company": True,
                "email": "ap@visitor.example",
                "company_id": cls.company.id,
            }
        )
        cls.other = Partner.create({"name": "Other Debtor BV", "is_company": True, "email": "ap@other.example"})
        cls.manager = new_test_user(
            cls.env,
            login="credit_manager_portal",
            name="Carla Credit",
            email="carla@example.com",
            groups="base.group_user,account.group_account_invoice,credit_followup.group_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.invoices = cls._invoices(cls.debtor, [100.0, 200.0, 400.0])
        cls.visitor_invoices = cls._invoices(cls.visitor_debtor, [110.0, 220.0, 440.0])
        cls.other_invoice = cls._invoices(cls.other, [999.0])

    @classmethod
    def _invoices(cls, partner, amounts, due_days=-20):
        today = fields.Date.today()
        moves = (
            cls.env["account.move"]
            .with_company(cls.company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": today + timedelta(days=due_days - 30 + index),
                        "invoice_date_due": today + timedelta(days=due_days + index),
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create({"name": "Coffee beans", "quantity": 1, "price_unit": amount, "tax_ids": []})
                        ],
                    }
                    for index, amount in enumerate(amounts)
                ]
            )
        )
        moves.action_post()
        return moves

    def _token(self, partner):
        return partner._credit_portal_token()
