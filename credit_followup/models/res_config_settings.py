from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_promise_grace_days = fields.Integer(related="company_id.credit_promise_grace_days", readonly=False)
    credit_collection_costs_min = fields.Monetary(related="company_id.credit_collection_costs_min", readonly=False)
    credit_collection_costs_max = fields.Monetary(related="company_id.credit_collection_costs_max", readonly=False)
    credit_collection_costs_vat = fields.Boolean(related="company_id.credit_collection_costs_vat", readonly=False)
    credit_collection_costs_vat_rate = fields.Float(
        related="company_id.credit_collection_costs_vat_rate", readonly=False
    )
    credit_notice_delivery_days_post = fields.Integer(
        related="company_id.credit_notice_delivery_days_post", readonly=False
    )
    credit_notice_delivery_days_email = fields.Integer(
        related="company_id.credit_notice_delivery_days_email", readonly=False
    )
    credit_tz = fields.Selection(related="company_id.credit_tz", readonly=False)
    credit_quiet_hours_start = fields.Float(related="company_id.credit_quiet_hours_start", readonly=False)
    credit_quiet_hours_end = fields.Float(related="company_id.credit_quiet_hours_end", readonly=False)
