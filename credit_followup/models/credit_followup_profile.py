from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditFollowupProfile(models.Model):
    _name = "credit.followup.profile"
    _description = "Follow-up profile"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    is_default = fields.Boolean(
        string="Default profile",
        tracking=True,
        help="Debtors without a profile of their own are followed up with the company's default profile.",
    )
    description = fields.Text(translate=True, help="Which debtors this profile is meant for.")
    step_ids = fields.One2many("credit.followup.step", "profile_id", string="Steps", copy=True)
    timeline = fields.Json(
        compute="_compute_timeline", help="The steps on a day axis around the due date (timeline widget)."
    )
    step_count = fields.Integer(compute="_compute_step_count")
    partner_count = fields.Integer(compute="_compute_partner_count", string="Debtors")

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A follow-up profile with this name already exists."),
    ]

    @api.depends(
        "step_ids.offset_days",
        "step_ids.channel",
        "step_ids.name",
        "step_ids.final_step",
        "step_ids.optional",
        "step_ids.needs_approval",
    )
    def _compute_timeline(self):
        channels = dict(self.env["credit.followup.step"]._fields["channel"]._description_selection(self.env))
        for profile in self:
            profile.timeline = [
                {
                    "id": step.id if isinstance(step.id, int) else False,
                    "name": step.name,
                    "offset": step.offset_days,
                    "channel": step.channel,
                    "channel_label": channels.get(step.channel, step.channel),
                    "optional": step.optional,
                    "final": step.final_step,
                    "approval": step.needs_approval,
                }
                for step in profile.step_ids.sorted(lambda s: (s.offset_days, s.sequence))
            ]

    @api.depends("step_ids")
    def _compute_step_count(self):
        for profile in self:
            profile.step_count = len(profile.step_ids)

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]
            .with_context(active_test=False)
            ._read_group([("credit_followup_profile_id", "in", self.ids)], ["credit_followup_profile_id"], ["__count"])
        )
        for profile in self:
            profile.partner_count = counts.get(profile, 0)

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for company in self.filtered("is_default").company_id:
            defaults = self.search([("company_id", "=", company.id), ("is_default", "=", True)])
            if len(defaults) > 1:
                raise ValidationError(
                    self.env._(
                        "Company %(company)s can have only one default follow-up profile (now: %(names)s).",
                        company=company.name,
                        names=", ".join(defaults.mapped("name")),
                    )
                )

    def action_set_default(self):
        self.ensure_one()
        self.search([("company_id", "=", self.company_id.id), ("is_default", "=", True)]).is_default = False
        self.is_default = True

    def write(self, vals):
        res = super().write(vals)
        if {"step_ids", "active"} & set(vals):
            self._replan()
        return res

    def _replan(self):
        """Steps changed: the engine plans the next step of every invoice on these profiles anew."""
        partners = self.env["res.partner"].search([("credit_followup_profile_id", "in", self.ids)])
        domain = [("credit_followup_state", "=", "active"), ("company_id", "in", self.company_id.ids)]
        if not any(self.mapped("is_default")):
            domain.append(("commercial_partner_id", "in", partners.ids))
        self.env["account.move"].search(domain).credit_followup_planned = False

    @api.model
    def _default_profile(self, company):
        return self.search([("company_id", "=", company.id), ("is_default", "=", True)], limit=1)

    def action_open_steps(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Steps of %s", self.name),
            "res_model": "credit.followup.step",
            "view_mode": "list,form",
            "domain": [("profile_id", "=", self.id)],
            "context": {"default_profile_id": self.id},
        }

    def action_preview(self):
        self.ensure_one()
        return self.env["credit.followup.preview"].action_open(profile=self)
