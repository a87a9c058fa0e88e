from odoo import Command

from odoo.addons.credit_followup.tests.common import CreditFollowupCommon


class CreditSegmentationCommon(CreditFollowupCommon):
    """The follow-up fixtures plus a strict profile and two segments; scoring runs on ``today``.

    Tests run under ``freeze_time(today)`` (the class decorator), so the company's "today" of the scoring is
    the fixtures' run date.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strict = cls.env["credit.followup.profile"].create(
            {
                "name": "Strict",
                "company_id": cls.company.id,
                "step_ids": [
                    Command.create({"name": "Strict SMS", "offset_days": 2, "channel": "sms"}),
                    Command.create({"name": "Strict first", "offset_days": 7, "channel": "email"}),
                    Command.create({"name": "Strict second", "offset_days": 14, "channel": "email"}),
                    Command.create({"name": "Strict call", "offset_days": 25, "channel": "phone"}),
                ],
            }
        )
        cls.strict_steps = {step.name: step for step in cls.strict.step_ids}
        Segment = cls.env["credit.segment"]
        cls.risky = Segment.create(
            {"name": "Risky", "sequence": 10, "company_id": cls.company.id, "risk_min": 40, "profile_id": cls.strict.id}
        )
        cls.default = Segment.create(
            {
                "name": "Rest",
                "sequence": 99,
                "company_id": cls.company.id,
                "is_default": True,
                "profile_id": cls.profile.id,
            }
        )

    def pay(self, move, day, amount=None):
        vals = {"payment_date": day}
        if amount:
            vals["amount"] = amount
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            vals
        )._create_payments()

    def segment_of(self, partner, company=None):
        partner.invalidate_recordset()
        return partner.with_company(company or self.company).credit_segment_id

    def profile_of(self, partner, company=None):
        partner.invalidate_recordset()
        return partner.with_company(company or self.company).credit_followup_profile_id
