import base64
import datetime
import json

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import hash_sign, mute_logger

from .common import CreditPortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(CreditPortalCommon):
    """Every access rule: another partner's ids, bad tokens, forged form fields → 403/404 and nothing changes."""

    def _counts(self):
        return (
            self.env["credit.dispute"].search_count([]),
            self.env["payment.transaction"].search_count([]),
            self.env["credit.payment.arrangement"].search_count([]),
            self.env["credit.portal.change.request"].search_count([]),
            self.env["mail.message"].search_count([("model", "=", "credit.dispute")]),
        )

    def _csrf(self, url):
        """A CSRF token of this session, read from the page's forms."""
        html = self.url_open(url).text
        marker = 'name="csrf_token" value="'
        return html[html.index(marker) + len(marker) :].split('"', 1)[0]

    def test_tokens(self):
        token = self._token(self.debtor)
        page = self.url_open(f"/my/credit/invoices?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.invoices[0].name, page.text)
        self.assertNotIn(self.other_invoice.name, page.text)
        # no token, not logged in: the login page
        response = self.url_open("/my/credit/invoices", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        expired = hash_sign(
            self.env(su=True),
            "credit_portal",
            {"p": self.debtor.id, "g": 0},
            expiration=datetime.datetime.now() - datetime.timedelta(hours=1),
        )
        other_scope = hash_sign(self.env(su=True), "credit_portal.pay", {"p": self.debtor.id, "g": 0})
        for bad in (forged, expired, other_scope, "garbage", "A" * 2000):
            with self.subTest(token=bad[:20]):
                for path in ("/my/credit", "/my/credit/invoices", "/my/credit/complaints", "/my/credit/address"):
                    self.assertEqual(self.url_open(f"{path}?access_token={bad}").status_code, 403)
        # revoked: every link sent so far stops working; a new one works
        self.debtor.with_user(self.manager).action_credit_portal_revoke()
        self.assertEqual(self.url_open(f"/my/credit/invoices?access_token={token}").status_code, 403)
        self.assertEqual(self.url_open(f"/my/credit/invoices?access_token={self._token(self.debtor)}").status_code, 200)
        with self.assertRaises(AccessError):
            self.debtor.with_user(self.portal_user).action_credit_portal_revoke()

    def test_letter_code(self):
        code = self.debtor._credit_portal_code()
        self.assertEqual(self.env["res.partner"]._credit_portal_partner_from_code(code.lower()), self.debtor)
        wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
        for bad in (wrong, f"{self.other.id}-{code.split('-')[1]}", "", "x" * 100):
            self.assertFalse(self.env["res.partner"]._credit_portal_partner_from_code(bad))
        letter = self.debtor._credit_portal_letter()
        self.assertTrue(letter["qr"].startswith("data:image/png;base64,"))
        self.assertTrue(letter["short_url"].endswith("/my/credit/code"))

    @mute_logger("odoo.http")
    def test_other_partners_records(self):
        token = self._token(self.debtor)
        dispute = self.env["credit.dispute"].create(
            {
                "partner_id": self.other.id,
                "move_ids": [Command.set(self.other_invoice.ids)],
                "category_id": self.categories["PRODUCT"].id,
            }
        )
        before = self._counts()
        self.assertEqual(
            self.url_open(f"/my/credit/invoices/{self.other_invoice.id}/pdf?access_token={token}").status_code, 404
        )
        self.assertEqual(self.url_open(f"/my/credit/complaints/{dispute.id}?access_token={token}").status_code, 404)
        csrf = self._csrf(f"/my/credit/complaints/new?access_token={token}")
        response = self.url_open(
            f"/my/credit/complaints/{dispute.id}/message",
            data={"csrf_token": csrf, "access_token": token, "message": "Intruder"},
        )
        self.assertEqual(response.status_code, 404)
        # another partner's invoice in "Pay selected", a complaint, an arrangement, a paid proof
        for path, data in (
            ("/my/credit/pay", {"invoice_ids": [self.invoices[0].id, self.other_invoice.id]}),
            (
                "/my/credit/complaints/new",
                {"invoice_ids": [self.other_invoice.id], "category_id": self.categories["PRODUCT"].id, "message": "x"},
            ),
            ("/my/credit/arrangement", {"invoice_ids": [self.other_invoice.id], "count": 1, "date_1": "2099-01-01"}),
            ("/my/credit/paid-proof", {"invoice_ids": [self.other_invoice.id], "date": "2020-01-01", "amount": "1"}),
        ):
            with self.subTest(path=path):
                response = self.url_open(path, data={"csrf_token": csrf, "access_token": token, **data})
                self.assertEqual(response.status_code, 403)
        # a portal user sees their own commercial partner's complaints only
        self.assertFalse(self.env["credit.dispute"].with_user(self.portal_user).search([]))
        self.assertEqual(self._counts(), before)

    @mute_logger("odoo.http")
    def test_forged_pay_fields(self):
        token = self._token(self.debtor)
        csrf = self._csrf(f"/my/credit/complaints/new?access_token={token}")
        before = self._counts()
        ids = self.invoices[:2].ids
        # a changed amount
        response = self.url_open(
            "/my/credit/pay", data={"csrf_token": csrf, "access_token": token, "invoice_ids": ids, "amount": "1.00"}
        )
        self.assertEqual(response.status_code, 403)
        # no CSRF token
        response = self.url_open("/my/credit/pay", data={"access_token": token, "invoice_ids": ids, "amount": "300.00"})
        self.assertEqual(response.status_code, 400)
        # the right amount: the payment page, for the server's total
        response = self.url_open(
            "/my/credit/pay", data={"csrf_token": csrf, "access_token": token, "invoice_ids": ids, "amount": "300.00"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("300.00", response.text)
        # the transaction route: a forged selection, a changed amount
        provider = self.env.ref("payment.payment_provider_demo")
        method = self.env.ref("payment_demo.payment_method_demo")
        selection = response.text.split('data-access-token="', 1)[1].split('"', 1)[0]
        forged_selection = hash_sign(
            self.env(su=True),
            "credit_portal.pay",
            {"p": self.debtor.id, "i": [self.other_invoice.id], "a": 999.0, "t": True},
        )
        tampered = (
            base64.urlsafe_b64encode(base64.urlsafe_b64decode(selection + "===").replace(b'"a": 300.0', b'"a": 3.0'))
            .decode()
            .rstrip("=")
        )
        for access_token, amount in ((forged_selection, 999.0), (selection, 3.0), (tampered, 3.0), ("nonsense", 1.0)):
            with self.subTest(selection=access_token[:12], amount=amount):
                result = self.make_jsonrpc_request(
                    "/my/credit/pay/transaction",
                    {
                        "access_token": access_token,
                        "amount": amount,
                        "provider_id": provider.id,
                        "payment_method_id": method.id,
                        "token_id": None,
                        "flow": "direct",
                        "tokenization_requested": False,
                        "landing_route": "https://evil.example",
                        "is_validation": False,
                        "csrf_token": csrf,
                    },
                )
                self.assertIn("error", result)
        self.assertEqual(self._counts(), before)

    def make_jsonrpc_request(self, route, params):
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    @mute_logger("odoo.http")
    def test_forged_complaint_and_uploads(self):
        self.authenticate("portal_pia", "portal_pia_pw")
        csrf = self._csrf("/my/credit/complaints/new")
        hidden = self.categories["PRODUCT"].copy({"portal_visible": False, "code": "HIDDEN", "name": "Hidden"})
        before = self._counts()
        response = self.url_open(
            "/my/credit/complaints/new",
            data={"csrf_token": csrf, "invoice_ids": self.invoices[0].id, "category_id": hidden.id, "message": "x"},
        )
        self.assertEqual(response.status_code, 403)
        self.company.credit_portal_upload_max_mb = 1
        for name, content, expected in (
            ("virus.exe", b"MZ...", "not accepted"),
            ("big.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10), "larger than"),
        ):
            with self.subTest(file=name):
                response = self.url_open(
                    "/my/credit/complaints/new",
                    data={
                        "csrf_token": csrf,
                        "invoice_ids": self.invoices[0].id,
                        "category_id": self.categories["PRODUCT"].id,
                        "message": "See attached",
                    },
                    files={"attachments": (name, content)},
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(expected, response.text)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self.invoices[0].credit_followup_state, "active")

    def test_arrangement_limits(self):
        self.authenticate("portal_pia", "portal_pia_pw")
        csrf = self._csrf("/my/credit/arrangement")
        before = self._counts()
        self.company.write(
            {"credit_portal_max_instalments": 3, "credit_portal_max_term_days": 60, "credit_portal_min_instalment": 50}
        )
        today = datetime.date.today()
        cases = (
            ([today + datetime.timedelta(days=d) for d in (5, 10, 15, 20)], "At most 3 instalments"),
            ([today + datetime.timedelta(days=90)], "at most 60 days"),
            ([today - datetime.timedelta(days=1)], "from today on"),
            ([today + datetime.timedelta(days=d) for d in (5, 10, 15)], "at least"),  # 100 / 3 < 50
        )
        for dates, message in cases:
            with self.subTest(message=message):
                data = {"csrf_token": csrf, "invoice_ids": self.invoices[0].id, "count": len(dates)}
                data.update({f"date_{i}": str(d) for i, d in enumerate(dates, 1)})
                response = self.url_open("/my/credit/arrangement", data=data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self._counts(), before)

    def test_my_account_does_not_bypass_approval(self):
        """Odoo's own /my/account: the address, e-mail and phone wait for a credit manager like on /my/credit."""
        self.authenticate("portal_pia", "portal_pia_pw")
        email_before, street_before = self.contact.email, self.contact.street
        html = self.url_open("/my/account").text
        marker = 'name="csrf_token" value="'
        csrf = html[html.index(marker) + len(marker) :].split('"', 1)[0]
        self.url_open(
            "/my/account",
            data={
                "csrf_token": csrf,
                "name": "Pia Portal",
                "email": "new@portal-debtor.example",
                "phone": "+31 6 1234 5678",
                "street": "Andere Straat 9",
                "city": "Middelburg",
                "zipcode": "4331 AA",
                "country_id": str(self.env.ref("base.nl").id),
            },
        )
        self.contact.invalidate_recordset()
        self.assertEqual(self.contact.email, email_before)
        self.assertEqual(self.contact.street, street_before)
        request = self.env["credit.portal.change.request"].search([("partner_id", "=", self.contact.id)])
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.street, "Andere Straat 9")
        # a portal user cannot approve their own request
        with self.assertRaises(Exception):  # noqa: B017 - UserError or AccessError, both refuse
            request.with_user(self.portal_user).action_approve()
        request.with_user(self.manager).action_refuse()
        self.assertEqual(request.state, "refused")
        self.assertEqual(self.contact.street, street_before)
