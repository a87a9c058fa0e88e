from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import whatsapp_api


class CreditWhatsappCompose(models.TransientModel):
    """Answer a debtor on WhatsApp from the partner or the invoice.

    Free text only inside the 24-hour customer-service window the debtor's last message opened; outside it
    WhatsApp accepts an approved template only, and the form says why.
    """

    _name = "credit.whatsapp.compose"
    _description = "Send a WhatsApp message"

    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, readonly=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="To",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    number = fields.Char(compute="_compute_number")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    account_id = fields.Many2one(
        "credit.whatsapp.account", compute="_compute_account", string="WhatsApp account", store=True
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices", domain="[('commercial_partner_id', '=', partner_id)]"
    )
    window_end = fields.Datetime(string="Free text allowed until", compute="_compute_window")
    window_open = fields.Boolean(compute="_compute_window")
    mode = fields.Selection(
        [("text", "Free text"), ("template", "Template")], compute="_compute_mode", store=True, readonly=False
    )
    body = fields.Text(string="Message")
    template_id = fields.Many2one(
        "credit.whatsapp.template",
        domain="[('account_id', '=', account_id), ('status', '=', 'APPROVED')]",
    )
    template_params = fields.Text(string="Parameter values", help="One line per parameter {{1}}, {{2}}…, in order.")
    template_preview = fields.Text(compute="_compute_template_preview", string="Preview")

    @api.model
    def _credit_action_open(self, partner, contact=None, moves=None):
        partner = partner.commercial_partner_id
        if len(partner) != 1:
            raise UserError(self.env._("WhatsApp one debtor at a time."))
        company = moves.company_id[:1] if moves else self.env.company
        contact = contact if contact and contact._credit_whatsapp_number() else partner
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("WhatsApp %(name)s", name=partner.name),
            "context": {
                "default_partner_id": partner.id,
                "default_contact_id": contact.id,
                "default_company_id": company.id,
                "default_move_ids": [(6, 0, (moves or self.env["account.move"]).ids)],
            },
        }

    @api.depends("contact_id")
    def _compute_number(self):
        for wizard in self:
            wizard.number = wizard.contact_id._credit_whatsapp_number() or False

    @api.depends("company_id")
    def _compute_account(self):
        for wizard in self:
            wizard.account_id = self.env["credit.whatsapp.account"]._credit_account(wizard.company_id)

    @api.depends("partner_id", "company_id")
    def _compute_window(self):
        Message = self.env["credit.whatsapp.message"]
        for wizard in self:
            wizard.window_end = Message._credit_window_end(wizard.partner_id, wizard.company_id)
            wizard.window_open = bool(wizard.window_end)

    @api.depends("window_open")
    def _compute_mode(self):
        for wizard in self:
            wizard.mode = "text" if wizard.window_open else "template"

    @api.depends("template_id", "template_params")
    def _compute_template_preview(self):
        for wizard in self:
            text = whatsapp_api.fill_template(wizard.template_id.body or "", wizard._params())
            wizard.template_preview = text or False

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id and not self.template_params:
            defaults = [self.partner_id.name, ", ".join(self.move_ids.mapped("name"))]
            self.template_params = "\n".join(defaults[: self.template_id.parameter_count])

    def _params(self):
        return [line.strip() for line in (self.template_params or "").splitlines() if line.strip()]

    def action_send(self):
        """Queue the message and send it at once; the queue retries what Meta asks to retry."""
        self.ensure_one()
        self.env["credit.whatsapp.message"].check_access("create")
        if not self.account_id:
            raise UserError(self.env._("Company %(company)s has no WhatsApp account.", company=self.company_id.name))
        if self.contact_id._credit_whatsapp_opted_out():
            raise UserError(self.env._("%(name)s opted out of WhatsApp messages.", name=self.contact_id.display_name))
        if self.mode == "text":
            if not self.window_open:
                raise UserError(
                    self.env._(
                        "The debtor's last WhatsApp message is more than 24 hours old (or there is none): "
                        "WhatsApp only accepts an approved template now."
                    )
                )
            if not (self.body or "").strip():
                raise UserError(self.env._("Write a message."))
            template, params = False, []
        else:
            template = self.template_id
            if not template:
                raise UserError(self.env._("Choose a template."))
            template = template._for_lang(self.contact_id.lang or self.partner_id.lang) or template
            params = self._params()
            if len(params) != template.parameter_count:
                raise UserError(
                    self.env._(
                        "Template %(name)s takes %(count)s parameters: give one value per line.",
                        name=template.name,
                        count=template.parameter_count,
                    )
                )
        last_in = self.env["credit.whatsapp.message"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("direction", "=", "in"),
                ("company_id", "=", self.company_id.id),
            ],
            order="date desc, id desc",
            limit=1,
        )
        extra = {}
        if self.contact_id == (last_in.contact_id or self.partner_id) and last_in:
            extra = {"number": last_in.number, "wa_user_id": last_in.wa_user_id}
        message = self.env["credit.whatsapp.message"]._credit_queue(
            self.account_id,
            self.contact_id,
            self.partner_id,
            "manual",
            body=self.body if not template else False,
            template=template or None,
            params=params,
            moves=self.move_ids,
            **extra,
        )
        message._send()
        message._credit_post(
            [self.partner_id, *self.move_ids],
            self.env.ref("credit_whatsapp.mt_credit_whatsapp_out"),
            author=self.env.user.partner_id,
        )
        if message.state == "failed":
            message._handle_failures()
            kind, text = (
                "danger",
                self.env._("WhatsApp refused the message: %(reason)s", reason=message._failure_reason()),
            )
        elif message.state == "queued":
            kind, text = (
                "warning",
                self.env._(
                    "WhatsApp did not take the message yet (%(reason)s); it is retried automatically.",
                    reason=message.error_message or "-",
                ),
            )
        else:
            kind, text = (
                "success",
                self.env._("WhatsApp message sent to %(to)s.", to=message.number or message.wa_user_id),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "message": text,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
