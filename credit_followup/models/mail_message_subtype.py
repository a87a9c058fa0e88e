from odoo import api, fields, models


class MailMessageSubtype(models.Model):
    _inherit = "mail.message.subtype"

    credit_contact = fields.Boolean(
        string="Credit contact",
        help="Messages of this subtype are contacts with a debtor: they make up the contact history.",
    )

    @api.model
    def _credit_subtypes(self):
        return self.sudo().search([("credit_contact", "=", True)])  # subtypes are configuration, readable by all
