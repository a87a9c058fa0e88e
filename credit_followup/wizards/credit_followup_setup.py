from odoo import Command, api, fields, models
from odoo.exceptions import UserError

ROLES = {
    "is_manager": "credit_followup.group_credit_manager",
    "is_resolver": "credit_followup.group_credit_dispute_resolver",
    "is_reporting": "credit_followup.group_credit_reporting",
}


class CreditFollowupSetup(models.TransientModel):
    """Settings → Credit Management → Set up: default profiles per company and who does what.

    Other modules add pages by inheriting the form view and extending ``_credit_setup_apply``.
    Re-running it changes only what was changed.
    """

    _name = "credit.followup.setup"
    _description = "Set up credit management"

    company_line_ids = fields.One2many("credit.followup.setup.company", "setup_id", string="Companies")
    user_line_ids = fields.One2many("credit.followup.setup.user", "setup_id", string="People")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        Profile = self.env["credit.followup.profile"]
        values["company_line_ids"] = [
            Command.create({"company_id": company.id, "profile_id": Profile._default_profile(company).id})
            for company in self.env.companies
        ]
        groups = {field: self.env.ref(xmlid) for field, xmlid in ROLES.items()}
        users = (
            self.env["res.users"]
            .union(*(group.users for group in groups.values()))
            .filtered(lambda u: u.active and not u.share and u.id != self.env.ref("base.user_root").id)
        )
        values["user_line_ids"] = [
            Command.create(
                {
                    "user_id": user.id,
                    "name": user.name,
                    "email": user.email or user.login,
                    **{field: user in group.users for field, group in groups.items()},
                }
            )
            for user in users.sorted("name")
        ]
        return values

    def action_apply(self):
        self.ensure_one()
        self._credit_setup_apply()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Credit management"),
                "message": self.env._("Set-up saved."),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _credit_setup_apply(self):
        """Apply every page; other modules extend this with super()."""
        for line in self.company_line_ids:
            if line.profile_id and not line.profile_id.is_default:
                line.profile_id.action_set_default()
        for line in self.user_line_ids:
            line._apply()


class CreditFollowupSetupCompany(models.TransientModel):
    _name = "credit.followup.setup.company"
    _description = "Set up credit management: company"

    setup_id = fields.Many2one("credit.followup.setup", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True)
    profile_id = fields.Many2one(
        "credit.followup.profile", string="Default profile", domain="[('company_id', '=', company_id)]"
    )


class CreditFollowupSetupUser(models.TransientModel):
    _name = "credit.followup.setup.user"
    _description = "Set up credit management: person"

    setup_id = fields.Many2one("credit.followup.setup", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Existing user", domain="[('share', '=', False)]")
    name = fields.Char(required=True)
    email = fields.Char(required=True)
    is_manager = fields.Boolean(string="Credit Manager")
    is_resolver = fields.Boolean(string="Dispute Resolver")
    is_reporting = fields.Boolean(string="Credit Reporting")

    @api.onchange("user_id")
    def _onchange_user_id(self):
        if self.user_id:
            self.name = self.user_id.name
            self.email = self.user_id.email or self.user_id.login

    def _apply(self):
        """Create or invite the user when needed, then add/remove only the roles that changed."""
        self.ensure_one()
        user = self.user_id or self.env["res.users"].with_context(active_test=False).search(
            ["|", ("login", "=ilike", self.email), ("email", "=ilike", self.email)], limit=1
        )
        if user and user.share:
            raise UserError(self.env._("%s is a portal user: give credit roles to internal users only.", user.name))
        if not user:
            if not any(self[field] for field in ROLES):
                return
            # creating the user sends the invitation e-mail (auth_signup), as Settings → Users does
            user = self.env["res.users"].create(
                {
                    "name": self.name,
                    "login": self.email,
                    "email": self.email,
                    "company_id": self.env.company.id,
                    "company_ids": [Command.set(self.env.companies.ids)],
                }
            )
        commands = []
        for field, xmlid in ROLES.items():
            group = self.env.ref(xmlid)
            has = group in user.groups_id
            if self[field] and not has:
                commands.append(Command.link(group.id))
            elif not self[field] and has:
                commands.append(Command.unlink(group.id))
        if commands:
            user.write({"groups_id": commands})
        self.user_id = user
