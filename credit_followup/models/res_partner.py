from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

from .account_move import OPEN_INVOICE_DOMAIN, credit_check_manager_write  # noqa: F401 (other modules import it here)

# A debtor's follow-up settings: written directly only by credit managers; code paths (segmentation, the setup
# wizard, demo data) write them as superuser. Issue 12's exclusion fields are named here ahead of time.
CREDIT_MANAGER_PARTNER_FIELDS = {
    "credit_followup_profile_id",
    "credit_followup_responsible_id",
    "credit_no_followup",
    "credit_no_followup_reason",
    "credit_no_followup_until",
}

FOLLOWUP_STATUS = [
    ("none", "Nothing due"),
    ("waiting", "Not overdue yet"),
    ("in_progress", "In follow-up"),
    ("approval", "Waiting for approval"),
    ("collection", "Ready for collection"),
]

NO_FOLLOWUP_FIELDS = {"credit_no_followup", "credit_no_followup_reason", "credit_no_followup_until"}


AGE_BUCKETS = ["not_due", "1_30", "31_60", "61_90", "over_90"]


def _age_bucket(days):
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "over_90"


def _item_kind(move, residual):
    """invoice, credit_note, payment, or debit / credit for other receivable entries."""
    if move.move_type == "out_invoice":
        return "invoice"
    if move.move_type == "out_refund":
        return "credit_note"
    if move.origin_payment_id or move.statement_line_id:
        return "payment"
    return "debit" if residual > 0 else "credit"


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_followup_profile_id = fields.Many2one(
        "credit.followup.profile",
        string="Follow-up profile",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        tracking=True,
        help="How this debtor is followed up in the current company. Empty: the company's default profile.",
    )
    credit_followup_responsible_id = fields.Many2one(
        "res.users",
        string="Follow-up responsible",
        company_dependent=True,
        tracking=True,
        help="Gets the calls and tasks of the follow-up steps for this debtor.",
    )
    credit_followup_last_run = fields.Datetime(string="Last processed", readonly=True, copy=False)
    credit_amount_due = fields.Monetary(
        string="Total due", compute="_compute_credit_amounts", currency_field="credit_currency_id"
    )
    credit_amount_overdue = fields.Monetary(
        string="Overdue", compute="_compute_credit_amounts", currency_field="credit_currency_id"
    )
    credit_currency_id = fields.Many2one("res.currency", compute="_compute_credit_amounts")
    credit_next_action_date = fields.Date(
        string="Next follow-up action",
        compute="_compute_credit_followup_status",
        search="_search_credit_next_action_date",
    )
    credit_current_step_id = fields.Many2one(
        "credit.followup.step", string="Step reached", compute="_compute_credit_followup_status"
    )
    credit_followup_status = fields.Selection(
        FOLLOWUP_STATUS,
        string="Follow-up status",
        compute="_compute_credit_followup_status",
    )
    credit_invoice_count = fields.Integer(string="Invoices in follow-up", compute="_compute_credit_followup_status")
    credit_history_count = fields.Integer(string="Contacts", compute="_compute_credit_history_count")
    credit_invoice_ids = fields.Many2many(
        "account.move",
        string="Open invoices",
        compute="_compute_credit_invoice_ids",
        help="Open customer invoices of this debtor in the current company, with their follow-up.",
    )
    credit_interest_kind = fields.Selection(
        [("consumer", "Statutory interest (BW 6:119)"), ("commercial", "Commercial interest (BW 6:119a)")],
        string="Statutory interest",
        help="Which statutory interest this debtor owes on late payment. Empty: commercial interest for a "
        "company, statutory (consumer) interest for an individual.",
    )
    credit_broken_promise_count = fields.Integer(
        string="Broken promises", readonly=True, copy=False, help="How often this debtor broke a promise to pay."
    )

    credit_no_followup = fields.Boolean(
        string="Do not chase",
        tracking=True,
        copy=False,
        groups="credit_followup.group_credit_manager",
        help="The follow-up engine, the worklist and the reminders leave this debtor out (until the end date, "
        "if one is set). Reports still show the debtor's receivables.",
    )
    credit_no_followup_reason = fields.Char(
        string="Reason not to chase", tracking=True, copy=False, groups="credit_followup.group_credit_manager"
    )
    credit_no_followup_until = fields.Date(
        string="Do not chase until",
        tracking=True,
        copy=False,
        groups="credit_followup.group_credit_manager",
        help="Follow-up resumes the day after this date. Empty: until the flag is removed.",
    )

    @api.model
    def _credit_not_chased_sql(self, alias, date):
        """SQL condition: the commercial partner ``alias`` is left out of follow-up on ``date`` (archived, or
        "do not chase"). One definition for the engine and the worklist."""
        return SQL(
            "(NOT %(p)s.active OR (%(p)s.credit_no_followup IS TRUE AND (%(p)s.credit_no_followup_until IS NULL "
            "OR %(p)s.credit_no_followup_until >= %(date)s)))",
            p=SQL.identifier(alias),
            date=date,
        )

    def _credit_is_chased(self, date):
        """The partners of ``self`` the engine may chase on ``date`` (their commercial partner decides)."""

        def chased(partner):
            commercial_sudo = partner.commercial_partner_id.sudo()  # the exclusion fields are for credit managers
            until = commercial_sudo.credit_no_followup_until
            return commercial_sudo.active and not (commercial_sudo.credit_no_followup and (not until or until >= date))

        return self.filtered(chased)

    def _credit_opted_out(self, channel):
        """The partners of ``self`` who opted out of ``channel``: their e-mail address on Odoo's mail blacklist
        (e-mail), or one of their numbers on the phone blacklist (sms, whatsapp). Other channels: nobody."""
        if channel == "email":
            emails = {partner: tools.email_normalize(partner.email) for partner in self if partner.email}
            if not any(emails.values()):
                return self.browse()
            blacklisted = set(
                self.env["mail.blacklist"]
                .sudo()  # the blacklist is technical data every sender must respect
                .search([("email", "in", list(set(filter(None, emails.values()))))])
                .mapped("email")
            )
            return self.filtered(lambda p: emails.get(p) in blacklisted)
        if channel in ("sms", "whatsapp"):
            numbers = {
                partner: {
                    partner._phone_format(number=number, force_format="E164")
                    for number in (partner.mobile, partner.phone)
                    if number
                }
                - {False, None, ""}
                for partner in self
            }
            wanted = set().union(*numbers.values()) if numbers else set()
            if not wanted:
                return self.browse()
            blacklisted = set(
                self.env["phone.blacklist"]
                .sudo()  # the blacklist is technical data every sender must respect
                .search([("number", "in", list(wanted))])
                .mapped("number")
            )
            return self.filtered(lambda p: numbers[p] & blacklisted)
        return self.browse()

    def _credit_portal_url(self):
        """The debtor's self-service link printed in reminders (hook): False here; credit_portal returns
        its signed, expiring /my/credit link for this (commercial) partner."""
        self.ensure_one()
        return False

    def _credit_portal_letter(self):
        """What a letter prints to reach the portal (hook): False here; credit_portal returns a dict with
        ``short_url``, ``code`` (to type there) and ``qr`` (a data URI opening the payment page)."""
        self.ensure_one()
        return False

    def _credit_open_invoice_domain(self):
        return self.env["account.move"]._credit_open_invoice_domain() + [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", self.env.company.id),
        ]

    @api.depends_context("company")
    def _compute_credit_amounts(self):
        today = self.env.company._credit_today()
        Move = self.env["account.move"]
        domain = self._credit_open_invoice_domain()
        due = dict(Move._read_group(domain, ["commercial_partner_id"], ["amount_residual_signed:sum"]))
        overdue = dict(
            Move._read_group(
                domain + [("invoice_date_due", "<", today)], ["commercial_partner_id"], ["amount_residual_signed:sum"]
            )
        )
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.credit_currency_id = self.env.company.currency_id
            partner.credit_amount_due = due.get(commercial, 0.0)
            partner.credit_amount_overdue = overdue.get(commercial, 0.0)

    @api.depends_context("company")
    def _compute_credit_followup_status(self):
        today = self.env.company._credit_today()
        Move = self.env["account.move"]
        domain = self._credit_open_invoice_domain()
        in_followup = Move._read_group(
            domain + [("credit_followup_state", "=", "active")],
            ["commercial_partner_id"],
            ["__count", "credit_followup_next_date:min", "invoice_date_due:min"],
        )
        stats = {partner: (count, next_date, oldest_due) for partner, count, next_date, oldest_due in in_followup}
        steps = {}
        for partner, step in Move._read_group(
            domain + [("credit_followup_state", "=", "active"), ("credit_followup_step_id", "!=", False)],
            ["commercial_partner_id", "credit_followup_step_id"],
        ):
            best = steps.get(partner)
            if not best or (step.offset_days, step.sequence) > (best.offset_days, best.sequence):
                steps[partner] = step
        approvals = {
            partner
            for [partner] in self.env["credit.followup.log"]._read_group(
                [
                    ("state", "=", "to_approve"),
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                ["partner_id"],
            )
        }
        for partner in self:
            commercial = partner.commercial_partner_id
            count, next_date, oldest_due = stats.get(commercial, (0, False, False))
            step = steps.get(commercial, self.env["credit.followup.step"])
            partner.credit_invoice_count = count
            partner.credit_next_action_date = next_date
            partner.credit_current_step_id = step
            if commercial in approvals:
                partner.credit_followup_status = "approval"
            elif step.final_step:
                partner.credit_followup_status = "collection"
            elif not count:
                partner.credit_followup_status = "none"
            elif (oldest_due and oldest_due < today) or step:
                partner.credit_followup_status = "in_progress"
            else:
                partner.credit_followup_status = "waiting"

    @api.depends_context("company")
    def _compute_credit_invoice_ids(self):
        moves = self.env["account.move"].search(self._credit_open_invoice_domain(), order="invoice_date_due")
        by_partner = moves.grouped("commercial_partner_id")
        for partner in self:
            partner.credit_invoice_ids = by_partner.get(partner.commercial_partner_id, moves.browse())

    def _search_credit_next_action_date(self, operator, value):
        Move = self.env["account.move"]
        moves = Move._search(
            Move._credit_open_invoice_domain()
            + [
                ("credit_followup_state", "=", "active"),
                ("company_id", "=", self.env.company.id),
                ("credit_followup_next_date", operator, value),
            ]
        )
        return [("id", "in", moves.select("commercial_partner_id"))]

    def _compute_credit_history_count(self):
        subtypes = self.env["mail.message.subtype"]._credit_subtypes()
        counts = dict(
            self.env["mail.message"]._read_group(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "in", self.commercial_partner_id.ids),
                    ("subtype_id", "in", subtypes.ids),
                ],
                ["res_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_history_count = counts.get(partner.commercial_partner_id.id, 0)

    # ------------------------------------------------------------ open items and the statement
    def _credit_open_items(self, company=None):
        """Every open receivable item of these debtors in ``company``: invoices, credit notes, payments and
        other receivable entries not fully reconciled, oldest due first (account.move.line)."""
        company = company or self.env.company
        return self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual_currency", "!=", 0),
            ],
            order="date_maturity, date, id",
        )

    def _credit_statement_values(self, company=None, date=None):
        """What the statement of account shows for this debtor: the open items grouped per currency, with days
        overdue, age buckets, the balance, and an EPC QR code for a EUR balance to pay."""
        self.ensure_one()
        company = company or self.env.company
        date = date or company._credit_today()
        debtor = self.commercial_partner_id
        groups = {}
        for line in debtor._credit_open_items(company):
            move = line.move_id
            currency = line.currency_id
            residual = line.amount_residual_currency
            due = line.date_maturity or move.invoice_date_due or line.date
            days = (date - due).days if residual > 0 else 0
            group = groups.setdefault(
                currency,
                {
                    "currency": currency,
                    "items": [],
                    "buckets": dict.fromkeys(AGE_BUCKETS, 0.0),
                    "credits": 0.0,
                    "balance": 0.0,
                    "overdue": 0.0,
                },
            )
            group["items"].append(
                {
                    "line": line,
                    "move": move,
                    "name": move.name,
                    "ref": move.ref or move.payment_reference or "",
                    "kind": _item_kind(move, residual),
                    "date": line.date,
                    "date_due": due,
                    "days_overdue": max(days, 0),
                    "amount": abs(line.amount_currency) if residual > 0 else -abs(line.amount_currency),
                    "residual": residual,
                }
            )
            group["balance"] += residual
            if residual < 0:
                group["credits"] += residual
            else:
                group["buckets"][_age_bucket(days)] += residual
                if days > 0:
                    group["overdue"] += residual
        result = []
        for currency, group in groups.items():
            group["balance"] = currency.round(group["balance"])
            group["qr"] = company._credit_epc_qr(
                group["balance"], currency, self.env._("Statement %(debtor)s", debtor=debtor.name), debtor
            )
            result.append(group)
        result.sort(key=lambda g: (g["currency"] != company.currency_id, g["currency"].name))
        return {
            "partner": debtor,
            "company": company,
            "date": date,
            "groups": result,
            "to_pay": any(group["balance"] > 0 for group in result),
            "banks": company.partner_id.bank_ids.filtered(lambda b: b.allow_out_payment or b.acc_type == "iban")
            or company.partner_id.bank_ids,
        }

    def action_credit_send_statement(self):
        """Open the e-mail composer with the statement of account attached."""
        self.ensure_one()
        template = self.env.ref("credit_followup.mail_template_credit_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": self.commercial_partner_id.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "credit_followup.mt_credit_reminder_email",
            },
        }

    def action_credit_print_statement(self):
        return self.env.ref("credit_followup.action_report_credit_statement").report_action(self.commercial_partner_id)

    def _credit_followup_profile(self, company=None):
        """The profile that follows this (commercial) partner up in ``company``."""
        self.ensure_one()
        company = company or self.env.company
        partner = self.commercial_partner_id.with_company(company)
        return partner.credit_followup_profile_id or self.env["credit.followup.profile"]._default_profile(company)

    @api.model_create_multi
    def create(self, vals_list):
        credit_check_manager_write(
            self,
            {name for vals in vals_list for name in CREDIT_MANAGER_PARTNER_FIELDS & set(vals) if vals[name]},
        )
        return super().create(vals_list)

    def write(self, vals):
        credit_check_manager_write(self, CREDIT_MANAGER_PARTNER_FIELDS & set(vals))
        if (
            vals
            and set(vals) <= NO_FOLLOWUP_FIELDS
            and not self.env.su
            and self.env.user.has_group("credit_followup.group_credit_manager")
        ):
            # "do not chase" is the credit manager's decision, also without the right to edit contacts:
            # only these fields, and the field groups still keep everybody else out
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        res = super().write(vals)
        if "credit_followup_profile_id" in vals:
            self.env["account.move"].search(self._credit_open_invoice_domain()).credit_followup_planned = False
        return res

    # ------------------------------------------------------------ actions
    def action_credit_process(self):
        """Process this debtor now (the engine, for this partner only)."""
        summary = self.env["credit.followup.engine"].run(
            companies=self.env.company, partners=self.commercial_partner_id, trigger="partner"
        )
        return self._credit_summary_notification(summary)

    def action_credit_approve(self):
        summary = self.env["credit.followup.engine"]._approve(self.commercial_partner_id, self.env.company)
        return self._credit_summary_notification(summary)

    def _credit_summary_notification(self, summary):
        actions = ", ".join(f"{count} × {channel}" for channel, count in sorted(summary["actions"].items()))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Follow-up"),
                "message": actions
                or self.env._("Nothing to do today for %(count)s debtor(s).", count=summary["partners"] or len(self)),
                "type": "success" if actions else "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_credit_open_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = self._credit_open_invoice_domain()
        action["context"] = {"default_move_type": "out_invoice", "search_default_credit_in_followup": 1}
        return action

    def action_credit_open_history(self, invoices=None):
        self.ensure_one()
        subtypes = self.env["mail.message.subtype"]._credit_subtypes()
        invoices = invoices or self.env["account.move"].search(
            [("commercial_partner_id", "=", self.commercial_partner_id.id), ("move_type", "=", "out_invoice")]
        )
        domain = [("subtype_id", "in", subtypes.ids)]
        thread_domain = [("model", "=", "account.move"), ("res_id", "in", invoices.ids)]
        if not invoices or len(invoices) > 1 or self:
            thread_domain = expression.OR(
                [thread_domain, [("model", "=", "res.partner"), ("res_id", "=", self.commercial_partner_id.id)]]
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contact history of %s", self.commercial_partner_id.display_name),
            "res_model": "mail.message",
            "view_mode": "list,form",
            "views": [(self.env.ref("credit_followup.view_credit_contact_history_list").id, "list"), (False, "form")],
            "search_view_id": [self.env.ref("credit_followup.view_credit_contact_history_search").id],
            "domain": expression.AND([domain, thread_domain]),
            "context": {"create": False},
        }

    def action_credit_log_contact(self):
        self.ensure_one()
        return self.env["credit.followup.log.contact"].action_open(self.commercial_partner_id)

    def action_credit_preview(self):
        return self.env["credit.followup.preview"].action_open(partners=self.commercial_partner_id)
