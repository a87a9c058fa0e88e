from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestMatching(CreditWhatsappCommon):
    def process(self):
        return self.env["credit.whatsapp.message"]._cron_process()

    def incoming(self, wa_id, text="Is dit al betaald?", **kwargs):
        message = self.text_message(wa_id, text, **kwargs)
        self.receive(self.payload([message]))
        self.process()
        return self.messages(wamid=message["id"])

    def test_number_formats_of_several_countries_are_matched(self):
        country = {"NL": self.env.ref("base.nl"), "DE": self.env.ref("base.de"), "BE": self.env.ref("base.be")}
        cases = [
            ("+31 6 3333 3333", "NL", "31633333333"),
            ("0031 6 44444444", "NL", "31644444444"),
            ("06-55555555", "NL", "31655555555"),
            ("06 66 66 66 66", "NL", "31666666666"),
            ("+49 151 2345 6789", "DE", "4915123456789"),
            ("0151-23456780", "DE", "4915123456780"),
            ("+32 470 12 34 56", "BE", "32470123456"),
        ]
        for number, code, wa_id in cases:
            with self.subTest(number=number):
                partner = self.env["res.partner"].create(
                    {"name": f"Debtor {number}", "is_company": True, "mobile": number, "country_id": country[code].id}
                )
                self.assertEqual(partner.credit_mobile_e164, "+" + wa_id)
                message = self.incoming(wa_id)
                self.assertEqual(message.partner_id, partner)
                self.assertEqual(message.match_method, "number")
        # the landline field counts too
        office = self.env["res.partner"].create(
            {"name": "Office BV", "is_company": True, "phone": "020-1234567", "country_id": country["NL"].id}
        )
        self.assertEqual(self.incoming("31201234567").partner_id, office)

    def test_unknown_number_waits_in_triage_with_its_text(self):
        message = self.incoming("447700900123", "Who are you?")
        self.assertEqual(message.match_state, "triage")
        self.assertFalse(message.partner_id)
        self.assertEqual((message.number, message.body), ("+447700900123", "Who are you?"))
        triage = self.env["credit.whatsapp.message"].search([("match_state", "=", "triage")])
        self.assertIn(message, triage)
        self.assertFalse(self.fake.requests, "no acknowledgement to strangers")

    def test_a_contact_person_of_the_debtor_is_matched_to_the_debtor(self):
        person = self.env["res.partner"].create(
            {"name": "Anna Admin", "parent_id": self.debtor.id, "mobile": "+31 6 12340077"}
        )
        message = self.incoming("31612340077")
        self.assertEqual((message.partner_id, message.contact_id), (self.debtor, person))

    def test_two_partners_with_one_number(self):
        self.debtor2.mobile = "+31 6 11111111"  # the same number as debtor
        self.assertEqual(self.debtor.credit_mobile_e164, self.debtor2.credit_mobile_e164)
        # neither has open invoices: a person decides
        self.assertEqual(self.incoming("31611111111").match_state, "triage")
        # one has: that one
        self._invoice(self.debtor2, 3)
        message = self.incoming("31611111111")
        self.assertEqual(message.partner_id, self.debtor2)
        # both have: triage again, never a crash
        self._invoice(self.debtor, 3)
        self.assertEqual(self.incoming("31611111111").match_state, "triage")

    def test_reply_registers_opens_dispute_pauses_and_acknowledges_once(self):
        moves = self._invoice(self.debtor, 10) | self._invoice(self.debtor, 12)
        other = self._invoice(self.debtor, 2)
        self.run_engine()
        self.env["credit.whatsapp.message"]._cron_send()
        reminded = self.messages(partner_id=self.debtor.id, direction="out", origin="followup")
        self.assertEqual(reminded.move_ids, moves | other if other in reminded.move_ids else moves)
        message = self.incoming("31611111111", "De levering was beschadigd")
        self.assertEqual(message.match_state, "matched")
        self.assertEqual(message.move_ids, reminded.move_ids, "the invoices of the last reminder")
        subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_in")
        for record in (self.debtor, *message.move_ids):
            posted = record.message_ids.filtered(lambda m, s=subtype: m.subtype_id == s)
            self.assertEqual(len(posted), 1, record.display_name)
            self.assertIn("De levering was beschadigd", posted.body)
        dispute = message.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertEqual((dispute.channel, dispute.state, dispute.to_qualify), ("whatsapp", "new", True))
        self.assertEqual(dispute.move_ids, message.move_ids)
        self.assertEqual(set(message.move_ids.mapped("credit_followup_state")), {"paused"})
        self.assertIn(
            "De levering was beschadigd", dispute.message_ids.filtered(lambda m: m.subtype_id == subtype).body
        )
        ack = self.messages(partner_id=self.debtor.id, origin="ack")
        self.assertEqual(len(ack), 1)
        self.assertEqual(ack.state, "sent")
        self.assertEqual(self.fake.sent()[-1]["type"], "text")
        self.assertIn(dispute.user_id.name, self.fake.sent()[-1]["text"]["body"])
        # a second message the same day: registered on the same dispute, no new dispute, no second acknowledgement
        second = self.incoming("31611111111", "En factuur 2 ook")
        self.assertEqual(second.dispute_ids, dispute)
        self.assertEqual(second.move_ids, dispute.move_ids, "the invoices of the open dispute")
        self.assertEqual(len(self.messages(partner_id=self.debtor.id, origin="ack")), 1)

    def test_reply_pauses_like_an_email_reply_in_partner_mode(self):
        self.company.credit_reply_pause_mode = "partner"
        reminded = self._invoice(self.debtor, 10)
        self.run_engine()
        later = self._invoice(self.debtor, -5)  # not reminded yet
        message = self.incoming("31611111111", "Ik bel u morgen")
        self.assertEqual(message.move_ids, reminded)
        self.assertEqual(later.credit_followup_state, "paused")
        self.assertEqual(later.credit_pause_reason, "reply")
        self.assertIn(later, message.dispute_ids.credit_held_move_ids)

    def test_hidden_number_matched_by_the_whatsapp_user_id_learned_before(self):
        self.incoming("31611111111", "Eerste bericht", user_id="NL.1502576394655843")
        self.assertEqual(self.debtor.credit_whatsapp_user_id, "NL.1502576394655843")
        # the user adopted a username: no phone number in the webhook any more
        message = self.incoming(None, "Tweede bericht", user_id="NL.1502576394655843")
        self.assertFalse(message.number)
        self.assertEqual(message.partner_id, self.debtor)
        self.assertEqual(message.match_method, "user_id")

    def test_image_is_downloaded_as_attachment_on_debtor_and_invoices(self):
        move = self._invoice(self.debtor, 10)
        self.run_engine()
        image = {
            "from": "31611111111",
            "id": self._wamid(),
            "timestamp": str(int(fields.Datetime.now().timestamp())),
            "type": "image",
            "image": {"caption": "Foto van de schade", "mime_type": "image/png", "sha256": "x", "id": "media-1"},
        }
        self.receive(self.payload([image]))
        self.process()
        message = self.messages(wamid=image["id"])
        self.assertEqual(message.body, "Foto van de schade")
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertEqual(message.attachment_ids.raw, self.fake.media["media-1"][0])
        subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_in")
        for record in (self.debtor, move):
            posted = record.message_ids.filtered(lambda m, s=subtype: m.subtype_id == s)
            self.assertEqual(posted.attachment_ids.mapped("raw"), [self.fake.media["media-1"][0]])

    def test_link_from_triage_registers_and_remembers(self):
        move = self._invoice(self.debtor2, 10)
        message = self.incoming("447700900999", "Factuur betaald?", user_id="GB.77")
        self.assertEqual(message.match_state, "triage")
        wizard = (
            self.env["credit.whatsapp.link"]
            .with_user(self.manager)
            .create({"message_id": message.id, "partner_id": self.debtor2.id, "move_ids": [Command.set(move.ids)]})
        )
        wizard.action_link()
        self.assertEqual(
            (message.match_state, message.match_method, message.partner_id), ("matched", "manual", self.debtor2)
        )
        self.assertEqual(message.dispute_ids.move_ids, move)
        self.assertEqual(self.debtor2.credit_whatsapp_user_id, "GB.77")
        self.assertEqual(self.incoming(None, "Nog een vraag", user_id="GB.77").partner_id, self.debtor2)

    def test_matching_queries_do_not_grow_with_messages(self):
        def measure(count):
            numbers = [f"4477009{count:02d}{i:03d}" for i in range(count)]
            self.receive(self.payload([self.text_message(number, "?") for number in numbers]))
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self.process()
            self.assertEqual(
                self.env["credit.whatsapp.message"].search_count(
                    [("number", "in", ["+" + n for n in numbers]), ("match_state", "=", "triage")]
                ),
                count,
            )
            return self.env.cr.sql_log_count - start

        measure(2)  # warm-up: caches of the first run
        small, large = measure(5), measure(40)
        self.assertEqual(small, large, f"{small} queries for 5 messages, {large} for 40")

    def test_old_messages_stay_registered_and_processing_again_does_nothing(self):
        message = self.incoming("31611111111", "Hallo")
        count = len(self.debtor.message_ids)
        self.process()
        self.assertEqual(len(self.debtor.message_ids), count)
        self.assertEqual(message.match_state, "matched")
        self.assertLess(message.date, fields.Datetime.now() + timedelta(minutes=1))
