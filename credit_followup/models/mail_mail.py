from odoo import api, fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        if failure_type:
            logs = self.env["credit.followup.log"].sudo().search([("mail_id", "in", self.ids), ("state", "=", "done")])
            logs._credit_mark_failed(failure_reason or failure_type)
        return super()._postprocess_sent_message(success_pids, failure_reason=failure_reason, failure_type=failure_type)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounced reminder is a failed reminder: mark its log rows, fall back."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        bounced = message_dict.get("bounced_message")
        if bounced:
            logs = (
                self.env["credit.followup.log"]
                .sudo()
                .search(  # the bounce comes from the mail gateway
                    [("mail_message_id", "in", bounced.ids), ("state", "=", "done")]
                )
            )
            logs._credit_mark_failed(self.env._("the e-mail bounced (%s)", message_dict.get("bounced_email") or ""))
        return res


class MailActivity(models.Model):
    _inherit = "mail.activity"

    credit_followup_call = fields.Boolean(
        string="Follow-up call", readonly=True, help="A call or task planned by the follow-up engine."
    )

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
