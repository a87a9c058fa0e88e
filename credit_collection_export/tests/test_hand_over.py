"""Hand-over: cases per debtor, follow-up stops (the engine skips), chatter, files, mail; refusals that
change nothing; the lifecycle and recall; a payment to us tells the agency; the wizard's entry points."""

import base64
import subprocess

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, freeze_time, tagged

from .common import CreditCollectionCommon


@freeze_time("2026-03-02")
@tagged("post_install", "-at_install")
class TestHandOver(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.debtor, 60, amount=1000.0)
        cls.inv2 = cls._invoice(cls.debtor, 50, amount=500.0)
        cls.inv3 = cls._invoice(cls.debtor2, 70, amount=300.0)

    def _hand_over(self, moves, agency=None, **kwargs):
        return (agency or self.agency).with_user(self.manager).hand_over(moves, **kwargs)

    def test_hand_over_creates_one_case_per_debtor(self):
        moves = self.inv1 | self.inv2 | self.inv3
        cases = self._hand_over(moves)
        self.assertEqual(len(cases), 2)
        case = cases.filtered(lambda c: c.partner_id == self.debtor)
        self.assertEqual(case.move_ids, self.inv1 | self.inv2)
        self.assertEqual(case.state, "handed_over")
        self.assertEqual(case.principal, 1500.0)
        self.assertEqual(case.costs, 225.0)  # WIK: 15 % of 1,500
        self.assertGreater(case.interest, 0.0)
        self.assertEqual(case.amount_total, case.principal + case.costs + case.interest)
        self.assertTrue(case.name.startswith("COLL/2026/"))
        self.assertEqual(set(moves.mapped("credit_followup_state")), {"collection"})
        self.assertEqual(self.inv1.credit_collection_case_id, case)
        # chatter on each invoice and on the debtor, with our contact subtype
        subtype = self.env.ref("credit_collection_export.mt_credit_collection")
        for record in (self.inv1, self.inv2, self.debtor):
            messages = record.message_ids.filtered(lambda m: m.subtype_id == subtype)
            self.assertEqual(len(messages), 1, record.display_name)
            self.assertIn(case.name, messages.body)
            self.assertIn("Incasso Noord", messages.body)
        # the export file on the case, in the agency's format; e-mailed to the agency with it
        self.assertEqual(case.export_attachment_id.res_id, case.id)
        data = base64.b64decode(case.export_attachment_id.datas)
        self.assertIn(self.inv1.name.encode(), data)
        self.assertNotIn(self.inv3.name.encode(), data)
        mail = self.env["mail.mail"].search([("model", "=", case._name), ("res_id", "=", case.id)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.email_to, "claims@incasso-noord.example")
        self.assertIn(case.export_attachment_id, mail.attachment_ids)
        # credit_dispute is installed in the suite: the dossier is on the case and in the mail (a real PDF:
        # TestDossierPdf, a browser-mode test case whose server can answer wkhtmltopdf's asset requests)
        if self.env.ref("credit_dispute.action_report_credit_dossier_move", raise_if_not_found=False):
            self.assertTrue(case.dossier_attachment_id)
            self.assertIn(case.dossier_attachment_id, mail.attachment_ids)

    def test_engine_skips_invoices_at_the_agency(self):
        self._hand_over(self.inv1 | self.inv2)
        self.run_engine()
        self.assertFalse(self.logs(self.inv1 | self.inv2))
        self.assertTrue(self.logs(self.inv3), "the other debtor is still followed up")

    def test_refusals_change_nothing(self):
        draft = self._invoice(self.debtor, 40, post=False)
        for moves, message in [
            (draft, "Only open posted"),
            (self.env["account.move"], "Select the invoices"),
        ]:
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                self._hand_over(moves)
        small = self._invoice(self.debtor2, 40, amount=20.0)
        with self.assertRaisesRegex(UserError, "minimum claim"):
            self._hand_over(small)
        self._hand_over(self.inv1)
        with self.assertRaisesRegex(UserError, "Already at a collection agency"):
            self._hand_over(self.inv1 | self.inv2)
        self.assertEqual(self.inv2.credit_followup_state, "active")
        self.assertEqual(self.env["credit.collection.case"].search_count([("move_ids", "in", self.inv2.ids)]), 0)

    def test_disputed_only_after_confirmation(self):
        if "credit_dispute_id" not in self.env["account.move"]._fields:
            self.assertFalse(self.env["credit.collection.case"]._disputed_moves(self.inv1))
            return
        category = self.env["credit.issue.category"].search([("company_id", "=", self.company.id)], limit=1)
        if not category:
            self.env["credit.issue.category"]._credit_ensure_company_categories(self.company)
            category = self.env["credit.issue.category"].search([("company_id", "=", self.company.id)], limit=1)
        self.env["credit.dispute"].create(
            {
                "partner_id": self.debtor.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(self.inv1.ids)],
                "category_id": category.id,
                "description": "<p>Damaged goods</p>",
            }
        )
        with self.assertRaisesRegex(UserError, "disputed"):
            self._hand_over(self.inv1 | self.inv2)
        # the wizard leaves the disputed invoice out unless confirmed
        action = (self.inv1 | self.inv2).with_user(self.manager).action_credit_collection_hand_over()
        wizard = self.env["credit.collection.hand.over"].with_user(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.disputed_move_ids, self.inv1)
        self.assertEqual(wizard.principal, 500.0)
        wizard.action_confirm()
        self.assertEqual(self.inv2.credit_followup_state, "collection")
        self.assertNotEqual(self.inv1.credit_followup_state, "collection")
        cases = self._hand_over(self.inv1, include_disputed=True)
        self.assertEqual(cases.move_ids, self.inv1)

    def test_wizard_from_debtor_and_worklist(self):
        action = self.debtor.with_user(self.manager).action_credit_collection_hand_over()
        with Form(self.env["credit.collection.hand.over"].with_user(self.manager).browse(action["res_id"])) as form:
            form.agency_id = self.bailiff
            self.assertEqual(form.partner_count, 1)
        result = form.record.action_confirm()
        case = self.env["credit.collection.case"].browse(result["res_id"])
        self.assertEqual(case.agency_id, self.bailiff)
        self.assertEqual(case.move_ids, self.inv1 | self.inv2)
        self.assertTrue(case.export_attachment_id.name.endswith(".xlsx"))
        self.assertFalse(  # the bailiff has no e-mail address: nothing is mailed
            self.env["mail.mail"].search([("model", "=", case._name), ("res_id", "=", case.id)])
        )
        worklist = (
            self.env["credit.followup.worklist"].with_user(self.manager).search([("partner_id", "=", self.debtor2.id)])
        )
        action = worklist.action_collection_hand_over()
        wizard = self.env["credit.collection.hand.over"].browse(action["res_id"])
        self.assertEqual(wizard.move_ids, self.inv3)

    def test_lifecycle_and_recall(self):
        case = self._hand_over(self.inv1 | self.inv2)
        case.with_user(self.manager).action_start()
        self.assertEqual(case.state, "in_progress")
        case.with_user(self.manager).action_recall()
        self.assertEqual(case.state, "recalled")
        self.assertEqual(case.date_closed, self.today)
        self.assertEqual(set((self.inv1 | self.inv2).mapped("credit_followup_state")), {"active"})
        recall_mail = self.env["mail.mail"].search(
            [("model", "=", case._name), ("res_id", "=", case.id), ("subject", "like", "Recall")]
        )
        self.assertEqual(recall_mail.email_to, "claims@incasso-noord.example")
        self.assertIn("Recalled from", self.inv1.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Only cases at the agency"):
            case.action_recall()
        # follow-up resumes: the engine acts on the invoices again
        self.run_engine()
        self.assertTrue(self.logs(self.inv1))
        # handed over again later: a new case
        case2 = self._hand_over(self.inv1 | self.inv2)
        self.assertNotEqual(case2, case)
        case2.action_write_off()
        self.assertEqual(self.inv1.credit_followup_state, "excluded")
        with self.assertRaisesRegex(UserError, "cannot go from"):
            case2.action_start()

    def test_recall_keeping_follow_up_paused(self):
        case = self._hand_over(self.inv1)
        case.action_recall(resume=False)
        self.assertEqual(self.inv1.credit_followup_state, "paused")

    def test_payment_to_us_shows_on_the_case_and_tells_the_agency(self):
        case = self._hand_over(self.inv1 | self.inv2)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=self.inv1.ids).create(
            {"amount": 400.0, "payment_date": self.today}
        )._create_payments()
        self.assertEqual(case.amount_paid_direct, 400.0)
        self.assertEqual(case.amount_outstanding, case.amount_total - 400.0)
        self.assertTrue(case.message_ids.filtered(lambda m: "Payment of 400.00" in m.body))
        mail = self.env["mail.mail"].search(
            [("model", "=", case._name), ("res_id", "=", case.id), ("subject", "like", "Payment received")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("400.00", mail.body_html)
        # paid in full: the invoice's follow-up is done
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=self.inv1.ids).create(
            {"payment_date": self.today}
        )._create_payments()
        self.assertEqual(self.inv1.credit_followup_state, "done")
        self.assertEqual(case.amount_paid_direct, 1000.0)


@tagged("post_install", "-at_install")
class TestDossierPdf(CreditCollectionCommon, HttpCase):
    """The real dossier PDF on the case (wkhtmltopdf, checked with pdftotext); time not frozen.

    HttpCase: wkhtmltopdf fetches the report assets from the test server while the PDF renders."""

    def test_dossier_pdf_on_the_case(self):
        if not self.env.ref("credit_dispute.action_report_credit_dossier_move", raise_if_not_found=False):
            self.assertFalse(self.env["credit.collection.case"]._dossier_report())
            return
        move = self._invoice(self.debtor, 60, amount=1000.0)
        case = self.agency.with_context(force_report_rendering=True).with_user(self.manager).hand_over(move)
        dossier = case.dossier_attachment_id
        self.assertEqual(dossier.mimetype, "application/pdf")
        self.assertTrue(dossier.raw.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=dossier.raw, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        self.assertIn(move.name, text)
