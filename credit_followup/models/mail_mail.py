import re

from odoo import models

PERMANENT_SMTP = re.compile(r"\(5\d\d,")


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        """A reminder the recipient's server refused for good is a failed reminder (fallback follows); one that
        could not be delivered because of our side (server down, connection refused, a 4xx answer) stays
        queued for the next queue run. Never raises into Odoo's mail queue (see _credit_mark_failed)."""
        logs_sudo = self.env["credit.followup.log"]
        if failure_type:
            # sudo: the mail queue runs as anyone
            logs_sudo = logs_sudo.sudo().search([("mail_id", "in", self.ids), ("state", "=", "done")])
        res = super()._postprocess_sent_message(success_pids, failure_reason=failure_reason, failure_type=failure_type)
        if logs_sudo:
            if _is_permanent(failure_type, failure_reason):
                logs_sudo._credit_mark_failed(failure_reason or failure_type)
            else:
                logs_sudo.mail_id.filtered(lambda mail: mail.state == "exception").mark_outgoing()
        return res


def _is_permanent(failure_type, failure_reason):
    """Whether a failed delivery is the recipient's: invalid or missing address, or a 5xx answer to RCPT TO."""
    if failure_type in ("mail_email_invalid", "mail_email_missing", "mail_bounce"):
        return True
    return bool(failure_reason and "SMTPRecipientsRefused" in failure_reason and PERMANENT_SMTP.search(failure_reason))
