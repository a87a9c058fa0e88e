"""Demo data: disputes of several categories in every state for the demo debtors of credit_followup.

Called from ``demo/credit_dispute_demo.xml``; does nothing without credit_followup's demo company
or once the first demo dispute exists. Dates are relative to today, some disputes are past their
deadline, closed ones have a resolution.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models, tools

XMLID_PREFIX = "credit_dispute.demo_"
DEMO_MAIL = """Return-Path: <{email}>
From: {sender}
To: {to}
Subject: {subject}
Date: Mon, 16 Nov 2026 14:03:00 +0100
Message-ID: {msg_id}
{headers}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""

# (key, category code or None = to qualify, channel, opened days ago, final state, closed days ago, description)
DISPUTES = [
    ("qualify", None, "email", 0, "new", None, "Wij hebben de factuur ontvangen, maar klopt dit bedrag wel?"),
    ("damaged", "PRODUCT", "phone", 2, "new", None, "Two bags of Yirgacheffe beans arrived torn open."),
    ("price", "PRICE", "email", 12, "in_progress", None, "Charged list price instead of the agreed 10 % discount."),
    ("not_received", "NOT_RECEIVED", "phone", 9, "in_progress", None, "The invoice never reached accounts payable."),
    ("arrangement", "ARRANGEMENT", "letter", 3, "in_progress", None, "Asks to pay in three monthly instalments."),
    ("service", "SERVICE", "phone", 20, "resolved", 12, "The machine service visit was cancelled by us."),
    ("paid", "PAID", "email", 25, "resolved", 15, "Says the invoice was paid on the 3rd of last month."),
    ("rejected", "PRODUCT", "phone", 18, "rejected", 10, "Claims the beans were stale; the batch was checked."),
    ("cancelled", "OTHER", "other", 6, "cancelled", 5, "Registered on the wrong customer."),
]
RESOLUTIONS = {
    "service": "Credit note for the cancelled visit sent; the rest of the invoice is due.",
    "paid": "Payment found on the suspense account and reconciled late: outside the SLA.",
    "rejected": "Quality check of the batch was fine; the debtor was informed by phone.",
}


class CreditDisputeDemo(models.AbstractModel):
    _name = "credit.dispute.demo"
    _description = "Credit dispute demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("credit_followup.demo_company", raise_if_not_found=False)
        if not company or self.env.ref(XMLID_PREFIX + "dispute_qualify", raise_if_not_found=False):
            return False
        demo = self.with_company(company).with_context(
            mail_create_nosubscribe=True, mail_activity_quick_update=True, mail_notify_force_send=False
        )
        first_mail = demo.env["mail.mail"].search([], order="id desc", limit=1).id or 0
        # the module's translations are loaded after its demo data: load them now for the copied categories
        demo.env["ir.module.module"]._get("credit_dispute")._update_translations(["nl_NL", "de_DE"])
        demo.env["credit.issue.category"]._credit_ensure_company_categories(company)
        categories = {c.code: c for c in demo.env["credit.issue.category"].search([("company_id", "=", company.id)])}
        users = demo._demo_users(company)
        categories["PRODUCT"].responsible_mode = "user"
        categories["PRODUCT"].responsible_user_id = users["resolver"]
        categories["NOT_RECEIVED"].responsible_user_id = users["manager"]
        categories["PAID"].responsible_user_id = users["manager"]
        categories["ARRANGEMENT"].responsible_user_id = users["manager"]
        categories["OTHER"].responsible_user_id = users["manager"]
        today = fields.Date.context_today(demo)
        used = demo.env["account.move"]
        for key, code, channel, opened, state, closed, description in DISPUTES:
            moves = demo._demo_invoices(company, used)
            if not moves:
                break
            used |= moves
            dispute = demo.env["credit.dispute"].create(
                {
                    "partner_id": moves.commercial_partner_id.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "category_id": categories[code].id if code else False,
                    # e-mails to qualify go to the credit manager, as the mail gateway does
                    "user_id": False if code else users["manager"].id,
                    "channel": channel,
                    "date_open": today - timedelta(days=opened),
                    "description": Markup("<p>%s</p>") % description,
                }
            )
            if state != "new":
                dispute.action_start()
            if state in ("resolved", "rejected"):
                dispute.action_close(state, note=Markup("<p>%s</p>") % RESOLUTIONS[key], resume="now")
            elif state == "cancelled":
                dispute.action_cancel()
            if closed is not None:
                dispute.date_closed = today - timedelta(days=closed)
            demo.env["ir.model.data"]._update_xmlids(
                [{"xml_id": f"{XMLID_PREFIX}dispute_{key}", "record": dispute, "noupdate": True}]
            )
        demo._demo_mail(company, used)
        # history, not news: the assignment e-mails of the demo are not sent
        demo.env["mail.mail"].search([("id", ">", first_mail), ("state", "=", "outgoing")]).write({"state": "sent"})
        return True

    def _demo_users(self, company):
        manager = self.env.ref("credit_followup.demo_user_marloes", raise_if_not_found=False) or self.env.user
        resolver = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Jeroen de Vries",
                    "login": "jeroen",
                    "password": "jeroen",  # demo only: log in as a dispute resolver
                    "email": "jeroen.devries@example.nl",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [
                        Command.set(
                            [
                                self.env.ref("base.group_user").id,
                                self.env.ref("credit_followup.group_credit_dispute_resolver").id,
                            ]
                        )
                    ],
                }
            )
        )
        self.env["ir.model.data"]._update_xmlids(
            [{"xml_id": XMLID_PREFIX + "user_jeroen", "record": resolver, "noupdate": True}]
        )
        return {"manager": manager, "resolver": resolver}

    def _demo_invoices(self, company, used):
        """One or two overdue open invoices of a debtor that has no dispute yet, oldest debtors first."""
        candidates = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("credit_followup_state", "=", "active"),
                ("invoice_date_due", "<", fields.Date.context_today(self)),
                ("commercial_partner_id", "not in", used.commercial_partner_id.ids),
            ],
            order="invoice_date_due, id",
        )
        partner = candidates[:1].commercial_partner_id
        return candidates.filtered(lambda m: m.commercial_partner_id == partner)[:2]

    def _demo_mail(self, company, used):
        """The AR mailbox: a debtor's reply to a reminder (matched by its headers) and a stranger's e-mail (triage)."""
        if not company.alias_domain_id:
            company.alias_domain_id = self.env["mail.alias.domain"].create({"name": "koffiebranderij-dezeeuw.example"})
        company._credit_set_ar_alias("debiteuren")
        address = company.credit_ar_alias_id.alias_full_name
        log = self.env["credit.followup.log"].search(
            [
                ("company_id", "=", company.id),
                ("channel", "=", "email"),
                ("state", "=", "done"),
                ("message_id", "!=", False),
                ("move_id.credit_followup_state", "=", "active"),
                ("move_id.commercial_partner_id", "not in", used.commercial_partner_id.ids),
                ("move_id.commercial_partner_id.email", "!=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
        mails = []
        if log:
            debtor = log.move_id.commercial_partner_id
            mails.append(
                DEMO_MAIL.format(
                    sender=tools.formataddr((debtor.name, debtor.email)),
                    email=debtor.email,
                    to=address,
                    subject=f"Re: {log.move_id.name}",
                    msg_id="<demo-reply-1@debtor.example>",
                    headers=f"In-Reply-To: {log.message_id}\nReferences: {log.message_id}\n",
                    body="Goedemiddag,\n\nDeze factuur klopt niet: wij hebben maar de helft van de bestelling "
                    "ontvangen. Kunt u een creditnota sturen voor de rest?\n\nMet vriendelijke groet,\n" + debtor.name,
                )
            )
        mails.append(
            DEMO_MAIL.format(
                sender="Inkoop Hotel Zeezicht <inkoop@hotel-zeezicht.example>",
                email="inkoop@hotel-zeezicht.example",
                to=address,
                subject="Vraag over uw factuur",
                msg_id="<demo-triage-1@hotel-zeezicht.example>",
                headers="",
                body="Beste heer/mevrouw,\n\nWij kunnen uw factuur niet vinden in onze administratie. Welk "
                "ordernummer hoort erbij?\n\nGroet,\nAfdeling inkoop",
            )
        )
        for raw in mails:
            self.env["mail.thread"].message_process(None, raw.encode())
