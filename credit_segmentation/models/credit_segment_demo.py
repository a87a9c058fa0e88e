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
        dutch = self.env["res.lang"]._lang_get("nl_NL")
        if dutch:  # the module's translations come after its demo data: load them now for the Dutch names
            self.env["ir.module.module"]._get("credit_segmentation")._update_translations(["nl_NL"])
        demo = self.with_company(company).with_context(tracking_disable=True)
        b2b = self.env.ref("credit_followup.demo_profile_b2b")
        b2c = self.env.ref("credit_followup.demo_profile_b2c")
        strict = b2b.copy({"is_default": False, **self._demo_strict_texts()})
        for step in strict.step_ids:
            if step.offset_days > 0:  # everything after the due date comes sooner
                step.offset_days = max(1, step.offset_days // 2)
        languages = self.env["res.lang"].with_context(active_test=False).search([("code", "in", ("de_DE", "en_US"))])
        criteria = {
            "segment_foreign": {
                "sequence": 10,
                "partner_kind": "company",
                "lang_ids": [Command.set(languages.ids)],
                "profile_id": b2b.id,
            },
            "segment_consumers": {"sequence": 20, "partner_kind": "person", "profile_id": b2c.id},
            "segment_risky": {"sequence": 30, "partner_kind": "company", "risk_min": 35.0, "profile_id": strict.id},
            "segment_reliable": {"sequence": 40, "is_default": True, "profile_id": b2b.id},
        }
        texts = self._demo_segment_texts()
        dutch_texts = self.with_context(lang="nl_NL")._demo_segment_texts() if dutch else {}
        Segment = demo.env["credit.segment"]
        for xmlid, values in criteria.items():
            segment = Segment.create(dict(values, company_id=company.id, **texts[xmlid]))
            if dutch:
                segment.with_context(lang="nl_NL").write(dutch_texts[xmlid])
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": XMLID_PREFIX + xmlid, "record": segment, "noupdate": True}]
            )
        if dutch:
            strict.with_context(lang="nl_NL").write(self.with_context(lang="nl_NL")._demo_strict_texts())
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": XMLID_PREFIX + "profile_strict", "record": strict, "noupdate": True}]
        )
        demo.env["account.move"]._credit_fill_paid_dates()
        demo.env["res.partner"]._credit_rescore(company)
        # the demo debtors' profiles so far came from credit_followup's demo: the segments decide from now on
        demo.env["credit.segment"].assign(companies=company)
        return True

    def _demo_strict_texts(self):
        _ = self.env._
        return {
            "name": _("Strict B2B"),
            "description": _("Risky companies: reminders earlier and more often."),
        }

    def _demo_segment_texts(self):
        """Names and descriptions of the demo segments in the context's language."""
        _ = self.env._
        return {
            "segment_foreign": {
                "name": _("Foreign language"),
                "description": _("Companies abroad: reminders in their own language."),
            },
            "segment_consumers": {"name": _("Consumers"), "description": _("Individuals: short terms, SMS early.")},
            "segment_risky": {
                "name": _("Risky B2B"),
                "description": _("Companies that pay late or leave invoices open: followed up strictly."),
            },
            "segment_reliable": {
                "name": _("Reliable B2B"),
                "description": _("Everybody else: companies that pay (nearly) on time."),
            },
        }
