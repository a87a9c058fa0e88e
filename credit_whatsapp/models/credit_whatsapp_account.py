import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import whatsapp_api

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "credit_followup.group_credit_manager"


class CreditWhatsappAccount(models.Model):
    """A WhatsApp Business phone number of a company, reached through Meta's Cloud API."""

    _name = "credit.whatsapp.account"
    _description = "WhatsApp Business account"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, help="A name for this number, e.g. 'Accounts receivable'.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    phone_number_id = fields.Char(
        string="Phone number ID", required=True, tracking=True, help="Meta's id of the business phone number."
    )
    business_account_id = fields.Char(
        string="WhatsApp Business Account ID", required=True, tracking=True, help="Used to read the templates."
    )
    display_phone_number = fields.Char(string="Phone number", help="The number debtors see, for reference.")
    access_token = fields.Char(
        groups=MANAGER_GROUP, copy=False, help="A permanent (system user) access token of the Meta app."
    )
    app_secret = fields.Char(
        groups=MANAGER_GROUP, copy=False, help="The Meta app's secret: webhook posts are signed with it."
    )
    verify_token = fields.Char(
        groups=MANAGER_GROUP,
        copy=False,
        help="Any secret text; enter the same in Meta's webhook configuration to verify the callback URL.",
    )
    api_base_url = fields.Char(
        string="API base URL",
        required=True,
        default=whatsapp_api.DEFAULT_BASE_URL,
        help="Meta's Graph API. Change it only for a test or staging stand-in.",
    )
    api_version = fields.Char(string="API version", required=True, default=whatsapp_api.DEFAULT_VERSION)
    webhook_url = fields.Char(string="Callback URL", compute="_compute_webhook_url")
    token_error = fields.Char(
        readonly=True,
        copy=False,
        help="Set when Meta refused the access token: nothing is sent until a new token is entered.",
    )
    ack_enabled = fields.Boolean(
        string="Acknowledge debtors' messages",
        default=True,
        help="Answer a debtor's WhatsApp message once a day: we received your message, NAME is handling it.",
    )
    ack_template_id = fields.Many2one(
        "credit.whatsapp.template",
        string="Acknowledgement template",
        domain="[('account_id', '=', id), ('status', '=', 'APPROVED')]",
        help="Empty: a free text in the debtor's language (allowed: the debtor's message opened the 24-hour window).",
    )
    template_ids = fields.One2many("credit.whatsapp.template", "account_id", string="Templates")
    template_count = fields.Integer(compute="_compute_counts")
    message_count = fields.Integer(compute="_compute_counts")
    last_sync = fields.Datetime(string="Templates synchronised on", readonly=True, copy=False)

    _sql_constraints = [
        ("phone_number_id_uniq", "unique(phone_number_id)", "This phone number ID is already used by another account.")
    ]

    def _compute_webhook_url(self):
        for account in self:
            account.webhook_url = (
                f"{account.get_base_url()}/credit_whatsapp/webhook/{account.id}" if account.id else False
            )

    def _compute_counts(self):
        templates = dict(
            self.env["credit.whatsapp.template"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        messages = dict(
            self.env["credit.whatsapp.message"]._read_group(
                [("account_id", "in", self.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.template_count = templates.get(account, 0)
            account.message_count = messages.get(account, 0)

    def write(self, vals):
        result = super().write(vals)
        if vals.get("access_token"):
            # a new token: sending resumes and the credit managers' "token expired" activities are done
            self.sudo().write({"token_error": False})  # token_error is bookkeeping of the queue
            self.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            ).action_feedback(feedback=self.env._("New access token entered."))
            self.env.ref("credit_whatsapp.ir_cron_credit_whatsapp_send")._trigger()
        return result

    @api.model
    def _credit_account(self, company):
        """The active account that sends for ``company`` (the first one)."""
        return self.sudo().search([("company_id", "=", company.id), ("active", "=", True)], limit=1)

    def _api(self):
        """The API client; reads the secret with sudo (the queue and the webhook run it for every user)."""
        self.ensure_one()
        account_sudo = self.sudo()  # the access token is readable by credit managers only
        return whatsapp_api.WhatsAppApi(
            account_sudo.access_token,
            account_sudo.phone_number_id,
            account_sudo.business_account_id,
            base_url=account_sudo.api_base_url,
            version=account_sudo.api_version,
        )

    # ------------------------------------------------------------------ webhook
    def _check_verify_token(self, token):
        self.ensure_one()
        return whatsapp_api.check_verify_token(self.sudo().verify_token, token)

    def _check_signature(self, body, header):
        self.ensure_one()
        return whatsapp_api.check_signature(self.sudo().app_secret, body, header)

    def _webhook_receive(self, payload):
        """Store what a (signed) webhook post brings; the matching runs later in the queue job.

        Returns the number of new incoming messages.
        """
        self.ensure_one()
        if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
            raise ValueError("not a WhatsApp Business Account webhook")
        Message = self.env["credit.whatsapp.message"]
        new = 0
        statuses = []
        for entry in payload.get("entry") or []:
            for change in (entry or {}).get("changes") or []:
                value = (change or {}).get("value") or {}
                if change.get("field") != "messages" or not isinstance(value, dict):
                    continue
                metadata = value.get("metadata") or {}
                if metadata.get("phone_number_id") and str(metadata["phone_number_id"]) != self.phone_number_id:
                    continue  # another number of the same app: not ours
                contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
                for message in value.get("messages") or []:
                    if isinstance(message, dict) and message.get("id"):
                        new += Message._store_incoming(self, message, contacts)
                statuses += [s for s in value.get("statuses") or [] if isinstance(s, dict) and s.get("id")]
        if statuses:
            Message._apply_statuses(self, statuses)
        if new or statuses:
            self.env.ref("credit_whatsapp.ir_cron_credit_whatsapp_process").sudo()._trigger()
        return new

    # ------------------------------------------------------------------ templates
    def action_sync_templates(self):
        """Read the business account's templates (name, language, category, status, parameters)."""
        for account in self:
            try:
                templates = account._api().list_templates()
            except whatsapp_api.WhatsAppApiError as exc:
                account._credit_api_error_token(exc)
                raise UserError(
                    self.env._("Meta refused to list the templates: %(error)s", error=exc.message)
                ) from None
            account.env["credit.whatsapp.template"]._sync(account, templates)
            account.last_sync = fields.Datetime.now()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("%(count)s templates read.", count=len(self.template_ids)),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_open_templates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_whatsapp.action_credit_whatsapp_template")
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_open_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_whatsapp.action_credit_whatsapp_message")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    # ------------------------------------------------------------------ acknowledgement
    def _credit_whatsapp_after_match(self, messages):
        """One automatic acknowledgement per debtor and day, sent at once (the debtor's message opened the window)."""
        self.ensure_one()
        if not self.ack_enabled:
            return self.env["credit.whatsapp.message"]
        Message = self.env["credit.whatsapp.message"].sudo()  # the queue job acknowledges for the company
        since = fields.Datetime.subtract(fields.Datetime.now(), days=1)
        # only messages that still open the 24-hour window (a webhook delayed for a day gets no answer)
        matched = messages.filtered(lambda m: m.match_state == "matched" and m.partner_id and m.date > since)
        acknowledged = set(
            Message.search(
                [("partner_id", "in", matched.partner_id.ids), ("origin", "=", "ack"), ("create_date", ">", since)]
            ).partner_id.ids
        )
        acks = Message.browse()
        for debtor, group in matched.grouped("partner_id").items():
            if debtor.id in acknowledged:
                continue
            last = group.sorted(lambda m: (m.date, m.id))[-1]
            contact = last.contact_id or debtor
            user = last.dispute_ids.user_id[:1] or self.company_id._credit_mail_handler(debtor)
            template = self.ack_template_id
            if template:
                template = template._for_lang(contact.lang or debtor.lang) or template
                params = [debtor.name, user.name][: template.parameter_count]
                acks |= Message._credit_queue(
                    self,
                    contact,
                    debtor,
                    "ack",
                    template=template,
                    params=params,
                    number=last.number,
                    wa_user_id=last.wa_user_id,
                )
            else:
                lang_env = self.with_context(lang=contact.lang or debtor.lang or self.env.lang).env
                body = lang_env._(
                    "Thank you for your message. We have received it and %(user)s of %(company)s is handling it.",
                    user=user.name,
                    company=self.company_id.name,
                )
                acks |= Message._credit_queue(
                    self, contact, debtor, "ack", body=body, number=last.number, wa_user_id=last.wa_user_id
                )
        sent = acks._send()
        for ack in acks:
            ack._credit_post([ack.partner_id], self.env.ref("credit_whatsapp.mt_credit_whatsapp_out"))
        return sent

    # ------------------------------------------------------------------ errors
    def _credit_api_error_token(self, error):
        """An expired or revoked token (190): stop sending and give the credit managers one activity."""
        self.ensure_one()
        if error.kind != "token":
            return False
        account_sudo = self.sudo()  # the queue records why it stopped
        if not account_sudo.token_error:
            account_sudo.token_error = f"({error.code}) {error.message}"
            account_sudo.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Meta refused the access token: %(error)s. Sending waits for a new token.", error=error.message
                ),
                message_type="notification",
            )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        planned = account_sudo.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", self.env.ref(MANAGER_GROUP).id),
                    ("company_ids", "in", self.company_id.id),
                    ("share", "=", False),
                ]
            )
        )
        for user in managers - planned:
            account_sudo.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=user.id,
                summary=self.env._("WhatsApp: enter a new access token"),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Meta refused the access token of WhatsApp account %(name)s (%(error)s). Reminders and replies "
                    "wait in the queue until a new token is entered on the account.",
                    name=self.name,
                    error=error.message,
                ),
            )
        return True
