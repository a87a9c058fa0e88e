from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.followup_plan import Action


class ReportCreditLetter(models.AbstractModel):
    """Values of the reminder letter: the engine passes, per debtor, the invoices and step."""

    _name = "report.credit_followup.report_credit_letter"
    _description = "Follow-up reminder letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        """The letters of ``docids``. ``data["letters"]`` (the engine's, or a request's options) may only name the
        invoices, recipient, step and date of each letter, which are checked; everything that becomes an address in
        the PDF (the QR code image) is computed here from the records: wkhtmltopdf fetches whatever it is given."""
        letters = (data or {}).get("letters") or {}
        partners = self.env["res.partner"].browse(docids)
        partners.check_access("read")
        Move = self.env["account.move"]
        Step = self.env["credit.followup.step"]
        values = {}
        actions_by_date = {}
        named = self._letter_records(partners, letters)
        for partner in partners:
            letter = letters.get(str(partner.id))
            if letter:
                moves, recipient, step, date = named[partner.id]
                # the step's name and letter text in the debtor's language, like the rest of the letter
                lang = letter.get("lang") if isinstance(letter.get("lang"), str) else None
                lang = lang or recipient.lang or partner.lang
                step = step.with_context(lang=lang)
                # the portal's short URL, code and QR image are made here, never taken from the data: they end up
                # in an img src, which wkhtmltopdf would fetch
                portal = partner.commercial_partner_id._credit_portal_letter() if step.include_payment_link else False
            else:  # printed from the partner form: the overdue invoices, no step
                moves = Move.search(partner._credit_open_invoice_domain(), order="invoice_date_due")
                step, recipient, date = Step, partner, self.env.company._credit_today()
                lang = self.env["credit.followup.engine"]._lang(partner, partner, self.env.company)
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
            amounts = engine._credit_template_data(actions, self.env.company, date)
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

    @api.model
    def _letter_records(self, partners, letters):
        """{partner id: (invoices, recipient, step, date)} that the letters' data names, checked for all letters at
        once (a fixed number of queries): readable by the user, the invoices the debtor's, the recipient one of its
        contacts. Anything else is refused: the data may come from a request's options."""
        parsed = {}
        for partner in partners:
            letter = letters.get(str(partner.id))
            if not letter:
                continue
            if not isinstance(letter, dict):
                raise UserError(self.env._("Invalid letter data."))
            try:
                parsed[partner.id] = (
                    [int(move_id) for move_id in letter.get("move_ids") or []],
                    int(letter.get("recipient_id") or partner.id),
                    int(letter.get("step_id") or 0),
                    fields.Date.to_date(letter.get("date")) or self.env.company._credit_today(),
                )
            except (TypeError, ValueError):
                raise UserError(self.env._("Invalid letter data.")) from None
        moves = self.env["account.move"].browse({i for ids, _r, _s, _d in parsed.values() for i in ids})
        recipients = self.env["res.partner"].browse({r for _i, r, _s, _d in parsed.values()})
        steps = self.env["credit.followup.step"].browse({s for _i, _r, s, _d in parsed.values() if s})
        for records in (moves, recipients, steps):
            if len(records.exists()) != len(records):
                raise UserError(self.env._("Invalid letter data."))
            records.check_access("read")
        moves.fetch(["commercial_partner_id"])  # for all letters at once
        recipients.fetch(["commercial_partner_id"])
        result = {}
        for partner in partners.filtered(lambda p: p.id in parsed):
            move_ids, recipient_id, step_id, date = parsed[partner.id]
            commercial = partner.commercial_partner_id
            letter_moves = moves.browse(move_ids)
            recipient = recipients.browse(recipient_id)
            if letter_moves.filtered(lambda m, c=commercial: m.commercial_partner_id != c) or (
                recipient.commercial_partner_id != commercial
            ):
                raise UserError(self.env._("A letter lists invoices of its debtor and goes to one of its contacts."))
            result[partner.id] = (letter_moves, recipient, steps.browse(step_id), date)
        return result
