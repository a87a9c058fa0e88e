import re

from odoo import api, fields, models

PERMANENT_SMTP = re.compile(r"\(5\d\d,")


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        """A reminder the recipient's server refused for good is a failed reminder (fallback follows); one that
        could not be delivered because of our side (server down, connection refused, a 4xx answer) stays
        queued for the next queue run. Never raises into Odoo's mail queue (see _credit_mark_failed)."""
        logs = self.env["credit.followup.log"]
        if failure_type:
            logs = logs.sudo().search([("mail_id", "in", self.ids), ("state", "=", "done")])  # queue runs as anyone
        res = super()._postprocess_sent_message(success_pids, failure_reason=failure_reason, failure_type=failure_type)
        if logs:
            if _is_permanent(failure_type, failure_reason):
                logs._credit_mark_failed(failure_reason or failure_type)
            else:
                logs.mail_id.filtered(lambda mail: mail.state == "exception").mark_outgoing()
        return res


def _is_permanent(failure_type, failure_reason):
    """Whether a failed delivery is the recipient's: invalid or missing address, or a 5xx answer to RCPT TO."""
    if failure_type in ("mail_email_invalid", "mail_email_missing", "mail_bounce"):
        return True
    return bool(failure_reason and "SMTPRecipientsRefused" in failure_reason and PERMANENT_SMTP.search(failure_reason))


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
    credit_fix_contact = fields.Boolean(
        string="Fix contact data",
        readonly=True,
        help="A follow-up message could not be delivered: the debtor's contact data needs fixing.",
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
