from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class CreditFollowupPostpone(models.TransientModel):
    """Postpone a debtor's next follow-up action to a date, with a reason."""

    _name = "credit.followup.postpone"
    _description = "Postpone follow-up"

    partner_id = fields.Many2one("res.partner", string="Debtor", required=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(string="Postpone to", required=True)
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.date <= self.env.company._credit_today():
            raise UserError(self.env._("Postpone to a date after today."))
        partner = self.partner_id.commercial_partner_id
        moves = self.env["account.move"].search(
            partner.with_company(self.company_id)._credit_open_invoice_domain()
            + [("credit_followup_state", "=", "active")]
        )
        if not moves:
            raise UserError(self.env._("%s has no invoice in follow-up.", partner.name))
        moves.sudo().write(
            {  # engine bookkeeping fields; the user's right to do this is the wizard's access
                "credit_followup_next_date": self.date,
                "credit_followup_planned": True,
            }
        )
        body = Markup("<p>%s</p>") % self.env._(
            "Follow-up postponed to %(date)s by %(user)s: %(reason)s",
            date=self.date,
            user=self.env.user.name,
            reason=self.reason,
        )
        for record in [partner, *moves]:
            record.message_post(body=body, subtype_xmlid="credit_followup.mt_credit_state")
        return {"type": "ir.actions.act_window_close"}
