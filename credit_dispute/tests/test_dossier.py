import subprocess
from datetime import date

from markupsafe import Markup

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import CreditDisputeCommon


@tagged("post_install", "-at_install")
class TestDossier(CreditDisputeCommon, HttpCase):
    """The credit dossier of an invoice, a debtor and a dispute.

    HttpCase: wkhtmltopdf fetches the report assets from the test server while the PDF renders.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the dispute's and promise's state history is their tracking: switch it on where they change
        cls.tracked_env = cls.env(
            context={**cls.env.context, "tracking_disable": False, "mail_notrack": False, "mail_create_nolog": True}
        )
        cls.inv_a = cls._invoice(cls.debtor, 10, amount=1000)
        cls.inv_b = cls._invoice(cls.debtor, 8, amount=500)
        cls.inv_other = cls._invoice(cls.debtor2, 9, amount=40)

    def _at(self, moment):
        """Run the next block at ``moment`` and write its chatter (tracking is written before commit) then."""
        return freeze_time(moment)

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _incoming_email(self, record, subject, body, author, attachments=None):
        return record.message_post(
            subject=subject,
            body=Markup(body),
            message_type="email",
            subtype_xmlid="mail.mt_comment",
            author_id=author.id,
            email_from=author.email_formatted,
            attachments=attachments or [],
        )

    def _log_call(self, moves, **vals):
        wizard = (
            self.env["credit.followup.log.contact"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"channel": "phone", "direction": "out", **vals})
        )
        wizard.action_confirm()
        return self.env["credit.followup.contact"].search([("move_ids", "in", moves.ids)], order="id desc", limit=1)

    def _pay(self, move, amount, day, memo):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"payment_date": day, "amount": amount, "communication": memo})
            ._create_payments()
        )

    def _build_history(self):
        with self._at("2026-03-02 08:00:00"):
            self.run_engine()  # the first reminder to both debtors
        with self._at("2026-03-03 10:00:00"):
            contact = self._log_call(
                self.inv_a,
                outcome="promise",
                promise_date=date(2026, 3, 10),
                promise_amount=400,
                note="<p>Mr Jansen promises a first part next week.</p>",
            )
            self._log_call(self.inv_other, outcome="no_answer", note="<p>Nobody at Debtor Two.</p>")
        with self._at("2026-03-04 09:00:00"):
            self._incoming_email(
                self.inv_a,
                "Damaged delivery",
                "<p>The goods arrived damaged, see the delivery note.</p>",
                self.debtor,
                attachments=[("delivery_note_4711.pdf", b"%PDF-1.4 delivery note")],
            )
            self._incoming_email(self.debtor2, "Other debtor writes", "<p>Secret of debtor two.</p>", self.debtor2)
        with self._at("2026-03-05 10:00:00"):
            dispute = (
                self.tracked_env["credit.dispute"]
                .with_user(self.manager)
                .create(
                    {
                        "partner_id": self.debtor.id,
                        "company_id": self.company.id,
                        "move_ids": [Command.set(self.inv_b.ids)],
                        "category_id": self.categories["PRODUCT"].id,
                        "description": "<p>Half of the chairs are broken.</p>",
                    }
                )
            )
            self._flush_tracking()
        with self._at("2026-03-06 09:00:00"):
            dispute.action_start()
            self._flush_tracking()
        with self._at("2026-03-09 15:00:00"):
            dispute.action_close("resolved", note="<p>Replacement chairs delivered.</p>")
            self._flush_tracking()
        with self._at("2026-03-12 11:00:00"):
            self._pay(self.inv_a, 300, date(2026, 3, 12), "PAYREF-4711")
        with self._at("2026-03-20 07:00:00"):
            contact.promise_id.with_env(self.tracked_env)._mark_broken()
            self._flush_tracking()
        return dispute.with_env(self.env)

    def _pdf_text(self, report, records):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        return subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()

    def assertInOrder(self, text, needles):
        positions = []
        for needle in needles:
            self.assertIn(needle, text)
            positions.append(text.index(needle))
        self.assertEqual(positions, sorted(positions), f"not in date order: {needles}")

    def test_dossier_pdf_invoice_partner_dispute(self):
        dispute = self._build_history()
        self.assertEqual(self.inv_a.payment_state, "partial")
        self.assertEqual(dispute.state, "resolved")

        # ---- the debtor: cover with every open invoice, the whole history in date order
        text = self._pdf_text("credit_dispute.action_report_credit_dossier", self.debtor)
        cover, history = text.split("Contact history", 1)
        self.assertIn("Debtor One BV", cover)
        self.assertIn(self.company.name, cover)
        self.assertIn(self.inv_a.name, cover)
        self.assertIn(self.inv_b.name, cover)
        self.assertIn("700.00", cover, "invoice A is open for 1000 - 300")
        self.assertIn("1,200.00", cover, "total open balance")
        self.assertIn(dispute.name, cover, "disputes summary")
        self.assertIn("Broken", cover, "promises summary")
        self.assertInOrder(
            history,
            [
                "Reminder e-mail",
                "Phone (outgoing)",
                "Outcome: Promise to pay",
                "E-mail received",
                "Damaged delivery",
                "delivery_note_4711.pdf",
                "Dispute opened",
                "New → In progress",
                "Dispute closed",
                "In progress → Resolved",
                "PAYREF-4711",
                "Open → Broken",
            ],
        )
        self.assertIn("300.00", history)
        for secret in ("Debtor Two", self.inv_other.name, "Other debtor writes", "Secret of debtor two"):
            self.assertNotIn(secret, text, "another debtor's history stays out")

        # ---- the invoice: its own history, not the other invoice's dispute
        text = self._pdf_text("credit_dispute.action_report_credit_dossier_move", self.inv_a)
        cover, history = text.split("Contact history", 1)
        self.assertIn(self.inv_a.name, cover)
        self.assertNotIn(self.inv_b.name, cover)
        self.assertIn("700.00", cover)
        self.assertInOrder(
            history,
            ["Reminder e-mail", "Phone (outgoing)", "Damaged delivery", "delivery_note_4711.pdf", "PAYREF-4711"],
        )
        self.assertNotIn(dispute.name, text)
        self.assertNotIn("Debtor Two", text)

        # ---- the dispute: its invoice, its state history, the reminder that covered it; not invoice A's story
        text = self._pdf_text("credit_dispute.action_report_credit_dossier_dispute", dispute)
        cover, history = text.split("Contact history", 1)
        self.assertIn(dispute.name, cover)
        self.assertIn(self.inv_b.name, cover)
        self.assertIn("500.00", cover)
        self.assertInOrder(history, ["Reminder e-mail", "Dispute opened", "New → In progress", "Dispute closed"])
        for absent in ("PAYREF-4711", "Damaged delivery", "Phone (outgoing)", "Debtor Two"):
            self.assertNotIn(absent, text)

        # ---- several debtors at once: one PDF (one wkhtmltopdf input), one dossier after the other
        text = self._pdf_text("credit_dispute.action_report_credit_dossier", self.debtor | self.debtor2)
        self.assertEqual(text.count("Contact history"), 2)
        self.assertInOrder(text, ["Debtor One BV", "PAYREF-4711", "Debtor Two BV", "Nobody at Debtor Two"])

    def test_buttons_return_the_reports(self):
        dispute = self._dispute(self.inv_b)
        for record, report in (
            (self.inv_a, "credit_dispute.report_credit_dossier_move"),
            (self.debtor, "credit_dispute.report_credit_dossier"),
            (dispute, "credit_dispute.report_credit_dossier_dispute"),
        ):
            action = record.with_user(self.manager).action_credit_print_dossier()
            self.assertEqual(action["type"], "ir.actions.report")
            self.assertEqual(action["report_name"], report)
            self.assertEqual(action["context"]["active_ids"], record.ids)

    def _dossier(self, model, records):
        report = f"report.credit_dispute.report_credit_dossier{model}"
        return self.env[report].with_user(self.manager)._get_report_values(records.ids)["dossiers"][0]

    def test_history_is_gathered_in_a_fixed_number_of_queries(self):
        self._build_history()

        def count():
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            entries = self._dossier("", self.debtor)["entries"]
            return self.env.cr.sql_log_count - start, len(entries)

        count()  # warm the caches (subtypes, fields, translations)
        queries, entries = count()
        for i in range(4):
            with self._at(f"2026-03-2{i + 1} 10:00:00"):
                self._incoming_email(
                    self.inv_b if i % 2 else self.debtor,
                    f"Mail {i}",
                    f"<p>Question {i}</p>",
                    self.debtor,
                    attachments=[(f"scan_{i}.pdf", b"%PDF-1.4 scan")],
                )
                self._log_call(self.inv_b, outcome="other", note=f"<p>Call {i}</p>")
        more_queries, more_entries = count()
        self.assertEqual(more_entries, entries + 8)
        self.assertEqual(more_queries, queries, "one query per kind of data, not one per message")

    def test_merged_lines_and_access(self):
        with self._at("2026-03-02 08:00:00"):
            self.run_engine()
        entries = self._dossier("", self.debtor)["entries"]
        reminder_lines = [e for e in entries if e["kind"] == "Reminder e-mail" and "covering" in e["text"]]
        self.assertEqual(len(reminder_lines), 1, "the same chatter line on both invoices is one event")
        self.assertEqual(set(reminder_lines[0]["concerns"]), {self.inv_a.name, self.inv_b.name})

        clerk = new_test_user(
            self.env,
            login="clerk_no_accounting",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["report.credit_dispute.report_credit_dossier_move"].with_user(clerk)._get_report_values(
                self.inv_a.ids
            )
