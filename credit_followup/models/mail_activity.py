from odoo import api, fields, models
from odoo.exceptions import AccessError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    credit_followup_call = fields.Boolean(
        string="Follow-up call", readonly=True, help="A call or task planned by the follow-up engine."
    )
    credit_fix_contact = fields.Boolean(
        string="Fix contact data",
        readonly=True,
        help="A follow-up message could not be delivered: the debtor's contact data needs fixing.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("credit_followup_call") for vals in vals_list):
            self._credit_check_call_flag()
        return super().create(vals_list)

    def write(self, vals):
        if "credit_followup_call" in vals:
            self._credit_check_call_flag()
        return super().write(vals)

    def _credit_check_call_flag(self):
        """Only the engine (as superuser) marks an activity as its follow-up call: marked done, such an activity
        registers a contact with the debtor, which a user must not forge through RPC."""
        if not self.env.su:
            raise AccessError(self.env._("Only the follow-up engine plans follow-up calls."))

    def _action_done(self, feedback=False, attachment_ids=None):
        """A follow-up call marked done is a contact with the debtor: register it with its feedback."""
        calls = self.filtered(lambda a: a.credit_followup_call and a.res_model == "res.partner")
        contacts = [
            {
                "partner_id": activity.res_id,
                "company_id": self.env.company.id,
                "channel": "phone"
                if activity.activity_type_id == self.env.ref("mail.mail_activity_data_call")
                else "other",
                "direction": "out",
                "outcome": "other",
                "user_id": self.env.user.id,
                "note": feedback or activity.summary,
            }
            for activity in calls
        ]
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if contacts:
            self.env["credit.followup.contact"].sudo().create(contacts)  # the contact record of a done call
        return result
