from odoo import api, fields, models


class CreditWhatsappLink(models.TransientModel):
    """Triage: link an unmatched WhatsApp message to a debtor and, optionally, invoices."""

    _name = "credit.whatsapp.link"
    _description = "Link a WhatsApp message"

    message_id = fields.Many2one("credit.whatsapp.message", required=True, readonly=True)
    number = fields.Char(related="message_id.number")
    body = fields.Text(related="message_id.body")
    company_id = fields.Many2one(related="message_id.company_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Contact or debtor",
        required=True,
        domain="[('company_id', 'in', [False, company_id])]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', commercial_partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    commercial_partner_id = fields.Many2one(related="partner_id.commercial_partner_id")
    remember = fields.Boolean(
        string="Remember this WhatsApp user",
        default=True,
        help="Store the sender's WhatsApp user id on the contact: their next messages are matched automatically.",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.move_ids = self.move_ids.filtered(lambda m: m.commercial_partner_id == self.commercial_partner_id)

    def action_link(self):
        self.ensure_one()
        self.message_id.action_link(self.partner_id, self.move_ids, remember=self.remember)
        return {"type": "ir.actions.act_window_close"}
