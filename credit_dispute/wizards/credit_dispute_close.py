from odoo import api, fields, models


class CreditDisputeClose(models.TransientModel):
    """Resolve or reject a dispute, and say when follow-up of its invoices resumes."""

    _name = "credit.dispute.close"
    _description = "Close a dispute"

    dispute_id = fields.Many2one("credit.dispute", required=True, ondelete="cascade")
    state = fields.Selection([("resolved", "Resolved"), ("rejected", "Rejected")], required=True, default="resolved")
    note = fields.Html(string="Resolution")
    resume = fields.Selection(
        [("now", "Resume follow-up now"), ("date", "Resume follow-up on a date"), ("keep", "Keep paused")],
        string="Follow-up",
        required=True,
        default="now",
        help="Keep paused: the invoices stay paused (reason: dispute) until someone resumes them.",
    )
    resume_date = fields.Date(string="Resume on")
    pauses = fields.Boolean(compute="_compute_pauses")

    @api.depends("dispute_id")
    def _compute_pauses(self):
        for wizard in self:
            # sudo on the invoices of a dispute the user may read: its responsible may not read invoices
            moves_sudo = wizard.dispute_id.sudo().move_ids if wizard.dispute_id.has_access("read") else []
            wizard.pauses = any(
                m.credit_followup_state == "paused" and m.credit_pause_reason == "dispute" for m in moves_sudo
            )

    def action_confirm(self):
        self.ensure_one()
        self.dispute_id.action_close(self.state, note=self.note, resume=self.resume, resume_date=self.resume_date)
        return {"type": "ir.actions.act_window_close"}
