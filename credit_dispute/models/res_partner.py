from odoo import fields, models
from odoo.exceptions import AccessError

from ..tools.api_values import amount_value, date_value, dispute_ref, named, step_ref
from .credit_dispute import OPEN_STATES


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_dispute_ids = fields.One2many("credit.dispute", "partner_id", string="Disputes")
    credit_open_dispute_count = fields.Integer(string="Open disputes", compute="_compute_credit_open_dispute_count")

    def _compute_credit_open_dispute_count(self):
        commercial = self.commercial_partner_id
        rows = self.env["credit.dispute"]._read_group(
            [("partner_id", "in", commercial.ids), ("state", "in", OPEN_STATES)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in rows}
        for partner in self:
            partner.credit_open_dispute_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_credit_register_dispute(self):
        self.ensure_one()
        return self.env["credit.dispute"]._action_register(self.commercial_partner_id)

    def action_credit_open_disputes(self):
        self.ensure_one()
        disputes = self.env["credit.dispute"].search([("partner_id", "=", self.commercial_partner_id.id)])
        return self.env["credit.dispute"]._action_list(disputes)

    # ------------------------------------------------------------------ dossier
    def action_credit_print_dossier(self):
        return self.env.ref("credit_dispute.action_report_credit_dossier").report_action(self.commercial_partner_id)

    # ------------------------------------------------------------------ CRM API
    def _credit_api_summary(self, company):
        """The debtor's credit summary in ``company`` as the CRM API shows it (the caller checked the user may read
        the debtor and invoices)."""
        self.ensure_one()
        partner = self.with_company(company)
        disputes = partner.env["credit.dispute"].browse()
        if disputes.has_access("read"):
            disputes = disputes.search(
                [("partner_id", "=", partner.id), ("state", "in", OPEN_STATES), ("company_id", "=", company.id)]
            )
        promises = None
        Promise = self.env["credit.followup.promise"]
        if Promise.has_access("read"):
            rows = Promise._read_group(
                [("partner_id", "=", partner.id), ("company_id", "=", company.id)], ["state"], ["__count"]
            )
            counts = dict(rows)
            promises = {state: counts.get(state, 0) for state in ("open", "kept", "broken", "cancelled")}
        risk = None
        # credit_segmentation's score, when installed, of this company; a failed read in a company that may not
        # see the partner would spoil the reads below, hence the access check first
        if "credit_risk_score" in partner._fields and partner.has_access("read"):
            try:
                risk = partner.credit_risk_score
            except AccessError:
                risk = None  # the field may be restricted to some groups
            risk = None if risk is None or risk is False else float(risk)
        currency = partner.credit_currency_id or company.currency_id
        return {
            "id": partner.id,
            "name": partner.display_name,
            "company": named(company),
            "currency": currency.name,
            "amount_due": amount_value(partner.credit_amount_due, currency),
            "amount_overdue": amount_value(partner.credit_amount_overdue, currency),
            "followup_status": partner.credit_followup_status or None,
            "next_action_date": date_value(partner.credit_next_action_date),
            "current_step": step_ref(partner.credit_current_step_id),
            "risk_score": risk,
            "open_disputes": {"count": len(disputes), "items": [dispute_ref(d) for d in disputes]},
            "promises": promises,
            # this company's broken promises (the partner's own counter adds up every company's)
            "broken_promise_count": (promises or {}).get("broken", 0),
        }
