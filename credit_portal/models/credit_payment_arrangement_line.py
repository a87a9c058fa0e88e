from odoo import fields, models


class CreditPaymentArrangementLine(models.Model):
    _name = "credit.payment.arrangement.line"
    _description = "Instalment"
    _order = "date, id"

    arrangement_id = fields.Many2one("credit.payment.arrangement", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="arrangement_id.company_id", store=True)
    currency_id = fields.Many2one(related="arrangement_id.currency_id")
    date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
