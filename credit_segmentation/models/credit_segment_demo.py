from odoo import Command, api, models

XMLID_PREFIX = "credit_segmentation.demo_"


class CreditSegmentDemo(models.AbstractModel):
    _name = "credit.segment.demo"
    _description = "Segmentation demo data"

    @api.model
    def _load_demo(self):
        """Segments of the demo company, then every demo debtor scored and assigned."""
        company = self.env.ref("credit_followup.demo_company", raise_if_not_found=False)
        if not company or self.env.ref(XMLID_PREFIX + "segment_reliable", raise_if_not_found=False):
            return False
        demo = self.with_company(company).with_context(tracking_disable=True)
        b2b = self.env.ref("credit_followup.demo_profile_b2b")
        b2c = self.env.ref("credit_followup.demo_profile_b2c")
        strict = b2b.copy(
            {
                "name": self.env._("Strict B2B"),
                "is_default": False,
                "description": self.env._("Risky companies: reminders earlier and more often."),
            }
        )
        for step in strict.step_ids:
            if step.offset_days > 0:  # everything after the due date comes sooner
                step.offset_days = max(1, step.offset_days // 2)
        Segment = demo.env["credit.segment"]
        languages = self.env["res.lang"].with_context(active_test=False).search([("code", "in", ("de_DE", "en_US"))])
        specs = [
            (
                "segment_foreign",
                {
                    "name": self.env._("Foreign language"),
                    "sequence": 10,
                    "partner_kind": "company",
                    "lang_ids": [Command.set(languages.ids)],
                    "profile_id": b2b.id,
                    "description": self.env._("Companies abroad: reminders in their own language."),
                },
            ),
            (
                "segment_consumers",
                {
                    "name": self.env._("Consumers"),
                    "sequence": 20,
                    "partner_kind": "person",
                    "profile_id": b2c.id,
                    "description": self.env._("Individuals: short terms, SMS early."),
                },
            ),
            (
                "segment_risky",
                {
                    "name": self.env._("Risky B2B"),
                    "sequence": 30,
                    "partner_kind": "company",
                    "risk_min": 35.0,
                    "profile_id": strict.id,
                    "description": self.env._("Companies that pay late or leave invoices open: followed up strictly."),
                },
            ),
            (
                "segment_reliable",
                {
                    "name": self.env._("Reliable B2B"),
                    "sequence": 40,
                    "is_default": True,
                    "profile_id": b2b.id,
                    "description": self.env._("Everybody else: companies that pay (nearly) on time."),
                },
            ),
        ]
        for xmlid, values in specs:
            segment = Segment.create(dict(values, company_id=company.id))
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": XMLID_PREFIX + xmlid, "record": segment, "noupdate": True}]
            )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": XMLID_PREFIX + "profile_strict", "record": strict, "noupdate": True}]
        )
        demo.env["account.move"]._credit_fill_paid_dates()
        demo.env["res.partner"]._credit_rescore(company)
        # the demo debtors' profiles so far came from credit_followup's demo: the segments decide from now on
        demo.env["credit.segment"].assign(companies=company)
        return True
