from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestCompose(CreditWhatsappCommon):
    def compose(self, partner=None, moves=None):
        action = (partner or self.debtor).with_user(self.manager).action_credit_whatsapp_compose()
        if moves:
            action = moves.with_user(self.manager).action_credit_whatsapp_compose()
        return Form(self.env["credit.whatsapp.compose"].with_user(self.manager).with_context(**action["context"]))

    def debtor_writes(self, hours_ago=1):
        message = self.text_message(
            "31611111111",
            "Kunt u mij bellen?",
            timestamp=(fields.Datetime.now() - timedelta(hours=hours_ago)).timestamp(),
        )
        self.receive(self.payload([message]))
        self.env["credit.whatsapp.message"]._cron_process()
        self.fake.open_windows.add("31611111111")
        return self.messages(wamid=message["id"])

    def test_free_text_inside_the_24_hour_window(self):
        self.account.ack_enabled = False
        move = self._invoice(self.debtor, 10)
        self.debtor_writes(hours_ago=2)
        form = self.compose(moves=move)
        self.assertTrue(form.window_open)
        self.assertEqual(form.mode, "text")
        form.body = "Natuurlijk, ik bel u om 14:00."
        result = form.save().action_send()
        self.assertEqual(result["params"]["type"], "success")
        sent = self.fake.sent()[-1]
        self.assertEqual((sent["type"], sent["text"]["body"]), ("text", "Natuurlijk, ik bel u om 14:00."))
        out = self.messages(partner_id=self.debtor.id, origin="manual")
        self.assertEqual(out.state, "sent")
        subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_out")
        for record in (self.debtor, move):
            self.assertTrue(record.message_ids.filtered(lambda m, s=subtype: "14:00" in (m.body or "")))

    def test_outside_the_window_only_a_template_and_the_form_says_why(self):
        self.debtor_writes(hours_ago=25)
        form = self.compose()
        self.assertFalse(form.window_open)
        self.assertEqual(form.mode, "template")
        # the form offers no free text; a forged call is refused by the server too
        wizard = (
            self.env["credit.whatsapp.compose"]
            .with_user(self.manager)
            .create({"partner_id": self.debtor.id, "contact_id": self.debtor.id, "mode": "text", "body": "Hallo?"})
        )
        with self.assertRaisesRegex(UserError, "24 hours"):
            wizard.action_send()
        self.assertFalse(self.fake.requests)
        form = self.compose()
        form.template_id = self.templates[("credit_ack", "nl")]
        form.template_params = "Debtor One BV\nCarla Credit"
        self.assertIn("Carla Credit", form.template_preview)
        form.save().action_send()
        sent = self.fake.sent()[-1]
        self.assertEqual(sent["template"]["name"], "credit_ack")
        self.assertEqual(
            [p["text"] for p in sent["template"]["components"][0]["parameters"]], ["Debtor One BV", "Carla Credit"]
        )

    def test_never_written_means_template_and_wrong_parameter_count_is_refused(self):
        form = self.compose()
        self.assertFalse(form.window_open)
        form.template_id = self.templates[("credit_ack", "nl")]
        form.template_params = "only one value"
        with self.assertRaisesRegex(UserError, "2 parameters"):
            form.save().action_send()
        self.assertFalse(self.fake.requests)

    def test_meta_refusal_is_shown_and_registered(self):
        self.debtor_writes(hours_ago=1)
        self.fake.open_windows.clear()  # Meta's clock says the window is closed
        form = self.compose()
        form.body = "Hallo"
        result = form.save().action_send()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertIn("24 hours", result["params"]["message"])
        out = self.messages(partner_id=self.debtor.id, origin="manual")
        self.assertEqual((out.state, out.error_code), ("failed", 131047))
