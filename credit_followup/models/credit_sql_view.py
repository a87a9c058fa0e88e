from odoo import models


class CreditSqlView(models.AbstractModel):
    """Base of the suite's reports and worklist: read-only models on a SQL query over live data.

    Their rows are computed from invoices, journal items, logs, promises, disputes and partners, so pending ORM
    writes on those must reach the database before the query runs. Odoo 18 no longer calls ``_flush_search``;
    ``_search`` is where every search, count and read_group passes.
    """

    _name = "credit.sql.view"
    _description = "Credit report on live data"
    _auto = False

    def _search(self, domain, offset=0, limit=None, order=None):
        self.env.flush_all()
        return super()._search(domain, offset=offset, limit=limit, order=order)
