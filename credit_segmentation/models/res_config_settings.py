from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_risk_weight_days_late = fields.Integer(related="company_id.credit_risk_weight_days_late", readonly=False)
    credit_risk_weight_late_share = fields.Integer(related="company_id.credit_risk_weight_late_share", readonly=False)
    credit_risk_weight_steps = fields.Integer(related="company_id.credit_risk_weight_steps", readonly=False)
    credit_risk_weight_overdue = fields.Integer(related="company_id.credit_risk_weight_overdue", readonly=False)
    credit_risk_weight_promises = fields.Integer(related="company_id.credit_risk_weight_promises", readonly=False)
    credit_risk_weight_disputes = fields.Integer(related="company_id.credit_risk_weight_disputes", readonly=False)
    credit_risk_reference_amount = fields.Monetary(
        related="company_id.credit_risk_reference_amount", readonly=False, currency_field="currency_id"
    )
