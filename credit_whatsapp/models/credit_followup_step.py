from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditFollowupStep(models.Model):
    _inherit = "credit.followup.step"

    whatsapp_template_id = fields.Many2one(
        "credit.whatsapp.template",
        string="WhatsApp template",
        check_company=True,
        domain="[('company_id', '=', company_id), ('status', '=', 'APPROVED')]",
        help="An approved template of the company's WhatsApp account. Sent in the debtor's language when the "
        "template exists in it (same name), else in this one.",
    )
    whatsapp_param_ids = fields.One2many(
        "credit.whatsapp.step.param",
        "step_id",
        string="WhatsApp parameters",
        copy=True,
        help="What fills the template's parameters {{1}}, {{2}}… in this order.",
    )

    @api.model
    def _credit_followup_channels(self):
        return [*super()._credit_followup_channels(), ("whatsapp", self.env._("WhatsApp"))]

    @api.constrains("channel", "whatsapp_template_id", "whatsapp_param_ids")
    def _check_whatsapp_template(self):
        for step in self.filtered(lambda s: s.channel == "whatsapp" and s.whatsapp_template_id):
            expected = step.whatsapp_template_id.parameter_count
            if len(step.whatsapp_param_ids) != expected:
                raise ValidationError(
                    self.env._(
                        "WhatsApp template %(template)s takes %(count)s parameters; step %(step)s fills %(given)s.",
                        template=step.whatsapp_template_id.name,
                        count=expected,
                        step=step.name,
                        given=len(step.whatsapp_param_ids),
                    )
                )
