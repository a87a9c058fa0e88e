from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

REPLY_PAUSE_MODES = [
    ("invoices", "The invoices concerned"),
    ("partner", "All follow-up of the debtor"),
    ("hold", "Hold the next step only"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_dispute_remind_days = fields.Integer(
        string="Remind every (days)",
        default=2,
        help="After its deadline, the responsible of an open dispute is reminded every this many days.",
    )
    credit_dispute_remind_before_days = fields.Integer(
        string="Remind before deadline (days)",
        default=1,
        help="The responsible gets a first reminder this many days before the deadline.",
    )
    credit_dispute_escalate_days = fields.Integer(
        string="Escalate after (days)",
        default=5,
        help="Open disputes this many days past their deadline are escalated to the credit managers.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        for company in companies:
            # sudo: a new company gets the shipped categories whoever creates it (a user may lack category rights)
            self.env["credit.issue.category"].sudo()._credit_ensure_company_categories(company)
        return companies

    # ------------------------------------------------------------------ accounts-receivable mailbox
    credit_ar_alias_id = fields.Many2one(
        "mail.alias",
        string="Accounts-receivable alias",
        ondelete="set null",
        copy=False,
        help="Mailbox of accounts receivable: debtors' replies to reminders arrive here (it is the Reply-To of "
        "reminders) and are registered on their invoices.",
    )
    credit_reply_pause_mode = fields.Selection(
        REPLY_PAUSE_MODES,
        string="When a debtor replies by e-mail, pause",
        required=True,
        default="invoices",
        help="An e-mail of a debtor opens a dispute to qualify on the invoices it is about (or updates their open "
        "dispute).\n"
        "- The invoices concerned: their follow-up waits until the dispute is closed or qualified in a category "
        "that does not pause.\n"
        "- All follow-up of the debtor: in addition, every other open invoice of the debtor waits as long as the "
        "dispute is open.\n"
        "- Hold the next step only: the invoices concerned wait a few days (Hold days), then follow-up goes on by "
        "itself, even when nobody has qualified the dispute yet.",
    )
    credit_reply_hold_days = fields.Integer(
        string="Hold days",
        default=7,
        help="With 'Hold the next step only': how many days follow-up of the invoices concerned waits.",
    )
    credit_mail_user_id = fields.Many2one(
        "res.users",
        string="Incoming e-mail handled by",
        domain="[('share', '=', False)]",
        help="Gets the disputes opened from debtors' e-mails when the debtor has no follow-up responsible. "
        "Empty: the first credit manager of the company.",
    )
    credit_mail_ack = fields.Boolean(
        string="Acknowledge debtors' e-mails",
        default=True,
        help="Answer a debtor's e-mail once per conversation, in their language: we received your message, NAME is "
        "handling it. Never to auto-replies, bounces, mailing lists or our own addresses.",
    )

    def _credit_reply_hold_delta(self):
        self.ensure_one()
        return timedelta(days=max(self.credit_reply_hold_days, 0))

    def _credit_mail_handler(self, partner):
        """Who handles a debtor's e-mail: their follow-up responsible, the company's handler, a credit manager."""
        self.ensure_one()
        user = partner.with_company(self).credit_followup_responsible_id or self.credit_mail_user_id
        if not user:
            user = self.env["res.users"].search(
                [
                    ("groups_id", "in", self.env.ref("credit_followup.group_credit_manager").id),
                    ("company_ids", "in", self.id),
                    ("share", "=", False),
                ],
                order="id",
                limit=1,
            )
        return user or self.env.user

    def _credit_set_ar_alias(self, alias_name):
        """Create, rename or (without a name) drop the company's accounts-receivable alias."""
        self.ensure_one()
        alias = self.credit_ar_alias_id
        if not alias_name:
            if alias:
                self.credit_ar_alias_id = False
                alias.unlink()
            return self.env["mail.alias"]
        if not self.alias_domain_id:
            raise UserError(
                self.env._(
                    "Company %(company)s has no alias domain: set one in Settings → General Settings → Alias Domain "
                    "first.",
                    company=self.name,
                )
            )
        values = {
            "alias_name": alias_name,
            "alias_domain_id": self.alias_domain_id.id,
            "alias_model_id": self.env["ir.model"]._get_id("credit.mail.inbox"),
            "alias_defaults": repr({"company_id": self.id}),
            "alias_contact": "everyone",
        }
        if alias:
            alias.write(values)
        else:
            self.credit_ar_alias_id = self.env["mail.alias"].create(values)
        return self.credit_ar_alias_id

    def _credit_reply_to(self):
        """Debtors' replies to reminders go to the company's accounts-receivable alias, when it has one."""
        return self._credit_ar_address() or super()._credit_reply_to()

    def _credit_ar_address(self):
        """'Company <debiteuren@domain>' when the AR alias is set, else False."""
        self.ensure_one()
        alias_sudo = self.sudo().credit_ar_alias_id  # the alias is configuration, read when mailing
        if not alias_sudo.alias_name or not alias_sudo.alias_domain_id:
            return False
        return tools.formataddr((self.name, alias_sudo.alias_full_name))
