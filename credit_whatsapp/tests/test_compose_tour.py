from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestComposeTour(CreditWhatsappCommon, HttpCase):
    """The credit manager answers a debtor who wrote an hour ago, in the browser: the dialog allows free text,
    the fake Cloud API receives it, and the answer is on the debtor's chatter."""

    def test_answer_a_debtor_who_wrote_within_24_hours(self):
        self.account.ack_enabled = False
        message = self.text_message(
            "31611111111", "Kunt u mij bellen?", timestamp=(fields.Datetime.now() - timedelta(hours=1)).timestamp()
        )
        self.receive(self.payload([message]))
        self.env["credit.whatsapp.message"]._cron_process()
        self.fake.open_windows.add("31611111111")
        self.start_tour(f"/odoo/res.partner/{self.debtor.id}", "credit_whatsapp_compose_tour", login="credit_manager")
        sent = self.fake.sent()
        self.assertEqual(len(sent), 1)
        self.assertEqual((sent[0]["type"], sent[0]["text"]["body"]), ("text", "Natuurlijk, ik bel u om 14:00."))
        self.assertEqual(sent[0]["to"], "31611111111")
        out = self.messages(partner_id=self.debtor.id, origin="manual")
        self.assertEqual(out.state, "sent")
