from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """Tell the AR mailbox whether the raw e-mail was sent by a machine: only the raw headers say so."""
        thread = self
        if any(route[0] == "credit.mail.inbox" for route in routes or ()):
            automatic = self.env["credit.mail.inbox"]._automatic_reason(message, message_dict)
            thread = self.with_context(credit_mail_gateway=True, credit_mail_automatic=automatic or False)
        return super(MailThread, thread)._message_route_process(message, message_dict, routes)
