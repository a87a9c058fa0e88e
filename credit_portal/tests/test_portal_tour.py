from odoo.tests import tagged

from .common import CreditPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTours(CreditPortalCommon):
    def _assert_paid_two_of_three(self, invoices):
        invoices.invalidate_recordset()
        self.assertEqual(invoices[:2].mapped("payment_state"), [invoices[0].payment_state] * 2)
        self.assertIn(invoices[0].payment_state, ("paid", "in_payment"))
        self.assertEqual(invoices[2].payment_state, "not_paid")
        tx = self.env["payment.transaction"].search([("invoice_ids", "in", invoices.ids)])
        self.assertEqual(len(tx), 1)
        self.assertEqual(tx.invoice_ids, invoices[:2])
        self.assertEqual(tx.partner_id, invoices.commercial_partner_id)
        self.assertAlmostEqual(tx.amount, sum(invoices[:2].mapped("amount_total")))
        self.assertEqual(tx.state, "done")

    def test_logged_in_debtor_pays_two_and_complains(self):
        """Logged in: pay two of three, report a problem (the invoice pauses), add a message."""
        self.start_tour("/my/credit/invoices", "credit_portal_debtor_tour", login="portal_pia")
        self._assert_paid_two_of_three(self.invoices)
        dispute = self.env["credit.dispute"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.channel, "portal")
        self.assertEqual(dispute.move_ids, self.invoices[2])
        self.assertEqual(dispute.category_id.code, "PRODUCT")
        self.assertEqual(self.invoices[2].credit_followup_state, "paused")
        self.assertEqual(self.invoices[2].credit_pause_reason, "dispute")
        bodies = dispute.message_ids.filtered(lambda m: m.author_id == self.debtor).mapped("body")
        self.assertTrue(any("A photo follows tomorrow." in body for body in bodies))

    def test_token_visitor_pays_proposes_and_moves(self):
        """Without an account, by the reminder's link: pay two of three, propose instalments a manager accepts
        (the invoice pauses until the first instalment), ask for a new address a manager approves."""
        token = self._token(self.visitor_debtor)
        self.start_tour(f"/my/credit/invoices?access_token={token}", "credit_portal_visitor_tour")
        self._assert_paid_two_of_three(self.visitor_invoices)

        arrangement = self.env["credit.payment.arrangement"].search([("partner_id", "=", self.visitor_debtor.id)])
        self.assertEqual(arrangement.state, "proposed")
        self.assertEqual(arrangement.move_ids, self.visitor_invoices[2])
        self.assertEqual(len(arrangement.line_ids), 2)
        self.assertTrue(arrangement.activity_ids, "the credit manager is told by an activity")
        self.assertEqual(
            self.visitor_invoices[2].credit_followup_state, "active", "nothing pauses before it is accepted"
        )
        arrangement.with_user(self.manager).action_accept()
        first = arrangement.line_ids.sorted("date")[0]
        move = self.visitor_invoices[2]
        self.assertEqual(move.credit_followup_state, "paused")
        self.assertEqual(move.credit_pause_reason, "promise")
        self.assertEqual(move.credit_pause_until, arrangement.promise_ids.sorted("date")[0].grace_until)
        self.assertEqual(arrangement.promise_ids.sorted("date")[0].date, first.date)
        self.assertEqual(len(arrangement.promise_ids), 2)

        request = self.env["credit.portal.change.request"].search([("partner_id", "=", self.visitor_debtor.id)])
        self.assertEqual(request.state, "pending")
        self.assertFalse(self.visitor_debtor.street, "nothing is written before approval")
        request.with_user(self.manager).action_approve()
        self.assertEqual(self.visitor_debtor.street, "Nieuwe Haven 5")
        self.assertEqual(self.visitor_debtor.city, "Vlissingen")
        self.assertTrue(
            any("Nieuwe Haven 5" in body for body in self.visitor_debtor.message_ids.mapped("body")),
            "the approval is on the partner's chatter",
        )
