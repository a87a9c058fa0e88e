from odoo import Command, api, fields, models


class CreditFollowupPreview(models.TransientModel):
    """What the engine would do on a date — computed by the engine's own planning code, nothing written."""

    _name = "credit.followup.preview"
    _description = "Follow-up preview"

    date = fields.Date(required=True, default=lambda self: self.env.company._credit_today())
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_ids = fields.Many2many("res.partner", string="Debtors", help="Empty: every debtor.")
    profile_id = fields.Many2one("credit.followup.profile", domain="[('company_id', '=', company_id)]")
    line_ids = fields.One2many("credit.followup.preview.line", "preview_id", readonly=True)
    action_count = fields.Integer(compute="_compute_counts")
    partner_count = fields.Integer(compute="_compute_counts")

    @api.depends("line_ids")
    def _compute_counts(self):
        for preview in self:
            acting = preview.line_ids.filtered(lambda line: line.action in ("execute", "approval", "waiting"))
            preview.action_count = len(acting)
            preview.partner_count = len(acting.partner_id)

    @api.model
    def action_open(self, partners=None, profile=None):
        preview = self.create(
            {
                "partner_ids": [Command.set(partners.ids)] if partners else [],
                "profile_id": profile.id if profile else False,
                "company_id": (profile.company_id if profile else self.env.company).id,
            }
        )
        preview.action_compute()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Follow-up preview"),
        }

    def action_compute(self):
        self.ensure_one()
        lines = self.env["credit.followup.engine"].preview(
            companies=self.company_id,
            date=self.date,
            partners=self.partner_ids or None,
            profiles=self.profile_id or None,
        )
        keep = ("partner_id", "move_id", "step_id", "recipient_id", "action", "next_date", "amount_residual")
        self.line_ids = [Command.clear()] + [Command.create({k: line[k] for k in keep}) for line in lines]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Follow-up preview"),
        }


class CreditFollowupPreviewLine(models.TransientModel):
    _name = "credit.followup.preview.line"
    _description = "Follow-up preview line"
    _order = "partner_id, move_id"

    preview_id = fields.Many2one("credit.followup.preview", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="preview_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    step_id = fields.Many2one("credit.followup.step", readonly=True)
    channel = fields.Selection(related="step_id.channel")
    recipient_id = fields.Many2one("res.partner", string="Sent to", readonly=True)
    action = fields.Selection(
        [
            ("execute", "Executes"),
            ("approval", "Asks for approval"),
            ("waiting", "Waits for approval"),
            ("not_due", "Not due yet"),
            ("min_days", "Too soon after previous step"),
            ("min_amount", "Below minimum amount"),
            ("credited", "Covered by credits"),
            ("final", "Last step done"),
            ("no_profile", "No follow-up profile"),
        ],
        readonly=True,
    )
    next_date = fields.Date(readonly=True)
    amount_residual = fields.Monetary(string="Open amount", currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
