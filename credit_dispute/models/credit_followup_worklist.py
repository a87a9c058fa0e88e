from odoo import fields, models
from odoo.exceptions import UserError

from .credit_dispute import OPEN_STATES


class CreditFollowupWorklist(models.Model):
    _inherit = "credit.followup.worklist"

    dispute_count = fields.Integer(
        string="Open disputes",
        compute="_compute_dispute_count",
        search="_search_dispute_count",
        help="Open disputes of this debtor in this company: their invoices wait until they are solved.",
    )

    def _dispute_rows(self, domain):
        # counted as superuser: the worklist is the credit manager's, the disputes may be assigned to anyone
        return (
            self.env["credit.dispute"]
            .sudo()
            ._read_group([("state", "in", OPEN_STATES), *domain], ["partner_id", "company_id"], ["__count"])
        )

    def _compute_dispute_count(self):
        rows = self._dispute_rows([("partner_id", "in", self.partner_id.ids)])
        counts = {(partner.id, company.id): count for partner, company, count in rows}
        for row in self:
            row.dispute_count = counts.get((row.partner_id.id, row.company_id.id), 0)

    def _search_dispute_count(self, operator, value):
        """Debtors with (``> 0``, ``!= 0``) or without (``= 0``) an open dispute."""
        if operator not in (">", "!=", "=") or value not in (0, False):
            raise UserError(self.env._("Search debtors with or without open disputes only."))
        rows = self._dispute_rows([("company_id", "in", self.env.companies.ids)])
        pairs = {(partner.id, company.id) for partner, company, _count in rows}
        with_dispute = self.search([("partner_id", "in", [partner for partner, _company in pairs])]).filtered(
            lambda r: (r.partner_id.id, r.company_id.id) in pairs
        )
        return [("id", "not in" if operator == "=" else "in", with_dispute.ids)]
