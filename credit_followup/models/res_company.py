from odoo import api, fields, models

from .credit_collection_cost_bracket import WIK_MAXIMUM, WIK_MINIMUM


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_promise_grace_days = fields.Integer(
        string="Grace days after a promise to pay",
        default=3,
        help="Follow-up of promised invoices waits until the promised date plus these days; then the promise "
        "is kept (paid) or broken.",
    )
    credit_collection_cost_bracket_ids = fields.One2many(
        "credit.collection.cost.bracket",
        "company_id",
        string="Collection costs scale",
        help="Extrajudicial collection costs as a share of the principal, per bracket (Dutch WIK scale).",
    )
    credit_collection_costs_min = fields.Monetary(
        string="Minimum collection costs", currency_field="currency_id", default=WIK_MINIMUM
    )
    credit_collection_costs_max = fields.Monetary(
        string="Maximum collection costs",
        currency_field="currency_id",
        default=WIK_MAXIMUM,
        help="0: no maximum.",
    )
    credit_collection_costs_vat = fields.Boolean(
        string="VAT on collection costs",
        help="Charge VAT on top of the collection costs. Only allowed when the company cannot deduct that VAT "
        "itself (it is not liable to VAT for the claim).",
    )
    credit_collection_costs_vat_rate = fields.Float(string="VAT rate on collection costs (%)", default=21.0)
    credit_notice_delivery_days_post = fields.Integer(
        string="Delivery days of a letter",
        default=2,
        help="Working days after which a posted letter counts as received; the 14-day term of a formal notice "
        "starts the day after that.",
    )
    credit_notice_delivery_days_email = fields.Integer(
        string="Delivery days of an e-mail",
        default=0,
        help="Days after which an e-mail counts as received (0: the day it is sent).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.collection.cost.bracket"].sudo()._credit_install_brackets(companies)  # sudo: a new
        # company's statutory scale is set up for whoever creates the company
        return companies

    def credit_collection_costs(self, principal):
        """Extrajudicial collection costs on ``principal`` (in the company's currency), excluding VAT: the
        company's scale, at least its minimum, at most its maximum. Nothing when nothing is owed."""
        self.ensure_one()
        if principal <= 0:
            return 0.0
        brackets = self.credit_collection_cost_bracket_ids.sorted("amount_from")
        costs = 0.0
        for index, bracket in enumerate(brackets):
            upper = brackets[index + 1].amount_from if index + 1 < len(brackets) else principal
            if principal > bracket.amount_from:
                costs += (min(principal, upper) - bracket.amount_from) * bracket.rate / 100.0
        costs = max(costs, self.credit_collection_costs_min)
        if self.credit_collection_costs_max:
            costs = min(costs, self.credit_collection_costs_max)
        return self.currency_id.round(costs)

    def _credit_collection_costs_vat(self, costs):
        """VAT charged on top of ``costs`` (0 when the company can deduct VAT)."""
        self.ensure_one()
        if not self.credit_collection_costs_vat:
            return 0.0
        return self.currency_id.round(costs * self.credit_collection_costs_vat_rate / 100.0)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_promise_grace_days = fields.Integer(related="company_id.credit_promise_grace_days", readonly=False)
    credit_collection_costs_min = fields.Monetary(related="company_id.credit_collection_costs_min", readonly=False)
    credit_collection_costs_max = fields.Monetary(related="company_id.credit_collection_costs_max", readonly=False)
    credit_collection_costs_vat = fields.Boolean(related="company_id.credit_collection_costs_vat", readonly=False)
    credit_collection_costs_vat_rate = fields.Float(
        related="company_id.credit_collection_costs_vat_rate", readonly=False
    )
    credit_notice_delivery_days_post = fields.Integer(
        related="company_id.credit_notice_delivery_days_post", readonly=False
    )
    credit_notice_delivery_days_email = fields.Integer(
        related="company_id.credit_notice_delivery_days_email", readonly=False
    )
