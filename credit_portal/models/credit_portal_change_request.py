from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import single_email_re

# what a debtor may ask to change; nothing of it is written to the partner before a credit manager approves
CHANGE_FIELDS = ("street", "street2", "zip", "city", "country_id", "email", "phone")


class CreditPortalChangeRequest(models.Model):
    """A debtor's request, from the portal, to change their invoice address, e-mail or phone."""

    _name = "credit.portal.change.request"
    _description = "Address change request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")],
        default="pending",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    street = fields.Char(readonly=True)
    street2 = fields.Char(readonly=True)
    zip = fields.Char(readonly=True)
    city = fields.Char(readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    email = fields.Char(readonly=True)
    phone = fields.Char(readonly=True)
    old_values = fields.Text(string="Before", readonly=True, help="The partner's data when the request was made.")
    changes = fields.Html(compute="_compute_changes", sanitize=True)
    refuse_reason = fields.Text(tracking=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)
    date_decided = fields.Datetime(string="Decided on", readonly=True)

    @api.depends("partner_id")
    def _compute_name(self):
        for request in self:
            request.name = self.env._("Address change of %s", request.partner_id.display_name or "")

    @api.depends(*CHANGE_FIELDS)
    def _compute_changes(self):
        for request in self:
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td></tr>") % (label, value) for label, value in request._credit_changes()
            )
            request.changes = Markup("<table class='table table-sm'>%s</table>") % rows

    def _credit_changes(self):
        """[(field label, new value)] for what this request changes."""
        self.ensure_one()
        partner = self.partner_id.sudo()  # the portal user compares with their own partner
        result = []
        for fname in CHANGE_FIELDS:
            new, old = self[fname], partner[fname]
            if new != old and (new or old):
                result.append(
                    (
                        self._fields[fname].get_description(self.env)["string"],
                        new.display_name if fname == "country_id" else (new or ""),
                    )
                )
        return result

    @api.model
    def _credit_values_from_form(self, partner, form):
        """Clean create values from the portal form; a ValidationError says what is wrong."""
        vals = {"partner_id": partner.id, "company_id": (partner.company_id or self.env.company).id}
        for fname in CHANGE_FIELDS:
            raw = (form.get(fname) or "").strip()[:200]
            if fname == "country_id":
                country = self.env["res.country"].browse(int(raw)).exists() if raw.isdigit() else False
                if raw and not country:
                    raise ValidationError(self.env._("Unknown country."))
                vals[fname] = country.id if country else False
            else:
                vals[fname] = raw or False
        if vals["email"] and not single_email_re.match(vals["email"]):
            raise ValidationError(self.env._("Please enter a valid e-mail address."))
        if not (vals["street"] and vals["city"]):
            raise ValidationError(self.env._("Street and city are required."))
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        for request in requests:
            partner = request.partner_id.sudo()  # a snapshot of what the request would change
            request.old_values = "\n".join(
                f"{fname}: {partner[fname].display_name if fname == 'country_id' else (partner[fname] or '')}"
                for fname in CHANGE_FIELDS
            )
            if not request._credit_changes():
                raise ValidationError(self.env._("Nothing to change: these are the details we already have."))
        requests._credit_schedule_review()
        return requests

    def _credit_schedule_review(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        managers = self.env.ref("credit_followup.group_credit_manager").sudo().users  # whom to tell
        for request in self:
            company_managers = managers.filtered(lambda u, r=request: r.company_id in u.company_ids)
            user = (
                request.partner_id.with_company(request.company_id).sudo().credit_followup_responsible_id
                or company_managers[:1]
            )
            if user:
                request.sudo().activity_schedule(  # the debtor (portal) asks; the activity is the manager's
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    summary=self.env._("Approve or refuse an address change"),
                )

    def _credit_check_manager(self):
        if not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise UserError(self.env._("Only credit managers approve or refuse address changes."))
        if self.filtered(lambda r: r.state != "pending"):
            raise UserError(self.env._("This request was already decided."))

    def action_approve(self):
        self._credit_check_manager()
        for request in self:
            changes = request._credit_changes()
            vals = {fname: request[fname].id if fname == "country_id" else request[fname] for fname in CHANGE_FIELDS}
            partner = request.partner_id
            # sudo: a credit manager need not have the contact-editing right; _credit_check_manager checked them
            partner_sudo = partner.sudo()
            partner_sudo.write(vals)
            # the approval on the partner's chatter, by the manager, even without the contact-editing right
            partner_sudo.message_post(
                author_id=self.env.user.partner_id.id,
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._("Address change requested on the portal, approved by %s:", self.env.user.name),
                    Markup("").join(Markup("<li>%s: %s</li>") % change for change in changes),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.write({"state": "approved", "decided_by_id": self.env.uid, "date_decided": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._credit_tell_debtor()
        return True

    def action_refuse(self):
        self._credit_check_manager()
        self.write({"state": "refused", "decided_by_id": self.env.uid, "date_decided": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        self._credit_tell_debtor()
        return True

    def _credit_tell_debtor(self):
        template = self.env.ref("credit_portal.mail_template_change_request_decided")
        for request in self:
            if request.partner_id.email:
                request.message_post_with_source(template, subtype_xmlid="mail.mt_comment")
