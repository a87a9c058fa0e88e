"""The engine's WhatsApp channel: one queued template message per debtor and step."""

from markupsafe import Markup

from odoo import models
from odoo.tools import format_amount, format_date


class CreditFollowupEngine(models.AbstractModel):
    _inherit = "credit.followup.engine"

    def _credit_execute_whatsapp(self, actions, date, company):
        """Queue one template message per debtor; the send cron posts them after the quiet hours."""
        account = self.env["credit.whatsapp.account"]._credit_account(company)
        Message = self.env["credit.whatsapp.message"]
        contacts = {}
        for action in actions:
            recipient = action.recipient
            contacts[action.partner.id] = recipient if recipient._credit_whatsapp_number() else action.partner
        # numbers on the phone blacklist are never messaged: Odoo's opt-outs of the debtors' numbers
        # (credit_followup), and the number this channel sends to, each in one query for the whole batch
        opted_out = self.env["res.partner"].union(*contacts.values())._credit_opted_out("whatsapp")
        numbers = [c._credit_whatsapp_number() for c in contacts.values() if c._credit_whatsapp_number()]
        blacklisted = set(
            self.env["phone.blacklist"].sudo().search([("number", "in", numbers)]).mapped("number")
        )  # sudo: the blacklist is technical data every sender must respect
        variants = {}
        sendable = []
        for action in actions:
            contact = contacts[action.partner.id]
            number = contact._credit_whatsapp_number()
            template = action.step.whatsapp_template_id
            lang = contact.lang or action.partner.lang
            if not account:
                self._fail(action, self.env._("no WhatsApp account for this company"))
            elif not number and not contact.credit_whatsapp_user_id:
                self._fail(action, self.env._("no valid mobile number"))
            elif number in blacklisted or contact in opted_out:
                self._fail(action, self.env._("the debtor's number opted out of WhatsApp"))
            elif not template:
                self._fail(action, self.env._("the step has no WhatsApp template"))
            else:
                if (template, lang) not in variants:
                    variants[template, lang] = template._for_lang(lang)
                variant = variants[template, lang]
                if not variant:
                    self._fail(action, self.env._("WhatsApp template %s is not approved", template.name))
                    continue
                action.result = {"state": "done", "contact": contact, "template": variant}
                sendable.append(action)
        if not sendable:
            return
        data = self._credit_template_data(sendable, company, date)
        send_after = company._credit_send_after()
        vals_list = [
            Message._credit_queue_vals(
                account,
                action.result["contact"],
                action.partner,
                "followup",
                template=action.result["template"],
                params=self._credit_whatsapp_params(action, data[action.partner.id], company),
                moves=action.moves,
                next_try=send_after,
            )
            for action in sendable
        ]
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(  # the WhatsApp reminder, on the debtor
                [
                    self._message_vals(
                        action.partner,
                        Markup("<p>%s</p><p>%s</p>")
                        % (
                            self.env._(
                                "WhatsApp template %(template)s queued to %(number)s",
                                template=action.result["template"].display_name,
                                number=vals["number"] or vals["wa_user_id"],
                            ),
                            vals["body"],
                        ),
                        "credit_whatsapp.mt_credit_whatsapp_out",
                        company,
                        message_type="comment",
                    )
                    for action, vals in zip(sendable, vals_list, strict=True)
                ]
            )
        )
        for vals, message in zip(vals_list, messages, strict=True):
            vals["mail_message_id"] = message.id
        Message.sudo().create(vals_list)  # the engine writes the queue
        for action, vals, message in zip(sendable, vals_list, messages, strict=True):
            action.result = {
                "state": "done",
                "message_id_rec": message.id,
                "number": vals["number"] or vals["wa_user_id"],
            }
        self._record_action(
            sendable,
            "credit_whatsapp.mt_credit_whatsapp_out",
            company,
            lambda a: self.env._(
                "Reminder WhatsApp “%(step)s” queued to %(number)s covering %(invoices)s",
                step=a.step.name,
                number=a.result["number"],
                invoices=", ".join(a.moves.mapped("name")),
            ),
        )
        self.env.ref("credit_whatsapp.ir_cron_credit_whatsapp_send").sudo()._trigger(at=send_after)

    def _credit_whatsapp_params(self, action, data, company):
        """The values of the step's template parameters, in order, as text."""
        lines = data["lines"]
        portal = action.partner._credit_portal_url() if hasattr(action.partner, "_credit_portal_url") else False
        payment = next((line["portal_url"] for line in lines if line["portal_url"]), False)
        values = {
            "partner_name": action.partner.name,
            "amount": format_amount(self.env, data["total"] or 0.0, data["currency"])
            if data["total"] is not False
            else ", ".join(format_amount(self.env, line["amount_residual"], line["currency"]) for line in lines),
            "invoice_numbers": ", ".join(line["name"] for line in lines),
            "due_date": format_date(self.env, min(line["date_due"] for line in lines)) if lines else "",
            "payment_link": payment or portal or company.website or "",
            "portal_link": portal or payment or "",
            "company_name": company.name,
        }
        params = action.step.whatsapp_param_ids.sorted(lambda p: (p.sequence, p.id))
        return [values[param.value] or "-" for param in params]
