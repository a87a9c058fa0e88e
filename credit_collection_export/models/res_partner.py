from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_collection_case_count = fields.Integer(
        string="Collection cases", compute="_compute_credit_collection_case_count"
    )

    def _compute_credit_collection_case_count(self):
        rows = self.env["credit.collection.case"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in rows}
        for partner in self:
            partner.credit_collection_case_count = counts.get(partner.commercial_partner_id.id, 0)

    def action_credit_collection_hand_over(self):
        return self.env["credit.collection.hand.over"].action_open(partners=self)

    def action_credit_collection_cases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_export.action_credit_collection_case")
        action["domain"] = [("partner_id", "in", self.commercial_partner_id.ids)]
        return action
