from odoo import api, fields, models


class ReportCreditStatement(models.AbstractModel):
    """Values of the statement of account: every open item of the debtor, per currency."""

    _name = "report.credit_followup.report_credit_statement"
    _description = "Statement of account"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        date = fields.Date.to_date((data or {}).get("date")) or self.env.company._credit_today()
        kinds = {
            "invoice": self.env._("Invoice"),
            "credit_note": self.env._("Credit note"),
            "payment": self.env._("Payment"),
            "debit": self.env._("Debit"),
            "credit": self.env._("Credit"),
        }
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": {
                partner.id: partner._credit_statement_values(self.env.company, date) for partner in partners
            },
            "kinds": kinds,
        }
