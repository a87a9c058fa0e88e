from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CreditFollowupPause(models.TransientModel):
    """Pause or exclude invoices from follow-up, with a reason (tracked in their chatter)."""

    _name = "credit.followup.pause"
    _description = "Pause follow-up"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    mode = fields.Selection([("pause", "Pause"), ("exclude", "Exclude for good")], required=True, default="pause")
    until = fields.Date(string="Pause until", help="Follow-up resumes by itself after this date. Empty: until resumed.")
    note = fields.Char(string="Reason", required=True)

    @api.model
    def action_open(self, moves):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Pause follow-up"),
            "context": {"default_move_ids": [Command.set(moves.ids)]},
        }

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._credit_check_manager()
        moves = self.move_ids.filtered(lambda m: m.credit_followup_state in ("active", "paused", "excluded"))
        if not moves:
            raise UserError(self.env._("None of these invoices is in follow-up (paid, at an agency or not posted)."))
        if self.until and self.until <= self.env.company._credit_today():
            raise UserError(self.env._("The pause must end after today."))
        if self.mode == "exclude":
            moves.write(
                {
                    "credit_followup_state": "excluded",
                    "credit_followup_note": self.note,
                    "credit_pause_reason": False,
                    "credit_pause_until": False,
                }
            )
        else:
            moves._credit_pause("manual", self.until, self.note)
        return {"type": "ir.actions.act_window_close"}
