from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_collection_case_id = fields.Many2one(
        "credit.collection.case",
        string="Collection case",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The case of the agency this invoice was last handed to.",
    )
    credit_collection_agency_id = fields.Many2one(
        related="credit_collection_case_id.agency_id", string="Collection agency"
    )

    def action_credit_collection_hand_over(self):
        return self.env["credit.collection.hand.over"].action_open(moves=self)

    def action_credit_collection_open_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.case",
            "res_id": self.credit_collection_case_id.id,
            "view_mode": "form",
        }
