import email

from odoo import api, models
from odoo.tools.mail import unfold_references


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
