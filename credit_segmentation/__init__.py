from . import models, report, wizards


def _credit_segmentation_post_init(env):
    """Invoices paid before the module was installed get their payment date, then every debtor is scored."""
    env["account.move"]._credit_fill_paid_dates()
    env["res.partner"]._credit_keep_manual_profiles()
    env["res.partner"]._credit_rescore(env["res.company"].search([]))
