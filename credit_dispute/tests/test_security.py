"""Issue 11, tried as an attacker would: each test has the user or sender do the thing, and checks it is refused
and that nothing changed."""

import re
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.credit_dispute import LINK_PERMIT
from .common import CreditDisputeCommon

ACTION_LINK_RE = re.compile(r"/credit/dispute/action/([^\"'<> ]+)")


@tagged("post_install", "-at_install")
class TestResolveLinkRenders(CreditDisputeCommon, HttpCase):
    """Point 1: the one-click links are made only for the responsible's own e-mail."""

    def setUp(self):
        super().setUp()
        self.inv = self._invoice(self.debtor, 10)
        self.dispute = self._dispute(self.inv, user_id=self.resolver.id)
        self.template = self.env.ref("credit_dispute.mail_template_credit_dispute_assigned")

    def _renders(self, user):
        """What the template preview, the chatter composer and a plain render show ``user``."""
        dispute = self.dispute.with_user(user)
        template = self.template.with_user(user)
        preview = (
            self.env["mail.template.preview"]
            .with_user(user)
            .create({"mail_template_id": template.id, "resource_ref": f"credit.dispute,{dispute.id}"})
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(user)
            .with_context(default_model="credit.dispute", default_res_ids=dispute.ids)
            .create({"template_id": template.id, "composition_mode": "comment"})
        )
        rendered = template._render_field("body_html", dispute.ids, compute_lang=True)[dispute.id]
        return {"preview": str(preview.body_html), "composer": str(composer.body), "render": str(rendered)}

    def test_no_preview_or_composer_render_yields_a_working_link(self):
        self.env["ir.config_parameter"].sudo().set_param("mail.restrict.template.rendering", False)
        for user in (self.manager, self.resolver):
            for where, body in self._renders(user).items():
                with self.subTest(user=user.login, where=where):
                    self.assertIn(self.inv.name, body, "the render itself works")
                    tokens = ACTION_LINK_RE.findall(body)
                    self.assertFalse(tokens, "no action link outside the responsible's e-mail")
        # whatever a render could have produced is refused by the page (and the dispute stays open)
        for action in ("solved", "reject"):
            forged = f"/credit/dispute/action/{self.dispute.id}.{action}.{self.resolver.id}.9999999999.{'0' * 64}"
            self.assertEqual(self.url_open(forged).status_code, 403)
        self.assertEqual(self.dispute.state, "new")

    def test_signing_refuses_outside_the_responsibles_email(self):
        for env in (self.env, self.env(user=self.resolver)):
            dispute = self.dispute.with_env(env)
            with self.assertRaises(AccessError):
                dispute._responsible_email_links()
            with self.assertRaises(AccessError):
                dispute._action_token("solved")
            # a context value that is not the permit itself (e.g. from an RPC call) does not help
            with self.assertRaises(AccessError):
                dispute.with_context(credit_dispute_link_permit=True)._action_token("solved")
        # the e-mail to the responsible does carry working links
        mail = self.env["mail.mail"].search(
            [("subject", "ilike", self.dispute.name), ("recipient_ids", "in", self.resolver.partner_id.ids)], limit=1
        )
        tokens = ACTION_LINK_RE.findall(str(mail.body_html))
        self.assertEqual(len(tokens), 3)
        check = self.env["credit.dispute.token"]._verify(tokens[0])
        self.assertFalse(check["error"])
        self.assertTrue(self.dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)._action_token("solved"))

    def test_dead_links_show_no_company_reference_or_invoices(self):
        """Point 7: whoever finds an expired, used or outdated link later learns nothing about the dispute."""
        permit = self.dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)
        expired = permit._action_token("solved", expiry=1700000000)
        outdated = permit._action_token("reject")
        used = permit._action_token("not_solved")
        self.env["credit.dispute.token"].sudo().create(  # the link was used
            {
                "token_hash": self.env["credit.dispute.token"]._verify(used)["token_hash"],
                "dispute_id": self.dispute.id,
                "action": "not_solved",
                "user_id": self.resolver.id,
            }
        )
        checks = [("expired", expired), ("used", used), ("outdated", outdated)]
        for label, token in checks:
            if label == "outdated":
                self.dispute._new_link_generation()  # reassigned or reopened: earlier links are outdated
            with self.subTest(label):
                self.assertEqual(self.env["credit.dispute.token"]._verify(token)["error"], label)
                response = self.url_open(f"/credit/dispute/action/{token}")
                self.assertEqual(response.status_code, 403)
                for secret in (self.dispute.name, self.inv.name, self.company.name, self.debtor.name):
                    self.assertNotIn(secret, response.text)
        self.assertEqual(self.dispute.state, "new")


@tagged("post_install", "-at_install")
class TestResponsibleWithoutResolverRole(CreditDisputeCommon):
    """Point 4: a responsible without the resolver role changes a dispute only through its buttons."""

    def test_protected_fields_are_refused(self):
        inv, other = self._invoice(self.debtor, 10, amount=400), self._invoice(self.debtor, 12)
        dispute = self._dispute(inv, "PRODUCT")
        self.assertEqual(dispute.user_id, self.salesperson)
        non_pausing = self.env["credit.issue.category"].search(
            [("company_id", "=", self.company.id), ("pause_followup", "=", False)], limit=1
        )
        self.assertTrue(non_pausing)
        before = dispute.read(["category_id", "date_deadline", "user_id", "amount_disputed", "move_ids"])[0]
        as_sales = dispute.with_user(self.salesperson)
        self.assertFalse(as_sales.may_manage, "the form shows these fields read-only to them")
        for vals in (
            {"date_deadline": date(2099, 12, 31)},
            {"category_id": non_pausing.id},
            {"user_id": self.manager.id},
            {"amount_disputed": 1.0},
            {"move_ids": [Command.link(other.id)]},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                as_sales.write(vals)
        dispute.invalidate_recordset()
        self.assertEqual(
            dispute.read(["category_id", "date_deadline", "user_id", "amount_disputed", "move_ids"])[0], before
        )
        self.assertEqual(inv.credit_followup_state, "paused", "follow-up still waits")
        as_sales.description = "<p>Replacement ordered</p>"  # what they may change
        self.assertTrue(dispute.with_user(self.resolver).may_manage)

    def test_unreadable_invoices_are_refused_without_naming_them(self):
        inv = self._invoice(self.debtor, 10)
        mine = self._dispute(self._invoice(self.debtor, 12), "OTHER", user_id=self.resolver.id)
        company_b = self.env["res.company"].create({"name": "Company B"})
        manager_b = new_test_user(
            self.env,
            login="manager_b_sec",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        attempts = [
            # a resolver may not read invoices: not even their ids go on a dispute
            (self.resolver, lambda: mine.with_user(self.resolver).write({"move_ids": [Command.link(inv.id)]})),
            (
                self.resolver,
                lambda: (
                    self.env["credit.dispute"]
                    .with_user(self.resolver)
                    .create({"partner_id": self.debtor.id, "move_ids": [Command.set(inv.ids)]})
                ),
            ),
            # another company's credit manager
            (
                manager_b,
                lambda: (
                    self.env["credit.dispute"]
                    .with_user(manager_b)
                    .with_company(company_b)
                    .create({"partner_id": self.debtor.id, "move_ids": [Command.set(inv.ids)]})
                ),
            ),
            # an id that does not exist is refused the same way
            (
                self.resolver,
                lambda: (
                    self.env["credit.dispute"]
                    .with_user(self.resolver)
                    .create({"partner_id": self.debtor.id, "move_ids": [Command.set([inv.id + 100000])]})
                ),
            ),
        ]
        count = self.env["credit.dispute"].search_count([])
        for user, attempt in attempts:
            with self.subTest(user=user.login), self.assertRaises(AccessError) as refused:
                attempt()
            message = str(refused.exception)
            self.assertNotIn(inv.name, message)
            self.assertNotIn(str(inv.id), message)
            self.assertNotIn(self.debtor.name, message)
        self.assertEqual(self.env["credit.dispute"].search_count([]), count)
        self.assertNotIn(inv, mine.move_ids)
        self.assertEqual(inv.credit_followup_state, "active")


@tagged("post_install", "-at_install")
class TestDossierAccess(CreditDisputeCommon, HttpCase):
    """Point 3: the dossier is for those who may see it, and only their companies' part of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Company B")["company"]
        cls.inv_a = cls._invoice(cls.debtor, 10, amount=700)
        cls.inv_b = cls._invoice(cls.debtor, 10, amount=900, company=cls.company_b)
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.clerk = new_test_user(cls.env, login="clerk_sec", groups="base.group_user", **common)
        cls.reporter = new_test_user(
            cls.env, login="reporter_sec", groups="base.group_user,credit_followup.group_credit_reporting", **common
        )

    def _get(self, user, report, ids):
        self.authenticate(user.login, user.login)
        return self.url_open(f"/report/html/credit_dispute.{report}/{','.join(map(str, ids))}")

    def test_report_addresses_check_the_print_menu_groups(self):
        dispute = self._dispute(self.inv_a, "OTHER", user_id=self.manager.id)
        own = self._dispute(self._invoice(self.debtor, 12), "OTHER", user_id=self.resolver.id)
        refused = [
            (self.clerk, "report_credit_dossier", self.debtor.ids),  # may read the contact, not its dossier
            (self.reporter, "report_credit_dossier", self.debtor.ids),
            (self.reporter, "report_credit_dossier_dispute", dispute.ids),  # reads the dispute, not the dossier
            (self.resolver, "report_credit_dossier_dispute", own.ids + dispute.ids),
        ]
        for user, report, ids in refused:
            with self.subTest(user=user.login, report=report):
                response = self._get(user, report, ids)
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(self.inv_a.name, response.text)
                self.assertNotIn("700", response.text)
        # the responsible prints their own dispute's dossier; a credit manager prints a debtor's
        response = self._get(self.resolver, "report_credit_dossier_dispute", own.ids)
        self.assertEqual(response.status_code, 200)
        self.assertIn(own.name, response.text)
        response = self._get(self.manager, "report_credit_dossier", self.debtor.ids)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.inv_a.name, response.text)

    def test_shared_debtor_dossier_shows_one_companys_part(self):
        env_b = self.env(su=True, context={**self.env.context, "allowed_company_ids": [self.company_b.id]})
        debtor_b = self.debtor.with_env(env_b)
        # company B's contact line, promise, dispute and an e-mail its mailbox registered on the debtor
        contact = env_b["credit.followup.contact"].create(
            {
                "partner_id": debtor_b.id,
                "company_id": self.company_b.id,
                "move_ids": [Command.set(self.inv_b.ids)],
                "outcome": "other",
                "note": "<p>SECRET-B-CALL</p>",
            }
        )
        contact._post_to_chatter()
        env_b["credit.followup.promise"].create(
            {
                "partner_id": debtor_b.id,
                "company_id": self.company_b.id,
                "move_ids": [Command.set(self.inv_b.ids)],
                "date": self.today,
                "amount": 900,
                "currency_id": self.inv_b.currency_id.id,
                "note": "SECRET-B-PROMISE",
            }
        )
        env_b["credit.dispute"].create(
            {
                "partner_id": debtor_b.id,
                "company_id": self.company_b.id,
                "move_ids": [Command.set(self.inv_b.ids)],
                "description": "<p>SECRET-B-DISPUTE</p>",
            }
        )
        inbox_b = env_b["credit.mail.inbox"].create(
            {"name": "Re: invoice", "company_id": self.company_b.id, "email_from": "x@debtor-one.example"}
        )
        email = inbox_b.message_post(body="SECRET-B-EMAIL", message_type="email", subtype_xmlid="mail.mt_comment")
        inbox_b._copy_message(email, [debtor_b], self.env.ref("credit_dispute.mt_credit_email_in"))
        # company A's own line for comparison
        self._dispute(self.inv_a, "OTHER", description="<p>OWN-A-DISPUTE</p>")

        values = (
            self.env["report.credit_dispute.report_credit_dossier"]
            .with_user(self.manager)
            .with_company(self.company)
            ._get_report_values(self.debtor.ids)
        )
        dossier = values["dossiers"][0]
        text = repr(dossier)
        self.assertIn("OWN-A-DISPUTE", text)
        # (company B's invoice numbers follow B's own sequence: its amount tells it apart)
        for secret in ("SECRET-B-CALL", "SECRET-B-PROMISE", "SECRET-B-DISPUTE", "SECRET-B-EMAIL", "900.00"):
            self.assertNotIn(secret, text)
        self.assertEqual(len(dossier["promises"]), 0)
        self.assertEqual([d["invoices"] for d in dossier["disputes"]], [self.inv_a.name])
