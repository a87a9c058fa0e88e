from odoo import api, fields, models

PARAM_VALUES = [
    ("partner_name", "Debtor's name"),
    ("amount", "Total open amount"),
    ("invoice_numbers", "Invoice numbers"),
    ("due_date", "Oldest due date"),
    ("payment_link", "Payment link"),
    ("portal_link", "Portal link"),
    ("company_name", "Our company's name"),
]


class CreditWhatsappStepParam(models.Model):
    """One parameter of a step's WhatsApp template: which value fills {{n}}."""

    _name = "credit.whatsapp.step.param"
    _description = "WhatsApp template parameter"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one("credit.followup.step", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="step_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    value = fields.Selection(PARAM_VALUES, required=True, default="partner_name")
    position = fields.Integer(compute="_compute_position", string="Parameter")

    @api.depends("step_id.whatsapp_param_ids", "sequence")
    def _compute_position(self):
        for param in self:
            ordered = param.step_id.whatsapp_param_ids.sorted(lambda p: (p.sequence, p.id))
            param.position = (list(ordered).index(param) + 1) if param in ordered else 0
