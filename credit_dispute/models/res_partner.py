from odoo import fields, models

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
