from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.credit_followup.tests.common import CreditFollowupCommon


class CreditCollectionCommon(CreditFollowupCommon):
    """The follow-up test company with two agencies (CSV by e-mail, XLSX) and the shipped formats."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["credit_collection_export"], ["nl_NL"], overwrite=True)
        cls.format_csv = cls.env.ref("credit_collection_export.format_generic_csv")
        cls.format_xlsx = cls.env.ref("credit_collection_export.format_generic_xlsx")
        cls.format_status = cls.env.ref("credit_collection_export.format_generic_status_csv")
        Agency = cls.env["credit.collection.agency"]
        cls.agency = Agency.create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Incasso Noord B.V.", "is_company": True}).id,
                "company_id": cls.company.id,
                "kind": "agency",
                "registration_number": "IR-2024-0042",
                "format_id": cls.format_csv.id,
                "status_format_id": cls.format_status.id,
                "email": "claims@incasso-noord.example",
                "fee_percentage": 15.0,
                "min_amount": 50.0,
            }
        )
        cls.bailiff = Agency.create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Deurwaarder Van Dam", "is_company": True}).id,
                "company_id": cls.company.id,
                "kind": "bailiff",
                "format_id": cls.format_xlsx.id,
            }
        )
        cls.reporter = new_test_user(
            cls.env,
            login="credit_reporter",
            name="Rob Reporting",
            email="rob@example.com",
            groups="base.group_user,credit_followup.group_credit_reporting",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.consumer = cls.env["res.partner"].create(
            {"name": "Jan de Vries", "email": "jan@example.com", "is_company": False, "city": "Utrecht"}
        )

    @classmethod
    def _notice_log(cls, move, days_ago, channel="letter"):
        """A formal-notice row in credit_followup's log, executed ``days_ago`` days before ``cls.today``."""
        step = (
            cls.env["credit.followup.step"]
            .sudo()
            .create(
                {
                    "profile_id": cls.profile.id,
                    "name": f"Notice {move.name}",
                    "offset_days": 60,
                    "channel": channel,
                    "final_step": True,
                }
            )
        )
        return (
            cls.env["credit.followup.log"]
            .sudo()
            .create(
                {
                    "move_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "company_id": move.company_id.id,
                    "step_id": step.id,
                    "channel": channel,
                    "date": cls.today - timedelta(days=days_ago),
                    "state": "done",
                }
            )
        )
