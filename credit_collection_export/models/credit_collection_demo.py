"""Demo data: two agencies of the demo company (a registered collection agency working with CSV files by
e-mail, a bailiff working with Excel) and cases in several states for the oldest overdue demo debtors.

Called from ``demo/credit_collection_demo.xml``; does nothing without credit_followup's demo company or
once the demo agency exists. Dates are relative to today."""

from datetime import timedelta

from odoo import api, models

XMLID_PREFIX = "credit_collection_export.demo_"
# (agency key, handed over days ago, final state, closed days ago, share collected, agency reference)
CASES = [
    ("noord", 2, "handed_over", None, 0.0, False),
    ("noord", 21, "in_progress", None, 0.25, "IN-26-1187"),
    ("noord", 75, "paid", 20, 1.0, "IN-26-0934"),
    ("vandam", 48, "partly_paid", 9, 0.6, "VD/2026/311"),
    ("vandam", 30, "recalled", 12, 0.0, "VD/2026/348"),
]


class CreditCollectionDemo(models.AbstractModel):
    _name = "credit.collection.demo"
    _description = "Collection demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("credit_followup.demo_company", raise_if_not_found=False)
        if not company or self.env.ref(XMLID_PREFIX + "agency_noord", raise_if_not_found=False):
            return False
        demo = self.with_company(company).with_context(
            mail_create_nosubscribe=True, tracking_disable=True, mail_notify_force_send=False
        )
        agencies = demo._demo_agencies(company)
        today = company._credit_today()
        candidates = demo.env["account.move"].search(
            demo.env["credit.collection.case"]._open_invoice_domain()
            + [("credit_followup_state", "=", "active"), ("invoice_date_due", "<", today - timedelta(days=80))],
            order="invoice_date_due, id",
        )
        debtors = candidates.commercial_partner_id
        for (key, days_ago, state, closed_ago, share, reference), debtor in zip(CASES, debtors, strict=False):
            moves = candidates.filtered(lambda m, d=debtor: m.commercial_partner_id == d)[:3]
            case = agencies[key].hand_over(moves, include_disputed=True, date=today - timedelta(days=days_ago))
            case.write(
                {
                    "agency_reference": reference,
                    "amount_collected": case.currency_id.round(case.amount_total * share),
                    "fee_amount": case.currency_id.round(
                        case.amount_total * share * agencies[key].fee_percentage / 100
                    ),
                }
            )
            if state == "recalled":
                case.action_recall()
            elif state != "handed_over":
                case._set_state(state, date=today - timedelta(days=closed_ago or 0))
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": f"{XMLID_PREFIX}case_{state}", "record": case, "noupdate": True}]
            )
        return True

    def _demo_agencies(self, company):
        Partner = self.env["res.partner"]
        noord = self.env["credit.collection.agency"].create(
            {
                "partner_id": Partner.create(
                    {
                        "name": "Incassobureau Noord B.V.",
                        "is_company": True,
                        "email": "dossiers@incassobureau-noord.example",
                        "city": "Groningen",
                        "country_id": self.env.ref("base.nl").id,
                        "lang": "nl_NL" if self.env["res.lang"]._lang_get("nl_NL") else "en_US",
                    }
                ).id,
                "company_id": company.id,
                "kind": "agency",
                "registration_number": "WKI-2024-00187",
                "format_id": self.env.ref("credit_collection_export.format_generic_csv").id,
                "status_format_id": self.env.ref("credit_collection_export.format_generic_status_csv").id,
                "email": "dossiers@incassobureau-noord.example",
                "portal_url": "https://portaal.incassobureau-noord.example",
                "fee_percentage": 15.0,
                "min_amount": 100.0,
            }
        )
        vandam = self.env["credit.collection.agency"].create(
            {
                "partner_id": Partner.create(
                    {
                        "name": "Gerechtsdeurwaarderskantoor Van Dam",
                        "is_company": True,
                        "city": "Rotterdam",
                        "country_id": self.env.ref("base.nl").id,
                    }
                ).id,
                "company_id": company.id,
                "kind": "bailiff",
                "format_id": self.env.ref("credit_collection_export.format_generic_xlsx").id,
                "email": "incasso@vandam-deurwaarders.example",
                "fee_percentage": 12.5,
            }
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": XMLID_PREFIX + "agency_noord", "record": noord, "noupdate": True},
                {"xml_id": XMLID_PREFIX + "agency_vandam", "record": vandam, "noupdate": True},
            ]
        )
        return {"noord": noord, "vandam": vandam}
