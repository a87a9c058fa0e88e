from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_portal_token_days = fields.Integer(related="company_id.credit_portal_token_days", readonly=False)
    credit_portal_max_instalments = fields.Integer(related="company_id.credit_portal_max_instalments", readonly=False)
    credit_portal_max_term_days = fields.Integer(related="company_id.credit_portal_max_term_days", readonly=False)
    credit_portal_min_instalment = fields.Monetary(related="company_id.credit_portal_min_instalment", readonly=False)
    credit_portal_upload_max_mb = fields.Integer(related="company_id.credit_portal_upload_max_mb", readonly=False)
    credit_portal_upload_types = fields.Char(related="company_id.credit_portal_upload_types", readonly=False)
