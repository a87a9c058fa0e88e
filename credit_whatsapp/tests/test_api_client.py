import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import whatsapp_api
from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestApiClient(CreditWhatsappCommon):
    def api(self, token=None):
        return whatsapp_api.WhatsAppApi(
            token or self.fake.token,
            self.fake.phone_number_id,
            self.fake.waba_id,
            base_url=self.fake.base_url,
            version=self.fake.version,
        )

    def test_template_message_shape_and_answer(self):
        wamid, request_log, response_log = self.api().send_template(
            "credit_reminder", "nl", ["Debtor One BV", "INV/1", "€ 100,00", "https://pay"], number="+31611111111"
        )
        self.assertTrue(wamid.startswith("wamid."))
        request = self.fake.requests[-1]
        self.assertEqual(request["headers"]["Authorization"], f"Bearer {self.fake.token}")
        self.assertEqual(request["path"], f"/{self.fake.version}/{self.fake.phone_number_id}/messages")
        body = request["json"]
        self.assertEqual(body["to"], "31611111111")
        self.assertEqual(body["type"], "template")
        self.assertEqual(body["template"]["language"], {"code": "nl"})
        self.assertEqual(
            [p["text"] for p in body["template"]["components"][0]["parameters"]],
            ["Debtor One BV", "INV/1", "€ 100,00", "https://pay"],
        )
        # what is kept for the log never holds the token
        self.assertNotIn(self.fake.token, request_log + response_log)
        self.assertIn("credit_reminder", request_log)
        self.assertIn(wamid, response_log)

    def test_error_codes_say_what_to_do(self):
        cases = [
            (190, "token"),
            (131026, "permanent"),
            (131047, "permanent"),
            (132000, "permanent"),
            (132001, "permanent"),
            (130429, "retry"),
            (131056, "retry"),
        ]
        for code, kind in cases:
            with self.subTest(code=code):
                self.fake.fail_next(code)
                with self.assertRaises(whatsapp_api.WhatsAppApiError) as caught:
                    self.api().send_template("credit_ack", "nl", ["A", "B"], number="+31611111111")
                self.assertEqual(caught.exception.code, code)
                self.assertEqual(caught.exception.kind, kind)
        with self.assertRaises(whatsapp_api.WhatsAppApiError) as caught:
            self.api(token="wrong").send_text("hi", number="+31611111111")
        self.assertEqual((caught.exception.code, caught.exception.http_status), (190, 401))

    def test_http_200_without_message_id_is_not_sent(self):
        self.fake.broken_success = True
        with self.assertRaises(whatsapp_api.WhatsAppApiError) as caught:
            self.api().send_template("credit_ack", "nl", ["A", "B"], number="+31611111111")
        self.assertEqual(caught.exception.kind, "retry")

    def test_no_answer_is_retried(self):
        api = whatsapp_api.WhatsAppApi("t", "1", base_url="http://127.0.0.1:9", version="v21.0")
        with self.assertRaises(whatsapp_api.WhatsAppApiError) as caught:
            api.send_text("hi", number="+31611111111")
        self.assertEqual(caught.exception.kind, "retry")

    def test_sync_templates_reads_every_page(self):
        self.assertEqual(
            sorted(self.templates),
            [("credit_ack", "nl"), ("credit_promo", "en_US"), ("credit_reminder", "en_US"), ("credit_reminder", "nl")],
        )
        reminder = self.templates[("credit_reminder", "nl")]
        self.assertEqual((reminder.status, reminder.category, reminder.parameter_count), ("APPROVED", "UTILITY", 4))
        self.assertEqual(self.templates[("credit_promo", "en_US")].status, "REJECTED")
        pages = [r for r in self.fake.requests if r["path"].endswith("message_templates")]
        self.assertFalse(pages)  # the sync ran in setUpClass; a second one reads two pages again
        self.fake.templates[0]["status"] = "PAUSED"
        removed = self.fake.templates.pop()
        self.account.action_sync_templates()
        pages = [r for r in self.fake.requests if r["path"].endswith("message_templates")]
        self.assertEqual(len(pages), 2)
        self.assertEqual(reminder.status, "PAUSED")
        self.assertFalse(self.templates[("credit_promo", "en_US")].active)
        self.fake.templates.append(removed)
        self.fake.templates[0]["status"] = "APPROVED"
        self.account.action_sync_templates()
        self.assertEqual(reminder.status, "APPROVED")

    def test_sync_with_a_bad_token_says_so(self):
        self.account.access_token = "revoked"
        self.addCleanup(setattr, self.account, "access_token", self.fake.token)
        with self.assertRaisesRegex(UserError, "Meta refused"):
            self.account.action_sync_templates()

    def test_media_download(self):
        content, mimetype = self.api().download_media("media-1")
        self.assertEqual(content, self.fake.media["media-1"][0])
        self.assertEqual(mimetype, "image/png")
        self.assertEqual(self.fake.requests[-1]["headers"]["Authorization"], f"Bearer {self.fake.token}")

    def test_language_variant_per_partner_language(self):
        reminder = self.templates[("credit_reminder", "nl")]
        self.assertEqual(reminder._for_lang("nl_NL"), reminder)
        self.assertEqual(reminder._for_lang("en_US"), self.templates[("credit_reminder", "en_US")])
        self.assertEqual(reminder._for_lang("en_GB"), self.templates[("credit_reminder", "en_US")])
        self.assertEqual(reminder._for_lang("de_DE"), reminder)

    def test_number_formats_of_several_countries(self):
        cases = [
            ("+31 6 1234 5678", "NL", "+31612345678"),
            ("0031 6 12345678", "NL", "+31612345678"),
            ("0031-6-12345678", "DE", "+31612345678"),
            ("06-12345678", "NL", "+31612345678"),
            ("06 1234 5678", "NL", "+31612345678"),
            ("+49 151 23456789", "NL", "+4915123456789"),
            ("0151 23456789", "DE", "+4915123456789"),
            ("+32 470 12 34 56", None, "+32470123456"),
            ("not a number", "NL", False),
        ]
        for number, country, expected in cases:
            with self.subTest(number=number):
                self.assertEqual(whatsapp_api.normalize_number(number, country), expected)
        self.assertEqual(whatsapp_api.wa_id_to_e164("31612345678"), "+31612345678")

    def test_signature_is_hmac_sha256_of_the_raw_body(self):
        body = json.dumps({"a": 1}).encode()
        good = self.sign(body)
        self.assertTrue(whatsapp_api.check_signature("app-secret-for-tests", body, good))
        self.assertFalse(whatsapp_api.check_signature("app-secret-for-tests", body + b" ", good))
        self.assertFalse(whatsapp_api.check_signature("app-secret-for-tests", body, good.upper()))
        self.assertFalse(whatsapp_api.check_signature("", body, good))
        self.assertFalse(whatsapp_api.check_signature("app-secret-for-tests", body, None))
