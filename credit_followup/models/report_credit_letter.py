from odoo import api, fields, models

from .credit_followup_engine import Action


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
        actions_by_date = {}
        for partner in partners:
            letter = letters.get(str(partner.id))
            if letter:
                moves = Move.browse(letter["move_ids"])
                recipient = self.env["res.partner"].browse(letter["recipient_id"])
                # the step's name and letter text in the debtor's language, like the rest of the letter
                lang = letter.get("lang") or recipient.lang or partner.lang
                step = Step.with_context(lang=lang).browse(letter["step_id"])
                date = fields.Date.to_date(letter["date"])
                portal = letter.get("portal")
            else:  # printed from the partner form: the overdue invoices, no step
                moves = Move.search(partner._credit_open_invoice_domain(), order="invoice_date_due")
                step, recipient, date = Step, partner, self.env.company._credit_today()
                lang = self.env["credit.followup.engine"]._credit_lang(partner, partner, self.env.company)
                portal = partner.commercial_partner_id._credit_portal_letter()
            recipient = recipient if (recipient.street and recipient.city) else partner
            values[partner.id] = {
                "moves": moves,
                "under_discussion": [],
                "step": step,
                "recipient": recipient,
                "date": date,
                "lang": lang,
                "groups": [],
                "total": 0.0,
                "currency": self.env.company.currency_id,
                "portal": portal,
            }
            if moves:
                action = Action(partner, "letter", recipient, [(move, step) for move in moves])
                actions_by_date.setdefault(date, []).append(action)
        # the same figures as the e-mail, for all letters at once: per currency the invoices, the credits, the
        # balance, costs and interest when the step states them, and the EPC QR code for a EUR balance
        engine = self.env["credit.followup.engine"]
        for date, actions in actions_by_date.items():
            amounts = engine.with_context(credit_date=date)._credit_template_data(actions, self.env.company)
            for partner_id, entry in amounts.items():
                values[partner_id].update(
                    groups=entry["groups"],
                    total=entry["total"],
                    currency=entry["currency"],
                    under_discussion=entry["under_discussion"],  # listed apart, with the dispute's reference
                )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "letters": values,
        }
