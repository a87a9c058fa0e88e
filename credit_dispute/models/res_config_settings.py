from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_dispute_remind_days = fields.Integer(related="company_id.credit_dispute_remind_days", readonly=False)
    credit_dispute_remind_before_days = fields.Integer(
        related="company_id.credit_dispute_remind_before_days", readonly=False
    )
    credit_dispute_escalate_days = fields.Integer(related="company_id.credit_dispute_escalate_days", readonly=False)

    # ------------------------------------------------------------------ accounts-receivable mailbox
    credit_ar_alias_name = fields.Char(
        string="Accounts-receivable alias",
        compute="_compute_credit_ar_alias_name",
        readonly=False,
        help="Local part of the accounts-receivable address (e.g. 'debiteuren'); created on the company's alias "
        "domain when saved; empty: no alias.",
    )
    credit_ar_alias_domain = fields.Char(related="company_id.alias_domain_name", string="Alias domain")
    credit_reply_pause_mode = fields.Selection(related="company_id.credit_reply_pause_mode", readonly=False)
    credit_reply_hold_days = fields.Integer(related="company_id.credit_reply_hold_days", readonly=False)
    credit_mail_user_id = fields.Many2one(related="company_id.credit_mail_user_id", readonly=False)
    credit_mail_ack = fields.Boolean(related="company_id.credit_mail_ack", readonly=False)

    @api.depends("company_id")
    def _compute_credit_ar_alias_name(self):
        for settings in self:
            settings.credit_ar_alias_name = settings.company_id.credit_ar_alias_id.alias_name or False

    def set_values(self):
        result = super().set_values()
        for settings in self:
            company = settings.company_id
            if (settings.credit_ar_alias_name or False) != (company.credit_ar_alias_id.alias_name or False):
                company._credit_set_ar_alias(settings.credit_ar_alias_name)
        return result
