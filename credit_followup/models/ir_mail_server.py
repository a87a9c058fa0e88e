from odoo import models

from .credit_followup_channels import QR_CID_PREFIX


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def build_email(self, email_from, email_to, subject, body, email_cc=None, email_bcc=None, reply_to=False,
                    attachments=None, message_id=None, references=None, object_id=False, subtype="plain",
                    headers=None, body_alternative=None, subtype_alternative="plain"):  # fmt: skip
        """Reminder QR codes travel as inline images: an attachment whose name the HTML body references as
        ``cid:<name>`` becomes a part of a multipart/related body with that Content-ID, not a download."""
        inline = [
            att for att in attachments or [] if att[0].startswith(QR_CID_PREFIX) and f"cid:{att[0]}" in (body or "")
        ]
        others = [att for att in attachments or [] if att not in inline]
        msg = super().build_email(
            email_from,
            email_to,
            subject,
            body,
            email_cc=email_cc,
            email_bcc=email_bcc,
            reply_to=reply_to,
            attachments=others if inline else attachments,
            message_id=message_id,
            references=references,
            object_id=object_id,
            subtype=subtype,
            headers=headers,
            body_alternative=body_alternative,
            subtype_alternative=subtype_alternative,
        )
        html_part = msg.get_body(preferencelist=("html",)) if inline else None
        for name, content, mimetype in inline if html_part else []:
            maintype, _sep, subtype_ = (mimetype or "image/png").partition("/")
            html_part.add_related(content, maintype, subtype_, cid=f"<{name}>", filename=name, disposition="inline")
        return msg
