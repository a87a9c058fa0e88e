import email
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.mail import unfold_references

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
        """A bounced reminder is a failed reminder: mark its log rows, fall back.

        Only a real delivery-status report (RFC 3464: multipart/report, a permanent failure) that returns the
        reminder itself counts: the Message-Id of the returned message, not the In-Reply-To or References of the
        report, which anyone quoting the reminder can set (Odoo's own bounce detection falls back to those)."""
        res = super()._routing_handle_bounce(email_message, message_dict)
        bounced = message_dict.get("bounced_message")
        returned = self._credit_dsn_returned_ids(email_message)
        if bounced and returned:
            bounced = bounced.filtered(lambda m: m.message_id in returned)
            logs = (
                self.env["credit.followup.log"]
                .sudo()
                .search(  # the bounce comes from the mail gateway
                    [("mail_message_id", "in", bounced.ids), ("state", "=", "done")]
                )
            )
            logs._credit_mark_failed(self.env._("the e-mail bounced (%s)", message_dict.get("bounced_email") or ""))
        return res

    @api.model
    def _credit_dsn_returned_ids(self, email_message):
        """Message-Ids of the messages a delivery-status report says failed for good, or an empty set."""
        if email_message.get_content_type() != "multipart/report":
            return set()
        if (email_message.get_param("report-type") or "").lower() != "delivery-status":
            return set()
        status = next((p for p in email_message.walk() if p.get_content_type() == "message/delivery-status"), None)
        if status is None:
            return set()
        # per-recipient blocks after the per-message one: "Action: failed" (RFC 3464 §2.3.3)
        blocks = status.get_payload() if status.is_multipart() else []
        if not any(str(block.get("Action", "")).strip().lower() == "failed" for block in blocks[1:]):
            return set()
        returned = set()
        for part in email_message.walk():
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else inner
                value = inner.get("Message-Id") if hasattr(inner, "get") else None
            elif part.get_content_type() == "text/rfc822-headers":
                value = email.message_from_string(part.get_content() or "").get("Message-Id")
            else:
                continue
            if value:
                returned.update(ref.strip() for ref in unfold_references(str(value)))
        return returned


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
