from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_dispute_remind_days = fields.Integer(
        string="Remind every (days)",
        default=2,
        help="After its deadline, the responsible of an open dispute is reminded every this many days.",
    )
    credit_dispute_remind_before_days = fields.Integer(
        string="Remind before deadline (days)",
        default=1,
        help="The responsible gets a first reminder this many days before the deadline.",
    )
    credit_dispute_escalate_days = fields.Integer(
        string="Escalate after (days)",
        default=5,
        help="Open disputes this many days past their deadline are escalated to the credit managers.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            # sudo: a new company gets the shipped categories whoever creates it (a user may lack category rights)
            self.env["credit.issue.category"].sudo()._credit_ensure_company_categories(company)
        return companies


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_dispute_remind_days = fields.Integer(related="company_id.credit_dispute_remind_days", readonly=False)
    credit_dispute_remind_before_days = fields.Integer(
        related="company_id.credit_dispute_remind_before_days", readonly=False
    )
    credit_dispute_escalate_days = fields.Integer(related="company_id.credit_dispute_escalate_days", readonly=False)
