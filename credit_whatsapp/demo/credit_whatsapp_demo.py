"""Demo data: a WhatsApp account of the demo company, its templates, a WhatsApp step and a few conversations.

Called from ``demo/credit_whatsapp_demo.xml``; does nothing without credit_followup's demo company or
once the demo account exists. The account points at a local address where nothing listens: in
``make run`` the queue keeps retrying what the engine queues and finally falls back to e-mail.
Incoming messages go through the real storage and matching code.
"""

import time
from datetime import timedelta

from odoo import Command, api, fields, models

XMLID_PREFIX = "credit_whatsapp.demo_"
TEMPLATES = [
    (
        "credit_reminder",
        "nl",
        (
            "Beste {{1}}, volgens onze administratie staan facturen {{2}} nog open: {{3}}. "
            "U kunt direct betalen via {{4}}. Vragen? Antwoord gerust op dit bericht."
        ),
    ),
    (
        "credit_reminder",
        "en_US",
        (
            "Dear {{1}}, our records show invoices {{2}} are still open: {{3}}. "
            "You can pay right away at {{4}}. Questions? Just reply to this message."
        ),
    ),
    (
        "credit_reminder",
        "de",
        "Guten Tag {{1}}, die Rechnungen {{2}} sind noch offen: {{3}}. Sie können direkt hier bezahlen: {{4}}.",
    ),
    ("credit_ack", "nl", "Dank u voor uw bericht, {{1}}. {{2}} neemt het in behandeling."),
]


class CreditWhatsappDemo(models.AbstractModel):
    _name = "credit.whatsapp.demo"
    _description = "Credit WhatsApp demo data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("credit_followup.demo_company", raise_if_not_found=False)
        if not company or self.env.ref(XMLID_PREFIX + "account", raise_if_not_found=False):
            return False
        # chatter lines in the language of the demo company's users; the module's translations are loaded after
        # its demo data: load them now
        lang = self.env.ref("base.user_admin").lang or self.env.lang
        if lang != "en_US":
            self.env["ir.module.module"]._get("credit_whatsapp")._update_translations([lang])
        demo = self.with_company(company).with_context(mail_create_nosubscribe=True, tracking_disable=True, lang=lang)
        account = demo._demo_account(company)
        demo._demo_step(company, account)
        demo._demo_conversations(company, account)
        return True

    def _demo_xmlid(self, name, record):
        self.env["ir.model.data"]._update_xmlids([{"xml_id": XMLID_PREFIX + name, "record": record, "noupdate": True}])

    def _demo_account(self, company):
        account = self.env["credit.whatsapp.account"].create(
            {
                "name": "Debiteurenbeheer",
                "company_id": company.id,
                "display_phone_number": "+31 20 808 4410",
                "phone_number_id": "106540352242922",
                "business_account_id": "102290129340398",
                "access_token": "demo-token-not-valid",
                "app_secret": "demo-app-secret",
                "verify_token": "koffie-webhook",
                # nothing listens here: the demo never reaches Meta
                "api_base_url": "http://127.0.0.1:18349",
                "ack_enabled": False,
            }
        )
        self._demo_xmlid("account", account)
        Template = self.env["credit.whatsapp.template"]
        templates = Template.create(
            [
                {
                    "account_id": account.id,
                    "name": name,
                    "language": lang,
                    "category": "UTILITY",
                    "status": "APPROVED",
                    "body": body,
                    "parameter_count": body.count("{{"),
                }
                for name, lang, body in TEMPLATES
            ]
        )
        account.last_sync = fields.Datetime.now()
        for template in templates:
            self._demo_xmlid(f"template_{template.name}_{template.language}", template)
        return account

    def _demo_step(self, company, account):
        profile = self.env.ref("credit_followup.demo_profile_b2c", raise_if_not_found=False)
        if not profile:
            return
        template = self.env.ref(XMLID_PREFIX + "template_credit_reminder_nl")
        step = self.env["credit.followup.step"].create(
            {
                "profile_id": profile.id,
                "name": "WhatsApp-herinnering",
                "offset_days": 10,
                "min_days_after_previous": 5,
                "channel": "whatsapp",
                "fallback_channel": "email",
                "whatsapp_template_id": template.id,
                "whatsapp_param_ids": [
                    Command.create({"sequence": 1, "value": "partner_name"}),
                    Command.create({"sequence": 2, "value": "invoice_numbers"}),
                    Command.create({"sequence": 3, "value": "amount"}),
                    Command.create({"sequence": 4, "value": "payment_link"}),
                ],
            }
        )
        self._demo_xmlid("step_b2c_whatsapp", step)

    def _demo_open_invoices(self, partner, company):
        return self.env["account.move"].search(
            partner.with_company(company)._credit_open_invoice_domain(), order="invoice_date_due", limit=2
        )

    def _demo_conversations(self, company, account):
        Message = self.env["credit.whatsapp.message"]
        out_subtype = self.env.ref("credit_whatsapp.mt_credit_whatsapp_out")
        now = fields.Datetime.now()
        template = self.env.ref(XMLID_PREFIX + "template_credit_reminder_nl")

        def reminder(key, days_ago, state, **extra):
            partner = self.env.ref(f"credit_followup.demo_partner_{key}", raise_if_not_found=False)
            moves = partner and self._demo_open_invoices(partner, company)
            if not moves:
                return None, None
            amount = sum(moves.mapped("amount_residual"))
            params = [
                partner.name,
                ", ".join(moves.mapped("name")),
                f"€ {amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
                moves[0].get_base_url() + moves[0].get_portal_url(),
            ]
            message = Message._credit_queue(
                account, partner, partner, "followup", template=template, params=params, moves=moves
            )
            sent = now - timedelta(days=days_ago)
            message.write(
                {"state": state, "date": sent, "date_sent": sent, "wamid": f"wamid.DEMO{message.id:06d}", **extra}
            )
            message.mail_message_id = message._credit_post([partner, *moves], out_subtype)[:1]
            return partner, message

        # Anouk Visser got a reminder, read it and asked for a payment plan: matched, dispute to qualify
        visser, _sent = reminder("visser", 3, "read", date_read=now - timedelta(days=2, hours=20))
        # Fatima El Amrani: delivered this morning, no answer yet
        reminder("elamrani", 0, "delivered", date_delivered=now - timedelta(hours=2))
        # Kees Hendriks is not on WhatsApp (any more): Meta answered 131026
        _hendriks, failed = reminder("hendriks", 1, "failed", error_code=131026, error_message="Message undeliverable")
        if failed:
            failed.failure_pending = True
            failed._handle_failures()
        incoming = []
        if visser:
            incoming.append(
                (
                    visser.credit_mobile_e164,
                    "NL.8812093346102",
                    visser.name,
                    2,
                    "Goedemiddag, ik kan deze maand niet alles in één keer betalen. Mag ik het in twee delen doen?",
                )
            )
        # somebody nobody knows: waits in triage with the number and the text
        incoming.append(
            (
                "+31612987766",
                None,
                "Sanne",
                0,
                "Hallo, ik heb factuur 2026/00142 gisteren al betaald. Klopt het dat er nog iets openstaat?",
            )
        )
        stored = Message
        for seq, (number, user_id, name, days_ago, text) in enumerate(incoming, start=1):
            wamid = f"wamid.DEMOIN{seq:04d}"
            Message._store_incoming(
                account,
                {
                    "from": number.lstrip("+"),
                    "id": wamid,
                    "timestamp": str(int(time.time() - days_ago * 86400)),
                    "type": "text",
                    "text": {"body": text},
                },
                [{"profile": {"name": name}, "wa_id": number.lstrip("+"), "user_id": user_id}],
            )
            stored |= Message.search([("wamid", "=", wamid)])
        stored._match_batch()
        matched = stored.filtered(lambda m: m.match_state == "matched")
        if matched:
            partner = matched.partner_id
            answer = Message._credit_queue(
                account,
                matched.contact_id or partner,
                partner,
                "manual",
                body="Dag Anouk, dat is goed: de helft vóór de 15e en de rest voor het einde van de maand. "
                "Ik zet het zo in ons systeem.",
                moves=matched.move_ids,
                number=matched.number,
            )
            answer.write(
                {
                    "state": "read",
                    "date": matched.date + timedelta(hours=1),
                    "date_sent": matched.date + timedelta(hours=1),
                    "date_read": matched.date + timedelta(hours=2),
                    "wamid": "wamid.DEMOOUT0001",
                }
            )
            answer._credit_post(
                [partner, *matched.move_ids], out_subtype, author=self.env.ref("base.user_admin").partner_id
            )
        account.ack_enabled = True
