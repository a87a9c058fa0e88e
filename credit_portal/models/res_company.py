from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_portal_token_days = fields.Integer(
        string="Reminder link valid (days)",
        default=60,
        help="How long the personal link in a reminder opens the debtor's portal pages without an account.",
    )
    credit_portal_max_instalments = fields.Integer(
        string="Maximum instalments", default=6, help="The most instalments a debtor may propose on the portal."
    )
    credit_portal_max_term_days = fields.Integer(
        string="Maximum term (days)",
        default=180,
        help="The last instalment a debtor proposes is at most this many days away.",
    )
    credit_portal_min_instalment = fields.Monetary(
        string="Minimum instalment",
        default=50.0,
        currency_field="currency_id",
        help="Every instalment a debtor proposes is at least this amount.",
    )
    credit_portal_upload_max_mb = fields.Integer(
        string="Maximum upload size (MB)", default=5, help="Per file a debtor uploads on the portal."
    )
    credit_portal_upload_types = fields.Char(
        string="Allowed upload types",
        default="pdf,png,jpg,jpeg",
        help="File extensions a debtor may upload on the portal, separated by commas.",
    )
