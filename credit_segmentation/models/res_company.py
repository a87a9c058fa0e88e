from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_risk_weight_days_late = fields.Integer(
        string="Weight: days paid late",
        default=30,
        help="Weight of the average days paid late (amount-weighted, last 12 months; full at 60 days).",
    )
    credit_risk_weight_late_share = fields.Integer(
        string="Weight: share paid late",
        default=20,
        help="Weight of the share of invoices paid late (last 12 months; full at 100%).",
    )
    credit_risk_weight_steps = fields.Integer(
        string="Weight: follow-up steps",
        default=15,
        help="Weight of the follow-up steps reached in the last 12 months (full at 10 steps).",
    )
    credit_risk_weight_overdue = fields.Integer(
        string="Weight: overdue vs. credit limit",
        default=20,
        help="Weight of the current overdue amount as a share of the credit limit (full at 100%).",
    )
    credit_risk_weight_promises = fields.Integer(
        string="Weight: broken promises",
        default=10,
        help="Weight of the promises to pay broken in the last 12 months (full at 3).",
    )
    credit_risk_weight_disputes = fields.Integer(
        string="Weight: open disputes",
        default=5,
        help="Weight of the open disputes (full at 3).",
    )
    credit_risk_reference_amount = fields.Monetary(
        string="Reference credit limit",
        currency_field="currency_id",
        default=10000.0,
        help="Debtors without a credit limit of their own: their overdue amount is compared with this amount.",
    )
