from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditDisputeCommon


@tagged("post_install", "-at_install")
class TestDispute(CreditDisputeCommon):
    # ------------------------------------------------------------------ categories
    def test_category_decides_pause_deadline_and_responsible(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv, "PRODUCT")  # pauses, 14 days, the invoice's salesperson
        self.assertEqual(dispute.user_id, self.salesperson)
        self.assertEqual(dispute.date_deadline, dispute.date_open + timedelta(days=14))
        self.assertEqual(inv.credit_followup_state, "paused")
        self.assertEqual(inv.credit_pause_reason, "dispute")
        self.assertEqual(inv.credit_dispute_id, dispute)
        self.assertTrue(dispute.name.startswith("DSP/"))

        other = self._invoice(self.debtor, 10)
        arrangement = self.categories["ARRANGEMENT"]
        arrangement.responsible_user_id = self.resolver
        dispute2 = self._dispute(other, "ARRANGEMENT")  # does not pause, fixed user
        self.assertEqual(other.credit_followup_state, "active")
        self.assertEqual(dispute2.user_id, self.resolver)
        self.assertEqual(dispute2.date_deadline, dispute2.date_open + timedelta(days=arrangement.resolve_days))

    def test_default_responsible_falls_back_to_the_registering_user(self):
        inv = self._invoice(self.debtor, 10, invoice_user_id=False)
        dispute = self._dispute(inv, "PRODUCT").with_user(self.manager)  # salesperson mode, no salesperson
        self.assertEqual(dispute.user_id, self.env.user)
        inv2 = self._invoice(self.debtor, 10)
        dispute2 = (
            self.env["credit.dispute"]
            .with_user(self.manager)
            .create(
                {
                    "partner_id": self.debtor.id,
                    "move_ids": [Command.set(inv2.ids)],
                    "category_id": self.categories["OTHER"].id,
                }
            )
        )
        self.assertEqual(dispute2.user_id, self.manager)

    def test_to_qualify_dispute_pauses(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv, category=False, channel="email")
        self.assertTrue(dispute.to_qualify)
        self.assertEqual(inv.credit_followup_state, "paused")
        self.assertFalse(dispute.date_deadline)
        dispute.category_id = self.categories["ARRANGEMENT"]  # qualified as not pausing: follow-up goes on
        self.assertEqual(inv.credit_followup_state, "active")
        self.assertTrue(dispute.date_deadline)

    # ------------------------------------------------------------------ end states
    def test_resolved_resumes_now(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv)
        wizard = Form(self.env["credit.dispute.close"].with_context(default_dispute_id=dispute.id))
        wizard.state = "resolved"
        wizard.resume = "now"
        wizard.note = "Credit note sent"
        wizard.save().action_confirm()
        self.assertEqual(dispute.state, "resolved")
        self.assertEqual(dispute.date_closed, fields.Date.context_today(dispute))
        self.assertEqual(inv.credit_followup_state, "active")
        self.assertFalse(inv.credit_dispute_id)
        self.assertFalse(dispute.activity_ids, "the responsible's activity is done")
        closed_subtype = self.env.ref("credit_dispute.mt_credit_dispute_closed")
        closed = inv.message_ids.filtered(lambda m: m.subtype_id == closed_subtype)
        self.assertIn(dispute.name, closed.body)

    def test_resolved_resumes_on_a_date(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv)
        today = fields.Date.context_today(dispute)
        dispute.action_close("resolved", resume="date", resume_date=today + timedelta(days=5))
        self.assertEqual(inv.credit_followup_state, "paused")
        self.assertEqual(inv.credit_pause_until, today + timedelta(days=4))
        self.run_engine(day=today + timedelta(days=4))
        self.assertEqual(inv.credit_followup_state, "paused")
        self.run_engine(day=today + timedelta(days=5))
        self.assertEqual(inv.credit_followup_state, "active")
        self.assertTrue(self.logs(inv).filtered(lambda log: log.state == "done"), "followed up again that day")

    def test_rejected_keeps_paused_and_cancelled_resumes(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv)
        dispute.action_close("rejected", note="<p>Goods were fine</p>", resume="keep")
        self.assertEqual(dispute.state, "rejected")
        self.assertEqual(inv.credit_followup_state, "paused")
        self.assertEqual(inv.credit_pause_reason, "dispute")
        with self.assertRaises(UserError):
            dispute.action_cancel()

        inv2 = self._invoice(self.debtor2, 10)
        dispute2 = self._dispute(inv2)
        dispute2.action_cancel()
        self.assertEqual(dispute2.state, "cancelled")
        self.assertEqual(inv2.credit_followup_state, "active")
        dispute2.action_reopen()
        self.assertEqual(dispute2.state, "in_progress")
        self.assertEqual(inv2.credit_followup_state, "paused")

    def test_close_requires_resume_date(self):
        dispute = self._dispute(self._invoice(self.debtor, 10))
        with self.assertRaises(UserError):
            dispute.action_close("resolved", resume="date")
        self.assertEqual(dispute.state, "new")
        yesterday = fields.Date.context_today(dispute) - timedelta(days=1)
        wizard = self.env["credit.dispute.close"].create(
            {"dispute_id": dispute.id, "state": "resolved", "resume": "date", "resume_date": yesterday}
        )
        with self.assertRaises(UserError):  # the wizard and the e-mail link share the check of action_close
            wizard.action_confirm()
        self.assertEqual(dispute.state, "new")

    def test_manual_pause_is_not_resumed_by_the_dispute(self):
        inv = self._invoice(self.debtor, 10)
        inv._credit_pause("manual", note="Customer pays after year-end")
        dispute = self._dispute(inv)
        self.assertEqual(inv.credit_pause_reason, "manual")
        dispute.action_close("resolved")
        self.assertEqual(inv.credit_followup_state, "paused")
        self.assertEqual(inv.credit_pause_reason, "manual")

    # ------------------------------------------------------------------ several invoices, one open dispute
    def test_multi_invoice_dispute(self):
        inv1, inv2 = self._invoice(self.debtor, 10), self._invoice(self.debtor, 20, amount=250)
        dispute = self._dispute(inv1 | inv2)
        self.assertEqual(dispute.amount_disputed, 350)
        self.assertEqual((inv1 | inv2).mapped("credit_followup_state"), ["paused", "paused"])
        dispute.move_ids = [Command.unlink(inv2.id)]
        self.assertEqual(inv2.credit_followup_state, "active")
        self.assertEqual(inv1.credit_followup_state, "paused")

    def test_one_open_dispute_per_invoice(self):
        inv1, inv2 = self._invoice(self.debtor, 10), self._invoice(self.debtor, 20)
        first = self._dispute(inv1)
        with self.assertRaises(ValidationError):
            self._dispute(inv1 | inv2, "PRICE")
        self.assertEqual(inv2.credit_followup_state, "active", "nothing half-written")
        first.action_close("resolved")
        second = self._dispute(inv1 | inv2, "PRICE")
        self.assertEqual(inv1.credit_dispute_id, second)

    def test_invoices_of_the_debtor_only(self):
        mine, theirs = self._invoice(self.debtor, 10), self._invoice(self.debtor2, 10)
        with self.assertRaises(ValidationError):
            self.env["credit.dispute"].create(
                {"partner_id": self.debtor.id, "move_ids": [Command.set((mine | theirs).ids)]}
            )
        draft = self._invoice(self.debtor, 10, post=False)
        with self.assertRaises(ValidationError):
            self.env["credit.dispute"].create({"partner_id": self.debtor.id, "move_ids": [Command.set(draft.ids)]})
        paid = self._invoice(self.debtor, 10)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {}
        )._create_payments()
        with self.assertRaises(ValidationError):
            self.env["credit.dispute"].create({"partner_id": self.debtor.id, "move_ids": [Command.set(paid.ids)]})

    # ------------------------------------------------------------------ the engine
    def test_engine_leaves_disputed_invoices_out_and_resumes_after(self):
        disputed = self._invoice(self.debtor, 10, amount=111)
        other = self._invoice(self.debtor, 10, amount=222)
        dispute = self._dispute(disputed)
        self.run_engine()
        mail = self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)])
        self.assertEqual(len(mail), 1)
        self.assertIn(other.name, mail.body_html)
        self.assertNotIn(disputed.name, mail.body_html)
        self.assertFalse(self.logs(disputed))
        self.assertTrue(self.logs(other))

        dispute.action_close("resolved", resume="now")
        self.run_engine(day=self.today + timedelta(days=1))
        self.assertEqual(self.logs(disputed).step_id, self.steps["First reminder"])
        mails = self.env["mail.mail"].search([("email_to", "ilike", self.debtor.email)], order="id desc")
        self.assertIn(disputed.name, mails[0].body_html)

    # ------------------------------------------------------------------ the responsible
    def test_responsible_gets_one_activity_and_an_email(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv, "OTHER", user_id=self.resolver.id)
        activity = dispute.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.resolver)
        mail = self.env["mail.mail"].search([("subject", "ilike", dispute.name)])
        self.assertEqual(mail.recipient_ids, self.resolver.partner_id)
        self.assertIn(inv.name, mail.body_html)
        self.assertIn("100.00", mail.body_html)
        self.assertIn("/credit/dispute/action/", mail.body_html)
        self.assertNotIn(
            "/credit/dispute/action/", "".join(dispute.message_ids.mapped("body")), "the links stay out of the chatter"
        )

        dispute.user_id = self.manager
        self.assertEqual(dispute.activity_ids, activity, "reassigned, not duplicated")
        self.assertEqual(activity.user_id, self.manager)
        mails = self.env["mail.mail"].search([("subject", "ilike", dispute.name)])
        self.assertEqual(mails.recipient_ids, self.resolver.partner_id | self.manager.partner_id)

    def test_responsible_gets_one_email_with_tracking_on(self):
        """With tracking (as in production) the responsible still gets only our e-mail, not Odoo's as well."""
        env = self.env(
            context={k: v for k, v in self.env.context.items() if k not in ("tracking_disable", "mail_notrack")}
        )
        inv = self._invoice(self.debtor, 10)
        dispute = env["credit.dispute"].create(
            {
                "partner_id": self.debtor.id,
                "move_ids": [Command.set(inv.ids)],
                "category_id": self.categories["OTHER"].id,
                "user_id": self.resolver.id,
            }
        )
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.resolver.partner_id.ids)])
        self.assertEqual(len(mails), 1, mails.mapped("subject"))
        self.assertIn(dispute.name, mails.subject)
        dispute.with_env(env).user_id = self.manager
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.manager.partner_id.ids)])
        self.assertEqual(len(mails), 1, mails.mapped("subject"))

    def test_chatter_of_invoice_and_partner(self):
        inv = self._invoice(self.debtor, 10)
        dispute = self._dispute(inv)
        opened = self.env.ref("credit_dispute.mt_credit_dispute_opened")
        for record in (inv, self.debtor):
            message = record.message_ids.filtered(lambda m: m.subtype_id == opened)
            self.assertEqual(len(message), 1)
            self.assertIn(dispute.name, message.body)
            self.assertIn("damaged", message.body)
        history = self.env["mail.message"].search(self.debtor.action_credit_open_history()["domain"])
        self.assertEqual(len(history.filtered(lambda m: m.subtype_id == opened)), 2, "contact history shows it")

    # ------------------------------------------------------------------ entry points
    def test_register_from_invoice_and_partner(self):
        inv = self._invoice(self.debtor, 10)
        action = inv.action_credit_register_dispute()
        self.assertEqual(action["res_model"], "credit.dispute")
        form = Form(self.env["credit.dispute"].with_context(**action["context"]))
        form.category_id = self.categories["PRICE"]
        dispute = form.save()
        self.assertEqual(dispute.move_ids, inv)
        self.assertEqual(dispute.partner_id, self.debtor)
        with self.assertRaises(UserError):
            (inv | self._invoice(self.debtor2, 10)).action_credit_register_dispute()
        action = self.debtor.action_credit_register_dispute()
        self.assertEqual(action["context"]["default_partner_id"], self.debtor.id)
        self.assertEqual(self.debtor.credit_open_dispute_count, 1)

    def test_log_contact_outcome_dispute(self):
        inv = self._invoice(self.debtor, 10)
        wizard = Form(
            self.env["credit.followup.log.contact"].with_context(active_model="account.move", active_ids=inv.ids)
        )
        wizard.outcome = "dispute"
        wizard.dispute_category_id = self.categories["SERVICE"]
        wizard.note = "Installation was never done"
        action = wizard.save().action_confirm()
        dispute = self.env["credit.dispute"].browse(action["res_id"])
        self.assertEqual(dispute.category_id, self.categories["SERVICE"])
        self.assertEqual(dispute.channel, "phone")
        self.assertIn("never done", dispute.description)
        self.assertEqual(inv.credit_followup_state, "paused")
        contact = self.env["credit.followup.contact"].search([("dispute_id", "=", dispute.id)])
        self.assertEqual(contact.outcome, "dispute")

    # ------------------------------------------------------------------ setup, translations
    def test_setup_wizard_ticks_categories_per_company(self):
        setup = Form(self.env["credit.followup.setup"].with_context(allowed_company_ids=self.company.ids))
        with setup.category_line_ids.edit(
            next(i for i, line in enumerate(setup.category_line_ids._records) if line["code"] == "PAID")
        ) as line:
            line.applies = False
        setup.save().action_apply()
        self.assertFalse(self.categories["PAID"].active)
        self.assertTrue(self.categories["PRICE"].active)
        setup = Form(self.env["credit.followup.setup"].with_context(allowed_company_ids=self.company.ids))
        paid = next(i for i, line in enumerate(setup.category_line_ids._records) if line["code"] == "PAID")
        self.assertFalse(setup.category_line_ids._records[paid]["applies"])
        with setup.category_line_ids.edit(paid) as line:
            line.applies = True
        setup.save().action_apply()
        self.assertTrue(self.categories["PAID"].active)

    def test_new_company_gets_the_shipped_categories_in_dutch(self):
        company = self.env["res.company"].create({"name": "Tweede BV"})
        categories = self.env["credit.issue.category"].search([("company_id", "=", company.id)])
        self.assertEqual(
            set(categories.mapped("code")),
            {"NOT_RECEIVED", "PRODUCT", "SERVICE", "PRICE", "ARRANGEMENT", "PAID", "OTHER"},
        )
        not_received = categories.filtered(lambda c: c.code == "NOT_RECEIVED")
        self.assertEqual(not_received.with_context(lang="nl_NL").name, "Factuur niet ontvangen")
        self.assertEqual(not_received.with_context(lang="en_US").name, "Invoice not received")

    # ------------------------------------------------------------------ access
    def test_resolver_sees_own_disputes_and_their_amounts_only(self):
        inv_mine, inv_other = self._invoice(self.debtor, 10, amount=300), self._invoice(self.debtor2, 10)
        mine = self._dispute(inv_mine, "OTHER", user_id=self.resolver.id)
        other = self._dispute(inv_other, "OTHER", user_id=self.manager.id)
        Dispute = self.env["credit.dispute"].with_user(self.resolver)
        self.assertEqual(Dispute.search([]), mine)
        as_resolver = mine.with_user(self.resolver)
        self.assertEqual(as_resolver.amount_residual, 300)
        self.assertEqual(as_resolver.invoice_names, inv_mine.name)
        self.assertIn(inv_mine.name, as_resolver.invoice_table)
        with self.assertRaises(AccessError):
            other.with_user(self.resolver).read(["name"])
        with self.assertRaises(AccessError):
            inv_mine.with_user(self.resolver).read(["amount_residual"])
        # solving it needs no accounting rights
        self.env["credit.dispute.close"].with_user(self.resolver).create(
            {"dispute_id": mine.id, "state": "resolved", "resume": "now"}
        ).action_confirm()
        self.assertEqual(mine.state, "resolved")
        self.assertEqual(inv_mine.credit_followup_state, "active")

    def test_salesperson_solves_the_dispute_assigned_to_them(self):
        """The invoice's salesperson gets product disputes: the activity opens it, they can solve it."""
        inv, other = self._invoice(self.debtor, 10), self._invoice(self.debtor2, 10)
        mine = self._dispute(inv, "PRODUCT")
        self._dispute(other, "OTHER", user_id=self.manager.id)
        self.assertEqual(mine.user_id, self.salesperson)
        self.assertFalse(self.salesperson.has_group("credit_followup.group_credit_dispute_resolver"))
        as_sales = self.env["credit.dispute"].with_user(self.salesperson)
        self.assertEqual(as_sales.search([]), mine)
        self.assertEqual(mine.activity_ids.user_id, self.salesperson)
        with self.assertRaises(AccessError):  # opening disputes is for resolvers and credit managers
            as_sales.create({"partner_id": self.debtor2.id, "move_ids": [Command.set(other.ids)]})
        # the state, debtor and invoices change through the buttons only
        for vals in (
            {"state": "cancelled"},
            {"move_ids": [Command.link(other.id)]},
            {"credit_held_move_ids": [Command.link(other.id)]},
        ):
            with self.assertRaises(AccessError):
                mine.with_user(self.salesperson).write(vals)
        self.assertEqual(mine.state, "new")
        self.assertEqual(inv.credit_followup_state, "paused")
        mine.with_user(self.salesperson).description = "<p>Replacement ordered</p>"  # what they may write
        self.env["credit.dispute.close"].with_user(self.salesperson).create(
            {"dispute_id": mine.id, "state": "resolved", "resume": "now", "note": "Replacement delivered"}
        ).action_confirm()
        self.assertEqual(mine.state, "resolved")
        self.assertEqual(inv.credit_followup_state, "active")

    def test_resolver_of_another_company_sees_nothing(self):
        dispute = self._dispute(self._invoice(self.debtor, 10), "OTHER")
        company_b = self.env["res.company"].create({"name": "Company B"})
        resolver_b = new_test_user(
            self.env,
            login="resolver_b",
            groups="base.group_user,credit_followup.group_credit_dispute_resolver",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(UserError):  # nobody of company B can be made responsible
            dispute.user_id = resolver_b
        self.assertFalse(self.env["credit.dispute"].with_user(resolver_b).search([]))
        self.assertFalse(
            self.env["credit.issue.category"].with_user(resolver_b).search([("company_id", "=", self.company.id)])
        )
        manager_b = new_test_user(
            self.env,
            login="manager_b",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(AccessError):
            dispute.with_user(manager_b).read(["name"])

    def test_reporting_reads_but_cannot_change(self):
        dispute = self._dispute(self._invoice(self.debtor, 10), "OTHER")
        reporter = new_test_user(
            self.env,
            login="reporter",
            groups="base.group_user,credit_followup.group_credit_reporting",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(self.env["credit.dispute"].with_user(reporter).search([("id", "=", dispute.id)]), dispute)
        with self.assertRaises(AccessError):
            dispute.with_user(reporter).write({"state": "in_progress"})


@tagged("post_install", "-at_install")
class TestDisputeDemo(CreditDisputeCommon):
    def test_demo_disputes_in_every_state(self):
        """``make run`` shows disputes of several categories in every state, some past their deadline."""
        company = self.env.ref("credit_followup.demo_company")
        # the test user works in the test company: read the demo company's disputes as superuser
        disputes = self.env["credit.dispute"].sudo().search([("company_id", "=", company.id)])
        self.assertEqual(set(disputes.mapped("state")), {"new", "in_progress", "resolved", "rejected", "cancelled"})
        self.assertGreaterEqual(len(disputes.category_id), 5)
        self.assertTrue(disputes.filtered("to_qualify"))
        self.assertGreaterEqual(len(disputes.filtered("is_overdue")), 2)
        paused = disputes.filtered(lambda d: d.state in ("new", "in_progress") and d.pauses_followup).move_ids
        self.assertEqual(set(paused.mapped("credit_followup_state")), {"paused"})
        closed = disputes.filtered(lambda d: d.state in ("resolved", "rejected"))
        self.assertTrue(all(closed.mapped("resolution_note")))
        inbox = self.env["credit.mail.inbox"].sudo().search([("company_id", "=", company.id)])
        self.assertEqual(set(inbox.mapped("state")), {"new", "linked"}, "one e-mail to triage, one on its invoices")
        linked = inbox.filtered(lambda i: i.state == "linked")
        self.assertEqual(linked.match_method, "reply")
        self.assertTrue(linked.dispute_ids.to_qualify)


@tagged("post_install", "-at_install")
class TestDisputeWorklist(CreditDisputeCommon):
    def test_worklist_counts_and_filters_open_disputes(self):
        inv = self._invoice(self.debtor, 10)
        self._invoice(self.debtor2, 10)
        dispute = self._dispute(inv, "OTHER", user_id=self.resolver.id)
        Worklist = self.env["credit.followup.worklist"].with_user(self.manager)
        self.env.invalidate_all()
        rows = Worklist.search([("company_id", "=", self.company.id)])
        counts = {row.partner_id: row.dispute_count for row in rows}
        self.assertEqual(counts[self.debtor], 1)
        self.assertEqual(counts[self.debtor2], 0)
        disputed = Worklist.search([("company_id", "=", self.company.id), ("dispute_count", ">", 0)])
        self.assertEqual(disputed.partner_id, self.debtor)
        undisputed = Worklist.search([("company_id", "=", self.company.id), ("dispute_count", "=", 0)])
        self.assertEqual(undisputed.partner_id, self.debtor2)
        dispute.action_cancel()
        self.env.invalidate_all()
        self.assertFalse(Worklist.search([("company_id", "=", self.company.id), ("dispute_count", ">", 0)]))
