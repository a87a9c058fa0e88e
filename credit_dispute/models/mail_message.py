from odoo import models
from odoo.tools import html2plaintext

from ..tools.api_values import datetime_value


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _credit_api_values(self):
        """The message as the CRM API shows it in an invoice's history."""
        self.ensure_one()
        # author names as the chatter shows them: the message is readable, its author may be of another company
        author_sudo = self.author_id.sudo()
        return {
            "id": self.id,
            "date": datetime_value(self.date),
            "message_type": self.message_type,
            "subtype": {"id": self.subtype_id.id, "name": self.subtype_id.sudo().name} if self.subtype_id else None,
            "author": {"id": author_sudo.id, "name": author_sudo.display_name or ""} if author_sudo else None,
            "email_from": self.email_from or None,
            "subject": self.subject or None,
            "body": self.body or "",
            "body_text": html2plaintext(self.body or ""),
            "attachment_count": len(self.attachment_ids),
        }
