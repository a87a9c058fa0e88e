from odoo import fields, models
from odoo.exceptions import UserError

CONTACT_TO_DISPUTE_CHANNEL = {
    "phone": "phone",
    "email": "email",
    "letter": "letter",
    "visit": "other",
    "other": "other",
}


class CreditFollowupLogContact(models.TransientModel):
    _inherit = "credit.followup.log.contact"

    dispute_category_id = fields.Many2one(
        "credit.issue.category",
        string="Issue category",
        domain="[('company_id', '=', company_id)]",
    )

    def _credit_handle_outcome(self, contact):
        result = super()._credit_handle_outcome(contact)
        if self.outcome != "dispute":
            return result
        if not self.move_ids:
            raise UserError(self.env._("A dispute concerns one or more invoices: choose them."))
        dispute = self.env["credit.dispute"].create(
            {
                "partner_id": contact.partner_id.id,
                "company_id": contact.company_id.id,
                "move_ids": [(6, 0, self.move_ids.ids)],
                "category_id": self.dispute_category_id.id,
                "channel": CONTACT_TO_DISPUTE_CHANNEL.get(self.channel, "other"),
                "description": self.note,
            }
        )
        contact.dispute_id = dispute
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dispute",
            "res_id": dispute.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
