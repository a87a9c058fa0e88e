from odoo import models

PERMANENT_STATUSES = ("exception", "bounce")


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_notifications(self, notification_status, failure_type=False, failure_reason=False):
        """An SMS that ends in error (wrong number, no credit, refused, blacklisted) is a failed reminder:
        its follow-up log rows are marked failed and the step's fallback channel takes over."""
        res = super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason
        )
        if notification_status in PERMANENT_STATUSES and failure_type != "sms_server":
            messages = self.mail_notification_id.mail_message_id
            if messages:
                logs = (
                    self.env["credit.followup.log"]
                    .sudo()  # the provider's answer arrives without a credit manager
                    .search([("mail_message_id", "in", messages.ids), ("channel", "=", "sms"), ("state", "=", "done")])
                )
                if logs:
                    labels = dict(
                        self.env["mail.notification"]._fields["failure_type"]._description_selection(self.env)
                    )
                    reason = self.env._(
                        "the SMS failed (%s)", labels.get(failure_type) or failure_reason or failure_type or "?"
                    )
                    logs._credit_mark_failed(reason)
        return res
