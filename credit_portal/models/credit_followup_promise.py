from odoo import fields, models


class CreditFollowupPromise(models.Model):
    _inherit = "credit.followup.promise"

    credit_arrangement_id = fields.Many2one(
        "credit.payment.arrangement", string="Payment arrangement", index="btree_not_null", ondelete="set null"
    )
