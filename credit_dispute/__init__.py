from . import models
from . import wizards
from . import controllers


def _credit_dispute_post_init(env):
    """Every existing company gets the shipped issue categories (the main company has them from the data)."""
    Category = env["credit.issue.category"]
    for company in env["res.company"].search([]):
        Category._credit_ensure_company_categories(company)
