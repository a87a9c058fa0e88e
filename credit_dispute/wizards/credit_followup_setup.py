from odoo import Command, api, fields, models


class CreditFollowupSetup(models.TransientModel):
    _inherit = "credit.followup.setup"

    category_line_ids = fields.One2many(
        "credit.followup.setup.category", "setup_id", string="Issue categories per company"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "category_line_ids" not in fields_list:
            return values
        Category = self.env["credit.issue.category"].with_context(active_test=False)
        templates = Category._shipped_categories()
        lines = []
        for company in self.env.companies:
            own = {c.code: c for c in Category.search([("company_id", "=", company.id)])}
            for template in templates:
                category = own.get(template.code)
                lines.append(
                    Command.create(
                        {
                            "company_id": company.id,
                            "code": template.code,
                            "name": (category or template).name,
                            "applies": bool(category and category.active),
                        }
                    )
                )
        values["category_line_ids"] = lines
        return values

    def _credit_setup_apply(self):
        result = super()._credit_setup_apply()
        Category = self.env["credit.issue.category"].with_context(active_test=False)
        for company in self.category_line_ids.company_id:
            lines = self.category_line_ids.filtered(lambda line, c=company: line.company_id == c)
            wanted = set(lines.filtered("applies").mapped("code"))
            Category._credit_ensure_company_categories(company, codes=wanted)
            for category in Category.search([("company_id", "=", company.id), ("code", "in", lines.mapped("code"))]):
                if category.active != (category.code in wanted):
                    category.active = category.code in wanted
        return result


class CreditFollowupSetupCategory(models.TransientModel):
    _name = "credit.followup.setup.category"
    _description = "Set up credit management: issue category of a company"

    setup_id = fields.Many2one("credit.followup.setup", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True)
    code = fields.Char(required=True)
    name = fields.Char(string="Category", required=True)
    applies = fields.Boolean()
