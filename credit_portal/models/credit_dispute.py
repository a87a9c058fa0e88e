import base64
import os

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount, format_date, plaintext2html

from odoo.addons.credit_followup.models.res_partner import OPEN_INVOICE_DOMAIN


class CreditDispute(models.Model):
    _inherit = "credit.dispute"

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for dispute in self:
            dispute.access_url = f"/my/credit/complaints/{dispute.id}"
        return result

    @api.model
    def _credit_portal_check_files(self, company, files):
        """[(name, bytes, mimetype)] of the uploaded files, checked against the company's size and type limits."""
        allowed = {ext.strip().lower().lstrip(".") for ext in (company.credit_portal_upload_types or "").split(",")}
        limit = (company.credit_portal_upload_max_mb or 5) * 1024 * 1024
        result = []
        for upload in files:
            if not upload or not getattr(upload, "filename", None):
                continue
            name = os.path.basename(upload.filename)[:200]
            ext = os.path.splitext(name)[1].lower().lstrip(".")
            if ext not in allowed:
                raise ValidationError(
                    self.env._(
                        "%(name)s: this type of file is not accepted (allowed: %(types)s).",
                        name=name,
                        types=", ".join(sorted(allowed)),
                    )
                )
            data = upload.read(limit + 1)
            if len(data) > limit:
                raise ValidationError(
                    self.env._(
                        "%(name)s is larger than %(size)s MB.", name=name, size=company.credit_portal_upload_max_mb
                    )
                )
            result.append((name, data, upload.mimetype))
        return result

    @api.model
    def _credit_portal_open(self, partner, moves, category, message, files=(), extra_html=None, portal_only=True):
        """A complaint from the portal: checks everything the debtor sent, then opens the dispute (channel portal).

        ``partner`` is the commercial partner the page is for; ``moves``, ``category`` come from the form and are
        checked here: open invoices of this debtor, a category of their company that is visible on the portal."""
        moves = moves.sudo()  # checked right below against the debtor
        if not moves:
            raise ValidationError(self.env._("Choose the invoice(s) your complaint is about."))
        if moves.filtered_domain(OPEN_INVOICE_DOMAIN + [("commercial_partner_id", "=", partner.id)]) != moves:
            raise ValidationError(self.env._("These invoices cannot be part of a complaint."))
        if len(moves.company_id) > 1:
            raise ValidationError(self.env._("Choose invoices of one company."))
        company = moves.company_id
        category = category.sudo()  # checked: the company's, active and visible on the portal
        visible = category.portal_visible or not portal_only
        if not category or not visible or category.company_id != company or not category.active:
            raise ValidationError(self.env._("Choose one of the categories offered."))
        message = (message or "").strip()[:5000]
        if not message and not extra_html:
            raise ValidationError(self.env._("Tell us what the problem is."))
        uploads = self._credit_portal_check_files(company, files)
        description = plaintext2html(message) if message else Markup("")
        if extra_html:
            description = extra_html + description
        # sudo: the debtor (portal or token visitor) opens a dispute; every value was checked above
        dispute = (
            self.sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "category_id": category.id,
                    "channel": "portal",
                    "description": description,
                }
            )
        )
        if uploads:
            attachments = (
                self.env["ir.attachment"]
                .sudo()  # the debtor's proof, attached to the dispute it belongs to
                .create(
                    [
                        {
                            "name": name,
                            "datas": base64.b64encode(data),
                            "mimetype": mimetype,
                            "res_model": "credit.dispute",
                            "res_id": dispute.id,
                        }
                        for name, data, mimetype in uploads
                    ]
                )
            )
            dispute.message_post(
                body=self.env._("Files sent by the debtor on the portal"),
                attachment_ids=attachments.ids,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        dispute._credit_portal_confirm()
        return dispute

    def _credit_portal_confirm(self):
        template = self.env.ref("credit_portal.mail_template_complaint_received")
        for dispute in self:
            if dispute.partner_id.email:
                dispute.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _credit_portal_messages(self):
        """The conversation the debtor sees: comments, no internal notes, oldest first."""
        self.ensure_one()
        return (
            self.env["mail.message"]
            .sudo()  # the debtor's page shows the public messages of their own dispute
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("message_type", "in", ("comment", "email")),
                    ("subtype_id.internal", "=", False),
                ],
                order="id asc",
            )
        )

    def _credit_portal_post(self, partner, message):
        self.ensure_one()
        message = (message or "").strip()[:5000]
        if not message:
            raise ValidationError(self.env._("Write a message first."))
        if self.state not in ("new", "in_progress"):
            raise ValidationError(self.env._("This complaint is closed."))
        # sudo: posted as the debtor on their own dispute; followers (the responsible) are notified
        return self.sudo().message_post(
            body=plaintext2html(message),
            author_id=partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    @api.model
    def _credit_portal_paid(self, partner, moves, date, amount, message, files):
        """ "I already paid": a dispute of the company's "already paid" category with the proof attached."""
        try:
            paid_on = fields.Date.to_date(date)
            paid_amount = float(amount)
        except (TypeError, ValueError):
            paid_on = paid_amount = None
        if not paid_on or paid_amount is None or paid_amount <= 0 or paid_amount > 1e12:
            raise ValidationError(self.env._("Give the date and the amount you paid."))
        company = moves.sudo().company_id[:1] or self.env.company
        if paid_on > company._credit_today():
            raise ValidationError(self.env._("The payment date cannot be in the future."))
        if not [f for f in files if f and getattr(f, "filename", None)]:
            raise ValidationError(self.env._("Attach the proof of payment (e.g. a bank statement)."))
        category = (
            self.env["credit.issue.category"]
            .sudo()  # the company's "already paid" category, also when it is not offered in the complaint form
            .search([("code", "=", "PAID"), ("company_id", "=", company.id)], limit=1)
        )
        currency = moves.sudo().currency_id[:1] or company.currency_id
        facts = Markup("<p>%s</p>") % self.env._(
            "Paid on %(date)s: %(amount)s",
            date=format_date(self.env, paid_on),
            amount=format_amount(self.env, paid_amount, currency),
        )
        return self._credit_portal_open(
            partner, moves, category, message, files=files, extra_html=facts, portal_only=False
        )
