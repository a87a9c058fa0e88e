from . import tools
from . import models
from . import report
from . import wizards
from . import controllers
from . import demo


def _credit_dispute_post_init(env):
    """Every existing company gets the shipped issue categories (the main company has them from the data)."""
    # the module's translations are loaded after this hook: load them now, so that the copies speak them too
    langs = [code for code, _name in env["res.lang"].get_installed() if code != "en_US"]
    if langs:
        env["ir.module.module"]._get("credit_dispute")._update_translations(langs)
    Category = env["credit.issue.category"]
    for company in env["res.company"].search([]):
        Category._credit_ensure_company_categories(company)


def _credit_dispute_uninstall(env):
    """Invoices paused by a dispute or a debtor's e-mail go back to follow-up: those reasons leave with us."""
    moves = env["account.move"].search(
        [("credit_followup_state", "=", "paused"), ("credit_pause_reason", "in", ("dispute", "reply"))]
    )
    moves._credit_resume()
