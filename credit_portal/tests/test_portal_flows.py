from odoo.tests import tagged

from .common import CreditPortalCommon


@tagged("post_install", "-at_install")
class TestPortalFlows(CreditPortalCommon):
    def _queries(self, url):
        self.url_open(url)  # warm the caches (assets, templates, translations)
        before = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before, response.text

    def test_open_invoice_page_queries_do_not_grow(self):
        """1,000 open invoices: paginated, and the page costs as many queries as with three."""
        many = self.env["res.partner"].create({"name": "Big Debtor BV", "is_company": True})
        moves = self._invoices(many, [10.0 + i for i in range(1000)])
        few_queries, _html = self._queries(f"/my/credit/invoices?access_token={self._token(self.debtor)}")
        many_queries, html = self._queries(f"/my/credit/invoices?access_token={self._token(many)}")
        self.assertEqual(html.count('class="o_credit_invoice_row"'), 20, "paginated")
        self.assertIn("/my/credit/invoices/page/2", html)
        self.assertLessEqual(many_queries, few_queries + 2, "the query count does not grow with the invoices")
        # the grand total covers all 1,000, not only the page
        total = sum(moves.mapped("amount_residual"))
        self.assertIn(f"{total:,.2f}", html)

    def test_reminder_carries_the_portal_link(self):
        url = self.debtor._credit_portal_url()
        self.assertIn("/my/credit?access_token=", url)
        self.assertEqual(self.url_open(url).status_code, 200)
        data = self.env["credit.followup.engine"]._credit_template_data
        self.assertTrue(callable(data))

    def test_paid_proof_opens_an_already_paid_dispute(self):
        self.authenticate("portal_pia", "portal_pia_pw")
        html = self.url_open("/my/credit/paid-proof").text
        marker = 'name="csrf_token" value="'
        csrf = html[html.index(marker) + len(marker) :].split('"', 1)[0]
        response = self.url_open(
            "/my/credit/paid-proof",
            data={
                "csrf_token": csrf,
                "invoice_ids": self.invoices[1].id,
                "date": "2026-01-15",
                "amount": "200.00",
                "message": "Paid by bank transfer",
            },
            files={"proof": ("bank.pdf", b"%PDF-1.4 proof")},
        )
        self.assertEqual(response.status_code, 200)
        dispute = self.env["credit.dispute"].search([("partner_id", "=", self.debtor.id)])
        self.assertEqual(dispute.category_id.code, "PAID")
        self.assertEqual(dispute.channel, "portal")
        self.assertEqual(self.invoices[1].credit_followup_state, "paused")
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "credit.dispute"), ("res_id", "=", dispute.id)]
        )
        self.assertEqual(attachment.name, "bank.pdf")
        self.assertIn("200.00", dispute.description)
        # confirmed by e-mail
        mails = self.env["mail.mail"].search([("model", "=", "credit.dispute"), ("res_id", "=", dispute.id)])
        self.assertTrue(any(self.debtor in mail.recipient_ids for mail in mails))

    def test_home_and_tile(self):
        self.authenticate("portal_pia", "portal_pia_pw")
        response = self.url_open("/my/home")
        self.assertIn("Payments and complaints", response.text)
        response = self.url_open("/my/credit")
        self.assertEqual(response.status_code, 200)
        self.assertIn("700.00", response.text)

    def test_statement_of_account_download(self):
        """The statement of account (credit_followup's report) for the debtor of the link, and nobody else."""
        response = self.url_open(f"/my/credit/statement?access_token={self._token(self.debtor)}")
        self.assertEqual(response.status_code, 200)
        # tests render reports as HTML (no wkhtmltopdf run); the content is what the PDF shows
        self.assertIn(self.invoices[0].name, response.text)
        self.assertNotIn(self.other_invoice.name, response.text)
        self.assertIn("/my/credit/statement", self.url_open(f"/my/credit?access_token={self._token(self.debtor)}").text)
