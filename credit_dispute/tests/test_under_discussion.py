from odoo.tests import tagged

from .common import CreditDisputeCommon


@tagged("post_install", "-at_install")
class TestUnderDiscussion(CreditDisputeCommon):
    """Issue 12 point 6: disputed but not paused is not chased as plain overdue."""

    def test_arrangement_requested_is_listed_apart_with_its_reference(self):
        plain = self._invoice(self.debtor, 8, amount=100)
        discussed = self._invoice(self.debtor, 9, amount=250)
        dispute = self._dispute(discussed, category="ARRANGEMENT")
        self.assertEqual(discussed.credit_followup_state, "active", "this category does not pause")
        self.run_engine()
        mail = self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)])
        self.assertEqual(len(mail), 1)
        body = mail.body_html
        table, _sep, apart = body.partition("Under discussion")
        self.assertTrue(apart, "the reminder has an 'under discussion' part")
        self.assertIn(plain.name, table)
        self.assertNotIn(discussed.name, table, "not in the list of invoices to pay")
        self.assertIn(discussed.name, apart)
        self.assertIn(dispute.name, apart)
        self.assertIn("100.00", table.split("Balance to pay")[1][:120], "the balance leaves the discussed invoice out")

    def test_a_pausing_dispute_is_not_under_discussion(self):
        move = self._invoice(self.debtor, 8)
        self._dispute(move, category="PRODUCT")
        self.assertEqual(move._credit_under_discussion(), {})
        self.assertEqual(move.credit_followup_state, "paused")
