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
                dispute._credit_responsible_email_links()
            with self.assertRaises(AccessError):
                dispute._credit_action_token("solved")
            # a context value that is not the permit itself (e.g. from an RPC call) does not help
            with self.assertRaises(AccessError):
                dispute.with_context(credit_dispute_link_permit=True)._credit_action_token("solved")
        # the e-mail to the responsible does carry working links
        mail = self.env["mail.mail"].search(
            [("subject", "ilike", self.dispute.name), ("recipient_ids", "in", self.resolver.partner_id.ids)], limit=1
        )
        tokens = ACTION_LINK_RE.findall(str(mail.body_html))
        self.assertEqual(len(tokens), 3)
        check = self.env["credit.dispute.token"]._credit_check(tokens[0])
        self.assertFalse(check["error"])
        self.assertTrue(
            self.dispute.with_context(credit_dispute_link_permit=LINK_PERMIT)._credit_action_token("solved")
        )


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
