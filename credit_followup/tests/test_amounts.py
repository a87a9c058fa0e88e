import email
import email.policy
import subprocess
from datetime import date, timedelta

from lxml import html

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import MockSmtplibCase

from .common import CreditFollowupCommon
from .test_engine_run import decode_qr


def norm(text):
    """Text as a reader sees it: one space between words, no invisible formatting characters."""
    return " ".join(text.replace("\ufeff", "").replace("\u200b", "").split())


def pdf_text(raw):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=raw, capture_output=True, check=True
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestAmounts(CreditFollowupCommon, HttpCase, MockSmtplibCase):
    """What a debtor reads: invoices, then credits, then the balance — per currency."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.setup_other_currency("USD", rates=[("2000-01-01", 2.0)])

    # ------------------------------------------------------------------ helpers
    def mail_to(self, partner):
        return self.env["mail.mail"].search([("email_to", "ilike", partner.email)])

    def _credit_note(self, partner, amount, **vals):
        return self._invoice(partner, 5, amount=amount, move_type="out_refund", **vals)

    def _payment(self, partner, amount, currency=None, pay_date=None):
        payment = self.env["account.payment"].create(
            {
                "amount": amount,
                "date": pay_date or self.today - timedelta(days=3),
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "currency_id": (currency or self.company.currency_id).id,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def _pay(self, move, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            {"amount": amount, "payment_date": self.today - timedelta(days=2)}
        )._create_payments()

    def rows(self, body, css_class):
        return [
            norm(" ".join(td.text_content() for td in tr.xpath("./td")))
            for tr in html.fromstring(body).xpath(f"//tr[hasclass('{css_class}')]")
        ]

    def balances(self, body):
        return [norm(p.text_content()) for p in html.fromstring(body).xpath("//p[hasclass('o_credit_balance')]")]

    # ------------------------------------------------------------------ netting
    def test_credit_note_and_payments_are_netted(self):
        first = self._invoice(self.debtor, 8, amount=100.0)
        second = self._invoice(self.debtor, 8, amount=300.0)
        refund = self._credit_note(self.debtor, 150.0)  # larger than the first invoice
        partly = self._invoice(self.debtor, 8, amount=200.0)
        self._pay(partly, 50.0)  # a partial payment, reconciled: 150 open
        self._payment(self.debtor, 30.0)  # a payment nobody matched yet
        self._payment(self.debtor, 40.0, currency=self.usd)  # another currency: never netted with euros

        summary = self.run_engine()

        self.assertEqual(summary["actions"], {"email": 1})
        body = self.mail_to(self.debtor).body_html
        credits = self.rows(body, "o_credit_credit")
        self.assertEqual(len(credits), 2, credits)
        self.assertIn(f"minus credit note {refund.name}", credits[0])
        self.assertIn("-150.00", credits[0])
        self.assertIn("minus payment of", credits[1])
        self.assertIn("-30.00", credits[1])
        # invoices 100 + 300 + 150 = 550, credits -180, balance 370; the USD payment is not in it
        self.assertEqual(self.balances(body), ["Open invoices 550.00 €, credits -180.00 €. Balance to pay: 370.00 €"])
        self.assertNotIn("40.00", body)
        for move in first | second | partly:
            self.assertEqual(self.logs(move).state, "done")

    def test_credits_covering_the_reminder_skip_it(self):
        move = self._invoice(self.debtor, 8, amount=100.0)
        self._credit_note(self.debtor, 150.0)
        summary = self.run_engine()
        self.assertFalse(summary["actions"])
        self.assertEqual(summary["skipped"], {"credited": 1})
        self.assertFalse(self.mail_to(self.debtor), "nobody is asked to pay when credits cover the amount")
        log = self.logs(move)
        self.assertEqual((log.state, log.step_id.name), ("skipped", "First reminder"))
        self.assertEqual(log.failure_reason, "open credit notes and payments cover the amount to remind of")
        # tomorrow again: still covered, still one log row
        self.run_engine(self.today + timedelta(days=1))
        self.assertEqual(len(self.logs(move)), 1)
        # a new invoice makes the balance positive: now the reminder goes out, the skip row gives way
        self._invoice(self.debtor, 8, amount=80.0)
        summary = self.run_engine(self.today + timedelta(days=2))
        self.assertEqual(summary["actions"], {"email": 1})
        self.assertEqual(self.logs(move).mapped("state"), ["done"])
        self.assertIn("Balance to pay: 30.00 €", self.balances(self.mail_to(self.debtor).body_html)[0])

    def test_minimum_amount_uses_the_net_figure(self):
        step = self.steps["First reminder"]
        step.min_amount = 100.0
        self._invoice(self.debtor, 8, amount=120.0)
        self._credit_note(self.debtor, 40.0)  # net overdue 80 < 100
        self.assertEqual(self.run_engine()["skipped"], {"min_amount": 1})
        self._invoice(self.debtor2, 8, amount=120.0)  # no credits: 120 ≥ 100
        self.assertEqual(self.run_engine(self.today, partners=self.debtor2)["actions"], {"email": 1})

    # ------------------------------------------------------------------ currencies
    def test_two_currencies_email_and_letter(self):
        eur = self._invoice(self.debtor, 8, amount=100.0)
        usd = self._invoice(self.debtor, 8, amount=200.0, currency_id=self.usd.id)
        self._credit_note(self.debtor, 25.0, currency_id=self.usd.id)
        self.run_engine()
        body = self.mail_to(self.debtor).body_html
        tree = html.fromstring(body)
        self.assertEqual(
            [norm(p.text_content()) for p in tree.xpath("//p[hasclass('o_credit_currency')]")],
            ["Amounts in EUR", "Amounts in USD"],
        )
        self.assertEqual(
            self.balances(body),
            ["Balance to pay: 100.00 €", "Open invoices $ 200.00, credits $ -25.00. Balance to pay: $ 175.00"],
        )
        self.assertNotIn("300.00", body, "never a sum across currencies")
        self.assertNotIn("275.00", body)
        links = tree.xpath("//a[hasclass('o_credit_pay_link')]/@href")
        self.assertEqual(len(links), 1, "online payment only for the EUR invoice")
        self.assertIn(f"/my/invoices/{eur.id}", links[0])
        self.assertEqual(len(tree.xpath("//img[hasclass('o_credit_qr')]")), 1, "EPC QR only for the EUR balance")

        letter_step = self.steps["Final letter"]
        text = norm(
            pdf_text(
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(
                    "credit_followup.report_credit_letter",
                    self.debtor.ids,
                    data={
                        "letters": {
                            str(self.debtor.id): {
                                "move_ids": (eur | usd).ids,
                                "step_id": letter_step.id,
                                "recipient_id": self.debtor.id,
                                "date": str(self.today),
                            }
                        }
                    },
                )[0]
            )
        )
        self.assertIn("Amounts in EUR", text)
        self.assertIn("Amounts in USD", text)
        self.assertRegex(text, r"Balance to pay in EUR: 100\.00 €")
        self.assertRegex(text, r"Balance to pay in USD: \$ 175\.00")
        self.assertIn("minus credit note", text)
        self.assertNotIn("300.00", text)

    # ------------------------------------------------------------------ the QR code a debtor can see
    def test_sent_message_carries_the_qr_code_inline(self):
        self._invoice(self.debtor, 8, amount=123.45)
        self.run_engine()
        mail = self.mail_to(self.debtor)
        with self.mock_smtplib_connection():
            mail.send()
        self.assertEqual(len(self.emails), 1)
        message = email.message_from_string(self.emails[0]["message"], policy=email.policy.SMTP)
        structure = [part.get_content_type() for part in message.walk()]
        self.assertEqual(
            structure,
            ["multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png"],
        )
        html_part = message.get_body(preferencelist=("html",))
        image = next(part for part in message.walk() if part.get_content_type() == "image/png")
        self.assertEqual(image.get_content_disposition(), "inline")
        cid = image["Content-ID"].strip("<>")
        self.assertIn(f'src="cid:{cid}"', html_part.get_content())
        self.assertNotIn("data:image", html_part.get_content())
        import base64

        payload = decode_qr("data:image/png;base64," + base64.b64encode(image.get_content()).decode())
        self.assertIn("EUR123.45", payload)

    # ------------------------------------------------------------------ the 14-day notice
    def test_formal_notice_states_costs_and_last_day(self):
        consumer = self._debtor("Jan Jansen", "jan@example.com", is_company=False)
        step = self.steps["Final letter"]
        step.write({"formal_notice": True, "min_amount": 0})
        move = self._invoice(consumer, 30, amount=1000.0)  # due 2026-01-31
        move.write(
            {"credit_followup_step_id": self.steps["Call"].id, "credit_followup_date": self.today - timedelta(days=10)}
        )
        move.invoice_date_due = self.today - timedelta(days=45)  # due 2026-01-16: the final letter is due
        summary = self.run_engine()  # Monday 2026-03-02
        self.assertEqual(summary["actions"], {"letter": 1})
        log = self.logs(move)
        # posted Monday, received after 2 working days (Wednesday 03-04), 14 days from Thursday: Wednesday 03-18
        self.assertEqual(log.notice_deadline, date(2026, 3, 18))
        text = norm(pdf_text(log.attachment_id.raw))
        # WIK on 1,000: 15 % = 150.00; consumer interest 6 % on 1,000 for 45 days = 7.40
        self.assertIn(
            "Please pay 1,000.00 € on 03/18/2026 at the latest: that is 14 days from the day after you receive "
            "this notice. If we have not received it by then, we will charge you collection costs of 150.00 €, "
            "plus the statutory interest (7.40 € to date).",
            text,
        )
        self.assertFalse(move._credit_collection_costs_claimable(date(2026, 3, 18)), "the term has not passed")
        self.assertTrue(move._credit_collection_costs_claimable(date(2026, 3, 19)))
        self.assertFalse(self._invoice(consumer, 60)._credit_collection_costs_claimable(date(2026, 6, 1)))

        # the step books costs and interest once they are claimable: not on the last day, the day after
        step.book_costs = True
        self.run_engine(date(2026, 3, 18))
        self.assertFalse(log.costs_move_id)
        self.run_engine(date(2026, 3, 19))
        booked = log.costs_move_id
        # 150.00 costs + interest 6 % on 1,000 for 62 days (01-17 … 03-19) = 10.19
        self.assertEqual((booked.state, booked.partner_id, booked.amount_total), ("posted", consumer, 160.19))
        self.run_engine(date(2026, 3, 20))
        self.assertEqual(
            self.env["account.move"].search_count([("partner_id", "=", consumer.id), ("amount_total", "=", 160.19)]), 1
        )

    def test_notice_deadline_table(self):
        self.company.write({"credit_notice_delivery_days_post": 2, "credit_notice_delivery_days_email": 0})
        for sent, channel, deadline in [
            (date(2026, 3, 2), "letter", date(2026, 3, 18)),  # Mon → received Wed → Wed
            (date(2026, 3, 5), "letter", date(2026, 3, 23)),  # Thu → received Mon → Mon
            (date(2026, 3, 6), "email", date(2026, 3, 20)),  # Fri → received Fri → Fri
            (date(2026, 3, 7), "email", date(2026, 3, 23)),  # Sat → ends Sat 03-21 → Monday (Termijnenwet)
        ]:
            with self.subTest(sent=sent, channel=channel):
                self.assertEqual(self.company._credit_notice_deadline(sent, channel), deadline)

    def test_vat_on_costs_in_the_notice(self):
        self.company.credit_collection_costs_vat = True
        consumer = self._debtor("Piet Pietersen", "piet@example.com", is_company=False)
        step = self.steps["Second reminder"]
        step.formal_notice = True
        move = self._invoice(consumer, 25, amount=2500.0)
        move.write(
            {
                "credit_followup_step_id": self.steps["First reminder"].id,
                "credit_followup_date": self.today - timedelta(days=10),
            }
        )
        self.run_engine()
        body = norm(html.fromstring(self.mail_to(consumer).body_html).text_content())
        # 375.00 + 21 % VAT 78.75 = 453.75; e-mail counts as received the same day: 14 days → Monday 03-16
        self.assertIn("collection costs of 453.75 € (including 78.75 € VAT)", body)
        self.assertIn("on 03/16/2026 at the latest", body)
        self.assertEqual(self.logs(move).notice_deadline, date(2026, 3, 16))

    # ------------------------------------------------------------------ statement of account
    def test_statement_figures(self):
        old = self._invoice(self.debtor, 40, amount=100.0)
        self._invoice(self.debtor, -10, amount=200.0)  # not due yet
        refund = self._credit_note(self.debtor, 50.0)
        self._payment(self.debtor, 30.0)
        self._invoice(self.debtor, 10, amount=80.0, currency_id=self.usd.id)
        values = self.debtor._credit_statement_values(self.company, self.today)
        eur, usd = values["groups"]
        self.assertEqual(eur["currency"].name, "EUR")
        self.assertEqual(
            [(item["name"], item["kind"], item["days_overdue"], item["residual"]) for item in eur["items"]][:1],
            [(old.name, "invoice", 40, 100.0)],
        )
        self.assertEqual(
            sorted(item["kind"] for item in eur["items"]), ["credit_note", "invoice", "invoice", "payment"]
        )
        self.assertIn(refund.name, [item["name"] for item in eur["items"]])
        self.assertEqual(eur["buckets"], {"not_due": 200.0, "1_30": 0.0, "31_60": 100.0, "61_90": 0.0, "over_90": 0.0})
        self.assertEqual((eur["credits"], eur["balance"]), (-80.0, 220.0))
        self.assertTrue(eur["qr"])
        self.assertEqual((usd["buckets"]["1_30"], usd["balance"]), (80.0, 80.0))
        self.assertFalse(usd["qr"], "EPC is EUR only")
        pdf = (
            self.env.ref("credit_followup.action_report_credit_statement")
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "credit_followup.report_credit_statement", self.debtor.ids, data={"date": str(self.today)}
            )[0]
        )
        text = norm(pdf_text(pdf))
        self.assertIn("Statement of account", text)
        self.assertIn("Balance to pay in EUR: 220.00 €", text)
        self.assertIn("Balance to pay in USD: $ 80.00", text)
        self.assertIn("NL91 ABNA 0417 1643 00", text)

    def test_statement_attached_by_a_step(self):
        self.steps["First reminder"].attach_statement = True
        self._invoice(self.debtor, 8, amount=100.0)
        self._invoice(self.debtor2, 8, amount=60.0)
        self.run_engine()
        for debtor, amount in ((self.debtor, "100.00"), (self.debtor2, "60,00")):
            statement = self.mail_to(debtor).attachment_ids.filtered(lambda a: a.mimetype == "application/pdf")
            self.assertEqual(len(statement), 1)
            self.assertIn(amount, pdf_text(statement.raw))

    # ------------------------------------------------------------------ promises
    def test_promise_in_the_invoices_currency(self):
        usd = self._invoice(self.debtor, 8, amount=200.0, currency_id=self.usd.id)
        eur = self._invoice(self.debtor, 8, amount=100.0)
        Wizard = self.env["credit.followup.log.contact"]
        wizard = Wizard.with_context(active_model="account.move", active_ids=usd.ids).create(
            {"outcome": "promise", "promise_date": self.company._credit_today() + timedelta(days=5)}
        )
        self.assertEqual((wizard.currency_id, wizard.promise_amount), (self.usd, 200.0))
        wizard.action_confirm()
        promise = self.env["credit.followup.promise"].search([("move_ids", "in", usd.ids)])
        self.assertEqual((promise.currency_id, promise.amount), (self.usd, 200.0))
        mixed = Wizard.with_context(active_model="account.move", active_ids=eur.ids).create(
            {"outcome": "promise", "promise_date": self.company._credit_today() + timedelta(days=5)}
        )
        mixed.move_ids = eur | usd
        with self.assertRaises(UserError):
            mixed.action_confirm()

    def test_queries_per_batch_do_not_grow_with_credits(self):
        """Netting is one query per batch, not one per debtor."""

        def measure(n):
            debtors = [self._debtor(f"N{n}-{i}", f"n{n}{i}@example.com") for i in range(n)]
            for debtor in debtors:
                self._invoice(debtor, 8, amount=500.0)
                self._invoice(debtor, 9, amount=300.0, currency_id=self.usd.id)
                self._credit_note(debtor, 50.0)
                self._payment(debtor, 20.0)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            summary = self.env["credit.followup.engine"].run(
                companies=self.company, date=self.today, partners=self.env["res.partner"].union(*debtors)
            )
            self.assertEqual(summary["actions"], {"email": n})
            return self.env.cr.sql_log_count - before

        small, large = measure(3), measure(12)
        self.assertLessEqual(large - small, 12, f"3 debtors: {small} queries, 12 debtors: {large}")

    def test_dutch_debtor_reads_credits_in_dutch(self):
        self._invoice(self.debtor2, 8, amount=100.0)
        refund = self._credit_note(self.debtor2, 30.0)
        self.run_engine()
        body = self.mail_to(self.debtor2).body_html
        self.assertIn(f"min creditfactuur {refund.name}", self.rows(body, "o_credit_credit")[0])
        self.assertEqual(
            self.balances(body), ["Openstaande facturen 100,00 €, tegoeden -30,00 €. Te betalen saldo: 70,00 €"]
        )
