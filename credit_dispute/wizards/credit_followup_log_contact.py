from odoo import Command, fields, models
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
        super()._credit_handle_outcome(contact)
        if self.outcome != "dispute":
            return
        if not self.move_ids:
            raise UserError(self.env._("A dispute concerns one or more invoices: choose them."))
        dispute = self.env["credit.dispute"].create(
            {
                "partner_id": contact.partner_id.id,
                "company_id": contact.company_id.id,
                "move_ids": [Command.set(self.move_ids.ids)],
                "category_id": self.dispute_category_id.id,
                "channel": CONTACT_TO_DISPUTE_CHANNEL.get(self.channel, "other"),
                "description": self.note,
            }
        )
        contact.dispute_id = dispute

    def _credit_outcome_action(self, contact):
        if self.outcome != "dispute" or not contact.dispute_id:
            return super()._credit_outcome_action(contact)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dispute",
            "res_id": contact.dispute_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
