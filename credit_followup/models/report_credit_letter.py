from odoo import api, fields, models


class ReportCreditLetter(models.AbstractModel):
    """Values of the reminder letter: the engine passes, per debtor, the invoices and step."""

    _name = "report.credit_followup.report_credit_letter"
    _description = "Follow-up reminder letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        letters = (data or {}).get("letters") or {}
        partners = self.env["res.partner"].browse(docids)
        Move = self.env["account.move"]
        Step = self.env["credit.followup.step"]
        values = {}
        for partner in partners:
            letter = letters.get(str(partner.id))
            if letter:
                moves = Move.browse(letter["move_ids"])
                recipient = self.env["res.partner"].browse(letter["recipient_id"])
                # the step's name and letter text in the debtor's language, like the rest of the letter
                step = Step.with_context(lang=recipient.lang or partner.lang).browse(letter["step_id"])
                date = fields.Date.to_date(letter["date"])
                qr = letter.get("qr")
            else:  # printed from the partner form: the overdue invoices, no step
                moves = Move.search(partner._credit_open_invoice_domain(), order="invoice_date_due")
                step, recipient, date, qr = Step, partner, self.env.company._credit_today(), False
            values[partner.id] = {
                "moves": moves,
                "step": step,
                "recipient": recipient if (recipient.street and recipient.city) else partner,
                "date": date,
                "qr": qr,
                "total": sum(moves.mapped("amount_residual")),
                "currency": moves.currency_id[:1] or self.env.company.currency_id,
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": values,
        }
