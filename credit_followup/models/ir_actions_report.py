from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_report_url(self, layout=None):
        if self.env.context.get("credit_report_offline"):
            return "http://127.0.0.1:9"  # nothing listens: wkhtmltopdf renders without the CSS at once
        return super()._get_report_url(layout=layout)
