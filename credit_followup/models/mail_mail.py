from odoo import api, models


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
