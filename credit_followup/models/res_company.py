from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_promise_grace_days = fields.Integer(
        string="Grace days after a promise to pay",
        default=3,
        help="Follow-up of promised invoices waits until the promised date plus these days; then the promise "
        "is kept (paid) or broken.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_promise_grace_days = fields.Integer(related="company_id.credit_promise_grace_days", readonly=False)
