from odoo import api, fields, models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_paid_date = fields.Date(
        string="Paid on",
        copy=False,
        readonly=True,
        help="Date of the payment that settled the invoice (the latest reconciliation), for the payment behaviour.",
    )

    def _credit_segmentation_active(self):
        """False inside base_import's test run ("Test" button): nothing may be scored or assigned there."""
        return not self.env.context.get("credit_import_dryrun")

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if self.env.context.get("import_file") and self._credit_segmentation_active():
            invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
            if invoices:
                self.env["credit.segment"]._credit_refresh(invoices.partner_id)
        return moves

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if invoices and self._credit_segmentation_active():
            self.env["credit.segment"]._credit_refresh(invoices.commercial_partner_id)
        return posted

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        invoices = self.filtered(lambda m: m.move_type == "out_invoice")
        if invoices:
            invoices._credit_set_paid_date()
            if self._credit_segmentation_active():
                self.env["credit.segment"]._credit_refresh(invoices.commercial_partner_id)
        return res

    def _credit_set_paid_date(self):
        """The date of the latest reconciliation of each invoice's receivable lines (today when unknown)."""
        dates = self._credit_paid_dates()
        today = fields.Date.context_today(self)
        for date, moves in self.grouped(lambda m: dates.get(m.id) or today).items():
            # a column of our own on posted invoices: an ORM write would re-check their lines
            self.env.execute_query(
                SQL("UPDATE account_move SET credit_paid_date = %s WHERE id = ANY(%s)", date, moves.ids)
            )
        self.invalidate_recordset(["credit_paid_date"])

    def _credit_paid_dates(self):
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.move_id, MAX(apr.max_date)
                  FROM account_move_line l
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = l.id OR apr.credit_move_id = l.id
                 WHERE l.move_id = ANY(%s) AND l.display_type = 'payment_term'
                 GROUP BY l.move_id
                """,
                self.ids,
            )
        )
        return dict(rows)

    @api.model
    def _credit_fill_paid_dates(self):
        """At install: the payment date of every paid customer invoice, in one statement."""
        self.env.execute_query(
            SQL(
                """
                UPDATE account_move m SET credit_paid_date = r.paid
                  FROM (SELECT l.move_id, MAX(apr.max_date) AS paid
                          FROM account_move_line l
                          JOIN account_partial_reconcile apr
                            ON apr.debit_move_id = l.id OR apr.credit_move_id = l.id
                          JOIN account_move mv ON mv.id = l.move_id
                         WHERE mv.move_type = 'out_invoice' AND mv.payment_state IN ('paid', 'in_payment')
                           AND l.display_type = 'payment_term'
                         GROUP BY l.move_id) r
                 WHERE m.id = r.move_id AND m.credit_paid_date IS NULL
                """
            )
        )
        self.invalidate_model(["credit_paid_date"])
