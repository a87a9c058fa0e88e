from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.credit_followup.tests.common import CreditFollowupCommon


class CreditDisputeCommon(CreditFollowupCommon):
    """The follow-up test company with the shipped issue categories and a dispute resolver."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["credit_dispute"], ["nl_NL"], overwrite=True)
        Category = cls.env["credit.issue.category"]
        Category._credit_ensure_company_categories(cls.company)
        cls.categories = {c.code: c for c in Category.search([("company_id", "=", cls.company.id)])}
        cls.resolver = new_test_user(
            cls.env,
            login="resolver_rita",
            name="Rita Resolver",
            email="rita@example.com",
            groups="base.group_user,credit_followup.group_credit_dispute_resolver",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _dispute(self, moves, category="PRODUCT", **vals):
        return self.env["credit.dispute"].create(
            {
                "partner_id": moves.commercial_partner_id.id,
                "company_id": moves.company_id.id,
                "move_ids": [Command.set(moves.ids)],
                "category_id": self.categories[category].id if category else False,
                "description": "<p>The delivered goods were damaged.</p>",
                **vals,
            }
        )
