from odoo import api, fields, models


class ReportCreditStatement(models.AbstractModel):
    """Values of the statement of account: every open item of the debtor, per currency."""

    _name = "report.credit_followup.report_credit_statement"
    _description = "Statement of account"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        date = fields.Date.to_date((data or {}).get("date")) or self.env.company._credit_today()
        statements = {}
        for partner in partners:
            statement = partner._credit_statement_values(self.env.company, date)
            env = self.with_context(lang=partner.lang).env if partner.lang else self.env  # the debtor's language
            statement["kinds"] = {
                "invoice": env._("Invoice"),
                "credit_note": env._("Credit note"),
                "payment": env._("Payment"),
                "debit": env._("Debit"),
                "credit": env._("Credit"),
            }
            statements[partner.id] = statement
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }
