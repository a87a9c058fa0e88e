import json

from odoo.tests import HttpCase, tagged

from .common import VERIFY_TOKEN, CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestWebhook(CreditWhatsappCommon, HttpCase):
    @property
    def url(self):
        return f"/credit_whatsapp/webhook/{self.account.id}"

    def post(self, payload, signature=True, url=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is True:
            headers["X-Hub-Signature-256"] = self.sign(body)
        elif signature:
            headers["X-Hub-Signature-256"] = signature
        return self.url_open(url or self.url, data=body, headers=headers)

    def count(self):
        return self.env["credit.whatsapp.message"].search_count([("direction", "=", "in")])

    def test_verification_handshake(self):
        ok = self.url_open(f"{self.url}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444")
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.text, "1158201444")
        self.assertTrue(ok.headers["Content-Type"].startswith("text/plain"))
        refused = [
            f"{self.url}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
            f"{self.url}?hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1",
            f"{self.url}?hub.mode=subscribe&hub.challenge=1",
            f"{self.url}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}",
            f"/credit_whatsapp/webhook/999999?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1",
        ]
        for url in refused:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("1158201444", response.text)
        # an archived account still answers (Meta verifies before the number goes live)
        self.account.active = False
        self.addCleanup(setattr, self.account, "active", True)
        again = self.url_open(f"{self.url}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=42")
        self.assertEqual(again.text, "42")

    def test_signed_post_is_stored_once_and_matched_later(self):
        message = self.text_message("31611111111", "Ik betaal volgende week")
        payload = self.payload([message])
        before = self.count()
        response = self.post(payload)
        self.assertEqual(response.status_code, 200)
        stored = self.messages(wamid=message["id"])
        self.assertEqual(len(stored), 1)
        self.assertEqual((stored.state, stored.match_state, stored.number), ("received", "pending", "+31611111111"))
        self.assertEqual(stored.body, "Ik betaal volgende week")
        self.assertFalse(stored.partner_id, "matching waits for the queue job")
        # Meta delivers again (retries for days): still one message
        self.assertEqual(self.post(payload).status_code, 200)
        self.assertEqual(self.count(), before + 1)
        self.env["credit.whatsapp.message"]._cron_process()
        self.assertEqual(stored.partner_id, self.debtor)

    def test_unsigned_or_forged_posts_are_refused_and_store_nothing(self):
        payload = self.payload([self.text_message("31611111111", "hello")])
        body = json.dumps(payload).encode()
        before = self.count()
        cases = {
            "unsigned": False,
            "wrong secret": "sha256=" + "0" * 64,
            "signature of another body": self.sign(body + b" "),
            "sha1 header format": "sha1=" + "0" * 40,
        }
        for name, signature in cases.items():
            with self.subTest(case=name):
                response = self.post(payload, signature=signature)
                self.assertEqual(response.status_code, 403)
        other = self.post(payload, url="/credit_whatsapp/webhook/999999")
        self.assertEqual(other.status_code, 403)
        self.assertEqual(self.count(), before)

    def test_signed_garbage_is_a_bad_request(self):
        before = self.count()
        self.assertEqual(self.post(None, raw=b"{not json").status_code, 400)
        self.assertEqual(self.post({"object": "page", "entry": []}).status_code, 400)
        self.assertEqual(self.count(), before)

    def test_another_phone_number_of_the_app_is_ignored(self):
        before = self.count()
        payload = self.payload([self.text_message("31611111111", "hi")], phone_number_id="555")
        self.assertEqual(self.post(payload).status_code, 200)
        self.assertEqual(self.count(), before)

    def test_status_post_updates_the_outgoing_message(self):
        moves = self._invoice(self.debtor, 10)
        self.run_engine()
        message = self.messages(partner_id=self.debtor.id, direction="out")
        self.env["credit.whatsapp.message"]._cron_send()
        self.assertEqual(message.state, "sent")
        response = self.post(self.payload(statuses=[self.status(message.wamid, "delivered")]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(message.state, "delivered")
        self.assertTrue(moves)
