from collections import defaultdict

from odoo import api, models

from .credit_collection_case import OPEN_STATES


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        """Every payment reconciled with an invoice creates a partial: a payment on an invoice at an agency
        shows on its case and the agency is told."""
        partials = super().create(vals_list)
        amounts = defaultdict(float)
        cases = self.env["credit.collection.case"]
        for partial in partials:
            for line in (partial.debit_move_id, partial.credit_move_id):
                case = line.move_id.credit_collection_case_id
                if case and case.state in OPEN_STATES and line.move_id.move_type == "out_invoice":
                    amount = (
                        partial.debit_amount_currency
                        if line == partial.debit_move_id
                        else partial.credit_amount_currency
                    )
                    amounts[case.id] += amount
                    cases |= case
        if cases:
            cases._notify_direct_payment(amounts)
        return partials
