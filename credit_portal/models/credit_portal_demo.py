"""Demo data: the portal debtor ``debtor`` / ``debtor`` in credit_followup's demo company.

Called from ``demo/credit_portal_demo.xml``; does nothing without the demo company or once the demo debtor exists.
"""

from datetime import timedelta

from odoo import Command, api, fields, models

XMLID_PREFIX = "credit_portal.demo_"


class CreditPortalDemo(models.AbstractModel):
    _name = "credit.portal.demo"
    _description = "Credit portal demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("credit_followup.demo_company", raise_if_not_found=False)
        if not company or self.env.ref(XMLID_PREFIX + "user_debtor", raise_if_not_found=False):
            return
        demo = self.with_company(company).with_context(tracking_disable=True, mail_notrack=True)
        demo._demo_provider(company)
        debtor, _user = demo._demo_debtor(company)
        demo._demo_invoices(company, debtor)

    def _demo_xmlid(self, name, record):
        self.env["ir.model.data"]._update_xmlids([{"xml_id": XMLID_PREFIX + name, "record": record, "noupdate": True}])

    def _demo_provider(self, company):
        """The demo payment provider, in test mode, for the demo company."""
        template = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if not template:
            return
        provider = self.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
        )
        if not provider:
            provider = template.copy({"company_id": company.id})
        provider.write({"state": "test", "is_published": True})
        self._demo_xmlid("provider", provider)

    def _demo_debtor(self, company):
        Partner = self.env["res.partner"]
        debtor = Partner.create(
            {
                "name": "Lunchroom Het Zonnetje B.V.",
                "is_company": True,
                "company_id": company.id,
                "lang": "nl_NL",
                "street": "Lange Delft 12",
                "zip": "4331 AP",
                "city": "Middelburg",
                "country_id": self.env.ref("base.nl").id,
                "email": "administratie@hetzonnetje.example",
                "phone": "+31 118 612 345",
            }
        )
        contact = Partner.create(
            {
                "name": "Sanne Visser",
                "parent_id": debtor.id,
                "company_id": company.id,
                "lang": "nl_NL",
                "email": "sanne@hetzonnetje.example",
            }
        )
        user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": "debtor",
                    "password": "debtor",  # demo only: log in as the portal debtor
                    "partner_id": contact.id,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
                }
            )
        )
        self._demo_xmlid("partner_debtor", debtor)
        self._demo_xmlid("user_debtor", user)
        return debtor, user

    def _demo_invoices(self, company, debtor):
        today = fields.Date.context_today(self)
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        tax = self.env["account.tax"].search(
            [("company_id", "=", company.id), ("type_tax_use", "=", "sale"), ("amount", "=", 21)], limit=1
        )
        specs = [  # (days until due, product, quantity, price)
            (-75, "Espressobonen Zeeuwse Melange 1 kg", 12, 18.50),
            (-40, "Filterkoffie Huismelange 1 kg", 20, 14.75),
            (-21, "Onderhoud espressomachine", 1, 245.00),
            (-12, "Chai siroop 750 ml", 24, 7.95),
            (-5, "Espressobonen Decaf 1 kg", 6, 21.00),
            (10, "Barista training (halve dag)", 1, 395.00),
            (-90, "Koffiekopjes Zeeuws knoopje (set van 12)", 4, 36.00),
        ]
        vals_list = [
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": debtor.id,
                "invoice_date": today + timedelta(days=offset - 30),
                "invoice_date_due": today + timedelta(days=offset),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"name": name, "quantity": qty, "price_unit": price, "tax_ids": [Command.set(tax.ids)]}
                    )
                ],
            }
            for offset, name, qty, price in specs
        ]
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        for move, (offset, *_rest) in zip(moves, specs, strict=True):
            if move.invoice_date_due != today + timedelta(days=offset):
                move.invoice_date_due = today + timedelta(days=offset)
        pay = self.env["credit.followup.demo"]._demo_pay
        pay(moves[1], today - timedelta(days=20), amount=150.0)  # partly paid
        pay(moves[6], today - timedelta(days=60))  # paid
        category = self.env["credit.issue.category"].search(
            [("company_id", "=", company.id), ("code", "=", "PRODUCT")], limit=1
        )
        if category:
            dispute = self.env["credit.dispute"].create(
                {
                    "partner_id": debtor.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves[2].ids)],
                    "category_id": category.id,
                    "channel": "portal",
                    "description": "<p>De machine lekt nog steeds na het onderhoud.</p>",
                }
            )
            self._demo_xmlid("dispute", dispute)
        for index, move in enumerate(moves):
            self._demo_xmlid(f"invoice_{index}", move)
