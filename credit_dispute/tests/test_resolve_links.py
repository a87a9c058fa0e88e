import re
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..models.credit_dispute import LINK_PERMIT
from .common import CreditDisputeCommon

LINK_RE = re.compile(r'href="[^"]*(/credit/dispute/action/[^"]+)"')
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestResolveLinks(CreditDisputeCommon, HttpCase):
    """The one-click links of the responsible's e-mail, through the public page."""

    def setUp(self):
        super().setUp()
        self.inv = self._invoice(self.debtor, 10)
        self.dispute = self._dispute(self.inv, user_id=self.resolver.id)
        self.assertEqual(self.inv.credit_followup_state, "paused")

    # ------------------------------------------------------------------ helpers
    def _mailed_links(self, dispute, user):
        """The action links of the last "assigned to you" e-mail to ``user``, by button label."""
        mail = self.env["mail.mail"].search(
            [
                ("subject", "ilike", dispute.name),
                ("recipient_ids", "in", user.partner_id.ids),
            ],
            order="id desc",
            limit=1,
        )
        self.assertTrue(mail, "the responsible got an e-mail")
        links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', str(mail.body_html))
        by_label = {label.strip(): href for href, label in links}
        marker = "/credit/dispute/action/"
        actions = {label: href[href.index(marker) :] for label, href in by_label.items() if marker in href}
        return actions, by_label

    def _link(self, action, dispute=None, **kwargs):
        dispute = dispute or self.dispute
        return "/credit/dispute/action/" + dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)._action_token(
            action, **kwargs
        )

    def _open(self, path):
        response = self.url_open(path)
        csrf = CSRF_RE.search(response.text)
        return response, csrf and csrf.group(1)

    def _submit(self, path, **data):
        response, csrf = self._open(path)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(csrf, "the confirm page has a form")
        response = self.url_open(path, data={"csrf_token": csrf, **data})
        self.env.invalidate_all()
        return response

    def _chatter(self, dispute, author):
        return dispute.message_ids.filtered(lambda m: m.author_id == author.partner_id and m.message_type == "comment")

    # ------------------------------------------------------------------ e-mail
    def test_email_has_the_three_signed_links(self):
        links, all_links = self._mailed_links(self.dispute, self.resolver)
        self.assertEqual(set(links), {"Solved", "Not solved yet", "Reject"})
        self.assertIn("Open the dispute", all_links)
        self.assertIn(f"/odoo/credit.dispute/{self.dispute.id}", all_links["Open the dispute"])
        self.assertRegex(
            links["Solved"],
            rf"^/credit/dispute/action/{self.dispute.id}\.solved\.{self.resolver.id}\.\d+\.[0-9a-f]{{64}}$",
        )
        self.assertIn(".not_solved.", links["Not solved yet"])
        self.assertIn(".reject.", links["Reject"])
        expiry = int(links["Solved"].split(".")[-2])
        self.assertAlmostEqual(expiry, time.time() + 14 * 86400, delta=3600, msg="valid 14 days by default")

        for value, days in (("3", 3), ("0", 1), ("soon", 14)):
            self.env["ir.config_parameter"].sudo().set_param("credit_dispute.link_valid_days", value)
            token = self.dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)._action_token("solved")
            self.assertAlmostEqual(int(token.split(".")[-2]), time.time() + days * 86400, delta=3600, msg=value)

    def test_closed_dispute_mails_no_action_links(self):
        self.dispute.action_close("resolved")
        labels = [
            label
            for label, _url in self.dispute.with_context(
                credit_dispute_link_permit=LINK_PERMIT
            )._responsible_email_links()
        ]
        self.assertEqual(labels, ["Open the dispute"])

    # ------------------------------------------------------------------ solved
    def test_solved_resume_now(self):
        links, _all = self._mailed_links(self.dispute, self.resolver)
        response, _csrf = self._open(links["Solved"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")
        self.assertIn(self.dispute.name, response.text)
        self.assertIn(self.inv.name, response.text)
        self.assertIn("Mark this dispute as solved", response.text)
        self.assertEqual(self.dispute.state, "new", "opening the page changes nothing")

        response = self._submit(links["Solved"], note="Credit note CN/0001 sent", resume="now")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("The dispute is solved.", response.text)
        self.assertIn("resumes now", response.text)
        self.assertEqual(self.dispute.state, "resolved")
        self.assertIn("Credit note CN/0001 sent", self.dispute.resolution_note)
        self.assertEqual(self.inv.credit_followup_state, "active")
        self.assertFalse(self.dispute.activity_ids, "the responsible's activity is done")
        note = self._chatter(self.dispute, self.resolver)
        self.assertEqual(len(note), 1)
        self.assertIn("Solved from the e-mail link", note.body)
        self.assertIn("Credit note CN/0001 sent", note.body)
        closed = self.inv.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("credit_dispute.mt_credit_dispute_closed")
        )
        self.assertEqual(closed.author_id, self.resolver.partner_id)
        self.assertIn("Rita Resolver", closed.body)
        used = self.env["credit.dispute.token"].search([("dispute_id", "=", self.dispute.id)])
        self.assertEqual((used.action, used.user_id), ("solved", self.resolver))

        # the same link again: refused, nothing changes
        response = self._submit_refused(links["Solved"], "This link was already used.")
        self.assertEqual(self.dispute.state, "resolved")
        self.assertEqual(len(self._chatter(self.dispute, self.resolver)), 1)
        # the other links of the e-mail: the dispute is closed
        self._submit_refused(links["Not solved yet"], "This dispute is already closed.")

    def _submit_refused(self, path, message):
        response = self.url_open(path)
        self.assertEqual(response.status_code, 403)
        self.assertIn(message, response.text)
        self.assertNotIn('name="csrf_token"', response.text, "no form")
        # posting anyway (with a valid CSRF token of the session) is refused the same way
        csrf = self.url_open("/web/login").text
        csrf = CSRF_RE.search(csrf).group(1)
        response = self.url_open(path, data={"csrf_token": csrf, "resume": "now"})
        self.assertEqual(response.status_code, 403)
        self.assertIn(message, response.text)
        self.env.invalidate_all()
        return response

    def test_solved_resume_on_a_date_as_salesperson_without_dispute_rights(self):
        dispute = self.dispute
        dispute.user_id = self.salesperson
        self.assertFalse(self.salesperson.has_group("credit_followup.group_credit_dispute_resolver"))
        links, _all = self._mailed_links(dispute, self.salesperson)
        day = fields.Date.context_today(dispute) + timedelta(days=20)
        response = self._submit(links["Solved"], resume="date", resume_date=fields.Date.to_string(day))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(self.inv.credit_followup_state, "paused")
        self.assertEqual(self.inv.credit_pause_until, day - timedelta(days=1), "resumed by the engine on the day")
        self.assertTrue(self._chatter(dispute, self.salesperson))

    def test_solved_on_a_date_needs_the_date(self):
        path = self._link("solved")
        response = self._submit(path, resume="date", resume_date="")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose the date on which follow-up resumes.", response.text)
        self.assertEqual(self.dispute.state, "new")
        self.assertFalse(self.env["credit.dispute.token"].search([("dispute_id", "=", self.dispute.id)]))
        response = self._submit(path, resume="now")  # the link still works
        self.assertEqual(self.dispute.state, "resolved")

    # ------------------------------------------------------------------ not solved yet / reject
    def test_not_solved_yet(self):
        links, _all = self._mailed_links(self.dispute, self.resolver)
        response, _csrf = self._open(links["Not solved yet"])
        self.assertIn("This dispute is not solved yet", response.text)
        self.assertNotIn('name="resume"', response.text, "follow-up stays paused: no choice to make")
        response = self._submit(links["Not solved yet"], note="Waiting for the carrier's report")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("the dispute stays open", response.text)
        self.assertEqual(self.dispute.state, "in_progress")
        self.assertEqual(self.inv.credit_followup_state, "paused")
        deadline = fields.Date.context_today(self.dispute) + timedelta(days=self.company.credit_dispute_remind_days)
        activity = self.dispute.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.resolver)
        self.assertEqual(activity.date_deadline, max(deadline, self.dispute.date_deadline))
        note = self._chatter(self.dispute, self.resolver)
        self.assertIn("Not solved yet", note.body)
        self.assertIn("Waiting for the carrier", note.body)

        self._submit_refused(links["Not solved yet"], "This link was already used.")
        # later, the "Solved" link of the same e-mail still works
        self._submit(links["Solved"], resume="now")
        self.assertEqual(self.dispute.state, "resolved")

    def test_not_solved_yet_pushes_a_near_deadline(self):
        activity = self.dispute.activity_ids
        activity.date_deadline = fields.Date.context_today(self.dispute) - timedelta(days=3)
        self._submit(self._link("not_solved"))
        self.assertEqual(
            activity.date_deadline,
            fields.Date.context_today(self.dispute) + timedelta(days=self.company.credit_dispute_remind_days),
        )

    def test_reject_keep_paused(self):
        links, _all = self._mailed_links(self.dispute, self.resolver)
        response = self._submit(links["Reject"], note="The goods were fine", resume="keep")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn("The dispute is rejected.", response.text)
        self.assertIn("stays paused", response.text)
        self.assertEqual(self.dispute.state, "rejected")
        self.assertEqual(self.inv.credit_followup_state, "paused")
        self.assertEqual(self.inv.credit_pause_reason, "dispute")
        note = self._chatter(self.dispute, self.resolver)
        self.assertIn("Rejected from the e-mail link", note.body)

    # ------------------------------------------------------------------ refused links
    def test_expired_link(self):
        path = self._link("solved", expiry=int(time.time()) - 60)
        response = self._submit_refused(path, "This link has expired.")
        self.assertNotIn(self.dispute.name, response.text, "a dead link names nothing (issue 11)")
        self.assertEqual(self.dispute.state, "new")
        self.assertFalse(self.env["credit.dispute.token"].search([("dispute_id", "=", self.dispute.id)]))

    def test_tampered_links(self):
        path = self._link("solved")
        dispute_id, action, user_id, expiry, signature = path.rsplit("/", 1)[1].split(".")
        flipped = "0" if signature[-1] != "0" else "1"
        tampered = {
            "signature": f"{dispute_id}.{action}.{user_id}.{expiry}.{signature[:-1]}{flipped}",
            "action": f"{dispute_id}.reject.{user_id}.{expiry}.{signature}",
            "expiry": f"{dispute_id}.{action}.{user_id}.{int(expiry) + 86400}.{signature}",
            "user": f"{dispute_id}.{action}.{self.manager.id}.{expiry}.{signature}",
            "dispute": f"{self.dispute.id + 1}.{action}.{user_id}.{expiry}.{signature}",
            "leading zero": f"0{dispute_id}.{action}.{user_id}.{expiry}.{signature}",
            "garbage": "not-a-token",
        }
        for what, token in tampered.items():
            with self.subTest(what):
                response = self._submit_refused(f"/credit/dispute/action/{token}", "This link is not valid.")
                self.assertNotIn(self.dispute.name, response.text, "nothing is shown before the token checks out")
                self.assertNotIn(self.inv.name, response.text)
        self.assertEqual(self.dispute.state, "new")
        self.assertFalse(self.env["credit.dispute.token"].sudo().search([]))

    def test_reassigned_dispute_refuses_old_links(self):
        old_links, _all = self._mailed_links(self.dispute, self.resolver)
        self.dispute.user_id = self.manager
        self._submit_refused(old_links["Solved"], "The dispute was reassigned.")
        self.assertEqual(self.dispute.state, "new")
        # the new responsible's e-mail works, and the chatter shows them
        new_links, _all = self._mailed_links(self.dispute, self.manager)
        self._submit(new_links["Solved"], resume="now")
        self.assertEqual(self.dispute.state, "resolved")
        self.assertTrue(self._chatter(self.dispute, self.manager))
        self.assertFalse(self._chatter(self.dispute, self.resolver))

    def test_links_of_before_a_reopening_or_a_reassignment_back_stay_dead(self):
        old_links, _all = self._mailed_links(self.dispute, self.resolver)
        self.dispute.action_close("resolved")
        self.dispute.action_reopen()
        self._submit_refused(old_links["Reject"], "The dispute changed since this e-mail was sent.")
        self.assertEqual(self.dispute.state, "in_progress")
        # A → B → A: the first e-mail's links do not come back to life
        self.dispute.user_id = self.manager
        self.dispute.user_id = self.resolver
        self._submit_refused(old_links["Solved"], "The dispute changed since this e-mail was sent.")
        self.assertEqual(self.dispute.state, "in_progress")
        new_links, _all = self._mailed_links(self.dispute, self.resolver)
        self._submit(new_links["Solved"], resume="now")
        self.assertEqual(self.dispute.state, "resolved")

    def test_archived_responsible_cannot_act(self):
        links, _all = self._mailed_links(self.dispute, self.resolver)
        self.resolver.active = False
        self._submit_refused(links["Solved"], "The dispute was reassigned.")
        self.assertEqual(self.dispute.state, "new")

    def test_post_without_csrf_token_is_refused(self):
        path = self._link("solved")
        self._open(path)  # a session exists
        with self.assertLogs("odoo.http", "WARNING") as logs:
            response = self.url_open(path, data={"resume": "now"})
            self.assertEqual(response.status_code, 400)
            response = self.url_open(path, data={"resume": "now", "csrf_token": "0" * 40 + "o9999999999"})
            self.assertEqual(response.status_code, 400)
        self.assertEqual(len(logs.output), 2)
        self.env.invalidate_all()
        self.assertEqual(self.dispute.state, "new")
        self.assertFalse(self.env["credit.dispute.token"].search([("dispute_id", "=", self.dispute.id)]))

    def test_used_links_are_for_credit_managers_of_the_company(self):
        self._submit(self._link("not_solved"))
        Token = self.env["credit.dispute.token"]
        self.assertEqual(Token.with_user(self.manager).search_count([]), 1)
        with self.assertRaises(AccessError):
            Token.with_user(self.resolver).search([])
        other_company = self.env["res.company"].create({"name": "Other Credit Company"})
        self.manager.company_ids |= other_company
        self.assertEqual(
            Token.with_user(self.manager).with_context(allowed_company_ids=other_company.ids).search_count([]), 0
        )

    # ------------------------------------------------------------------ browser
    def test_resolve_page_tour(self):
        links, _all = self._mailed_links(self.dispute, self.resolver)
        self.start_tour(links["Solved"], "credit_dispute_resolve_tour")
        self.env.invalidate_all()
        self.assertEqual(self.dispute.state, "resolved")
        self.assertIn("Replaced the damaged pallet", self.dispute.resolution_note)
        self.assertEqual(self.inv.credit_followup_state, "paused")
        self.assertEqual(str(self.inv.credit_pause_until), "2030-12-30")
