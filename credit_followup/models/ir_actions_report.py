from odoo import models
from odoo.modules.registry import Registry


def _registry_locked_here():
    """Whether this thread holds Odoo's registry lock: while modules load, and while ``--test-enable`` runs the
    tests (``ThreadedServer.run`` holds it around them; browser tests swap in a dummy lock)."""
    is_owned = getattr(Registry._lock, "_is_owned", None)
    return bool(is_owned and is_owned())


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_report_url(self, layout=None):
        # wkhtmltopdf fetches the report's CSS from this server; a request to it needs the registry lock, so while
        # this thread holds it the fetch would wait forever, and the render with it: render without the CSS then
        if self.env.context.get("credit_report_offline") or _registry_locked_here():
            return "http://127.0.0.1:9"  # nothing listens: wkhtmltopdf renders without the CSS at once
        return super()._get_report_url(layout=layout)
