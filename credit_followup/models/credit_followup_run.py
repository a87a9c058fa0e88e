from odoo import fields, models


class CreditFollowupRun(models.Model):
    """One call of the engine for one company: what it did, how long it took, who started it."""

    _name = "credit.followup.run"
    _description = "Follow-up run"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    date = fields.Date(required=True, readonly=True, help="The follow-up date the run decided for.")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Started by", readonly=True, default=lambda self: self.env.user)
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual"), ("partner", "One debtor"), ("approval", "Approval")],
        default="manual",
        readonly=True,
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("partial", "Partly done (continues in next call)")],
        default="running",
        readonly=True,
    )
    start = fields.Datetime(default=fields.Datetime.now, readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))
    partner_count = fields.Integer(string="Debtors", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    email_count = fields.Integer(string="E-mails", readonly=True)
    letter_count = fields.Integer(string="Letters", readonly=True)
    sms_count = fields.Integer(string="SMS", readonly=True)
    activity_count = fields.Integer(string="Calls and tasks", readonly=True)
    approval_count = fields.Integer(string="Waiting for approval", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    summary = fields.Json(
        string="Summary data", readonly=True, help="The engine's summary: actions per channel, skipped and why."
    )
    summary_text = fields.Text(compute="_compute_summary_text", string="Summary")
    log_ids = fields.One2many("credit.followup.log", "run_id", string="Actions")

    def _compute_name(self):
        for run in self:
            run.name = self.env._("Follow-up %(date)s – %(company)s", date=run.date, company=run.company_id.name)

    def _compute_summary_text(self):
        for run in self:
            data = run.summary or {}
            lines = [f"{key}: {value}" for key, value in sorted((data.get("actions") or {}).items())]
            lines += [
                self.env._("skipped (%(reason)s): %(count)s", reason=key, count=value)
                for key, value in sorted((data.get("skipped") or {}).items())
            ]
            run.summary_text = "\n".join(lines)

    def action_open_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "credit.followup.log",
            "view_mode": "list,form",
            "domain": [("run_id", "=", self.id)],
        }
