import json
import time

from odoo import Command

from odoo.addons.credit_dispute.tests.common import CreditDisputeCommon

from ..tools import whatsapp_api
from .fake_cloud_api import FakeCloudApi

APP_SECRET = "app-secret-for-tests"
VERIFY_TOKEN = "verify-me-please"


class CreditWhatsappCommon(CreditDisputeCommon):
    """The dispute test company with a WhatsApp account that talks to a local fake of the Cloud API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["credit_whatsapp"], ["nl_NL"], overwrite=True)
        # reminders may go out at any hour in these tests (the quiet-hours test sets its own window)
        cls.company.write(
            {"credit_tz": "Europe/Amsterdam", "credit_quiet_hours_start": 0.0, "credit_quiet_hours_end": 24.0}
        )
        cls.fake = FakeCloudApi().start()
        cls.addClassCleanup(cls.fake.stop)
        cls.account = cls.env["credit.whatsapp.account"].create(
            {
                "name": "Accounts receivable",
                "company_id": cls.company.id,
                "phone_number_id": cls.fake.phone_number_id,
                "business_account_id": cls.fake.waba_id,
                "access_token": cls.fake.token,
                "app_secret": APP_SECRET,
                "verify_token": VERIFY_TOKEN,
                "api_base_url": cls.fake.base_url,
                "api_version": cls.fake.version,
            }
        )
        cls.account.action_sync_templates()
        cls.templates = {(t.name, t.language): t for t in cls.account.template_ids}
        cls.debtor.write({"mobile": "+31 6 11111111", "lang": "en_US"})
        cls.debtor2.write({"mobile": "06-22222222"})  # national Dutch form
        cls.wa_profile = cls.env["credit.followup.profile"].create(
            {"name": "WhatsApp first", "company_id": cls.company.id}
        )
        cls.wa_step = cls.env["credit.followup.step"].create(
            {
                "profile_id": cls.wa_profile.id,
                "name": "WhatsApp reminder",
                "offset_days": 7,
                "channel": "whatsapp",
                "fallback_channel": "email",
                "whatsapp_template_id": cls.templates[("credit_reminder", "nl")].id,
                "whatsapp_param_ids": [
                    Command.create({"sequence": 1, "value": "partner_name"}),
                    Command.create({"sequence": 2, "value": "invoice_numbers"}),
                    Command.create({"sequence": 3, "value": "amount"}),
                    Command.create({"sequence": 4, "value": "payment_link"}),
                ],
            }
        )

        (cls.debtor | cls.debtor2).with_company(cls.company).credit_followup_profile_id = cls.wa_profile

    def setUp(self):
        super().setUp()
        self.fake.requests.clear()
        self.fake.undeliverable.clear()
        self.fake.open_windows.clear()
        self.fake._fail_next.clear()
        self.fake.broken_success = False

    # ------------------------------------------------------------------ webhook payloads (Meta's documented shapes)
    _seq = 0

    @classmethod
    def _wamid(cls):
        cls._seq += 1
        return f"wamid.IN{cls._seq:06d}{int(time.time() * 1000) % 100000}"

    def payload(self, messages=(), statuses=(), contacts=None, phone_number_id=None):
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "31201234567",
                "phone_number_id": phone_number_id or self.fake.phone_number_id,
            },
        }
        if messages:
            value["messages"] = list(messages)
            value["contacts"] = contacts or [
                {"profile": {"name": "Kim"}, "wa_id": m.get("from"), "user_id": m.get("from_user_id")} for m in messages
            ]
        if statuses:
            value["statuses"] = list(statuses)
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.fake.waba_id, "changes": [{"value": value, "field": "messages"}]}],
        }

    def text_message(self, wa_id, text, wamid=None, timestamp=None, user_id=None):
        message = {
            "from": wa_id,
            "id": wamid or self._wamid(),
            "timestamp": str(int(timestamp or time.time())),
            "type": "text",
            "text": {"body": text},
        }
        if user_id:
            message["from_user_id"] = user_id
        if wa_id is None:
            del message["from"]
        return message

    def status(self, wamid, status, code=None):
        value = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": "31611111111"}
        if code:
            value["errors"] = [
                {
                    "code": code,
                    "title": "Message undeliverable",
                    "message": "Message undeliverable",
                    "error_data": {"details": "Message Undeliverable."},
                }
            ]
        return value

    def receive(self, payload):
        """What the webhook does with a verified post (the controller is tested in test_webhook)."""
        # Meta's side: a user who writes opens the 24-hour window for free text to their number
        for change in payload["entry"][0]["changes"]:
            for message in change["value"].get("messages") or []:
                if message.get("from") and time.time() - int(message["timestamp"]) < 24 * 3600:
                    self.fake.open_windows.add(message["from"])
        return self.account.sudo()._webhook_receive(json.loads(json.dumps(payload)))

    @staticmethod
    def sign(body):
        return whatsapp_api.signature(APP_SECRET, body)

    def messages(self, **domain):
        return self.env["credit.whatsapp.message"].search(
            [(key, "=", value) for key, value in domain.items()], order="id"
        )
