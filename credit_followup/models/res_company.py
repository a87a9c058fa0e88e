from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get


def company_today_sql(alias):
    """SQL: the company's "today" (``res.company._credit_today``) for the res_company row ``alias``.

    The clock is Odoo's (``fields.Datetime.now()``), not the database's ``now()``: SQL views and Python code agree
    on the date, also in the minutes around midnight and under a test's frozen time.
    """
    return SQL(
        "((%s::timestamp AT TIME ZONE 'UTC') AT TIME ZONE COALESCE(%s.credit_tz, 'UTC'))::date",
        fields.Datetime.now(),
        SQL.identifier(alias),
    )


from .credit_collection_cost_bracket import WIK_MAXIMUM, WIK_MINIMUM


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_promise_grace_days = fields.Integer(
        string="Grace days after a promise to pay",
        default=3,
        help="Follow-up of promised invoices waits until the promised date plus these days; then the promise "
        "is kept (paid) or broken.",
    )
    credit_collection_cost_bracket_ids = fields.One2many(
        "credit.collection.cost.bracket",
        "company_id",
        string="Collection costs scale",
        help="Extrajudicial collection costs as a share of the principal, per bracket (Dutch WIK scale).",
    )
    credit_collection_costs_min = fields.Monetary(
        string="Minimum collection costs", currency_field="currency_id", default=WIK_MINIMUM
    )
    credit_collection_costs_max = fields.Monetary(
        string="Maximum collection costs",
        currency_field="currency_id",
        default=WIK_MAXIMUM,
        help="0: no maximum.",
    )
    credit_collection_costs_vat = fields.Boolean(
        string="VAT on collection costs",
        help="Charge VAT on top of the collection costs. Only allowed when the company cannot deduct that VAT "
        "itself (it is not liable to VAT for the claim).",
    )
    credit_collection_costs_vat_rate = fields.Float(string="VAT rate on collection costs (%)", default=21.0)
    credit_notice_delivery_days_post = fields.Integer(
        string="Delivery days of a letter",
        default=2,
        help="Working days after which a posted letter counts as received; the 14-day term of a formal notice "
        "starts the day after that.",
    )
    credit_notice_delivery_days_email = fields.Integer(
        string="Delivery days of an e-mail",
        default=0,
        help="Days after which an e-mail counts as received (0: the day it is sent).",
    )

    credit_tz = fields.Selection(
        _tz_get,
        string="Follow-up time zone",
        default=lambda self: self._default_credit_tz(),
        help="The company's day for follow-up: the engine, the worklist, the aging report and promises count "
        "days in this time zone, and quiet hours are read in it. Default: the time zone of the company's first "
        "administrator.",
    )
    credit_quiet_hours_start = fields.Float(
        string="Send SMS from",
        default=8.0,
        help="SMS and WhatsApp messages go out only between these hours (company time zone); what the engine "
        "decides outside them waits in the queue.",
    )
    credit_quiet_hours_end = fields.Float(string="Send SMS until", default=21.0)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.collection.cost.bracket"].sudo()._install_brackets(companies)  # sudo: a new
        # company's statutory scale is set up for whoever creates the company
        return companies

    def credit_collection_costs(self, principal):
        """Extrajudicial collection costs on ``principal`` (in the company's currency), excluding VAT: the
        company's scale, at least its minimum, at most its maximum. Nothing when nothing is owed."""
        self.ensure_one()
        if principal <= 0:
            return 0.0
        brackets = self.credit_collection_cost_bracket_ids.sorted("amount_from")
        costs = 0.0
        for index, bracket in enumerate(brackets):
            upper = brackets[index + 1].amount_from if index + 1 < len(brackets) else principal
            if principal > bracket.amount_from:
                costs += (min(principal, upper) - bracket.amount_from) * bracket.rate / 100.0
        costs = max(costs, self.credit_collection_costs_min)
        if self.credit_collection_costs_max:
            costs = min(costs, self.credit_collection_costs_max)
        return self.currency_id.round(costs)

    def _credit_reply_to(self):
        """Where debtors' replies to reminders go (hook): the company's address; credit_dispute: its
        accounts-receivable alias."""
        return self.email_formatted or self.partner_id.email_formatted or False

    def _credit_epc_qr(self, amount, currency, communication, debtor, bank=None):
        """EPC (SEPA credit transfer) QR code as a data URI for ``amount``; False unless the amount is a positive
        EUR amount (EPC is EUR only) and the company has an IBAN."""
        self.ensure_one()
        if len(currency) != 1 or currency.name != "EUR" or currency.round(amount) <= 0:
            return False
        bank = bank or self.partner_id.bank_ids.filtered(lambda b: b.acc_type == "iban")[:1]
        if not bank:
            return False
        return (
            bank.build_qr_code_base64(
                float(currency.round(amount)), communication[:140], None, currency, debtor, qr_method="sct_qr"
            )
            or False
        )

    def _credit_notice_deadline(self, date, channel):
        """The last day to pay of a formal notice sent on ``date`` by ``channel`` (BW 6:96 lid 6): the notice
        counts as received after the company's delivery days (working days for a letter, days for an e-mail),
        and the 14 days run from the day after that. A term ending on a Saturday or Sunday ends on the Monday
        after it (Algemene termijnenwet art. 1; public holidays are not taken into account)."""
        self.ensure_one()
        received = date
        if channel == "letter":
            left = self.credit_notice_delivery_days_post
            while left > 0:
                received += timedelta(days=1)
                if received.weekday() < 5:
                    left -= 1
        else:
            received += timedelta(days=max(self.credit_notice_delivery_days_email, 0))
        deadline = received + timedelta(days=14)
        while deadline.weekday() >= 5:
            deadline += timedelta(days=1)
        return deadline

    def _credit_collection_costs_vat(self, costs):
        """VAT charged on top of ``costs`` (0 when the company can deduct VAT)."""
        self.ensure_one()
        if not self.credit_collection_costs_vat:
            return 0.0
        return self.currency_id.round(costs * self.credit_collection_costs_vat_rate / 100.0)

    @api.model
    def _default_credit_tz(self):
        """The time zone of the first administrator who has one (the database's admin, normally), else the
        current user's, else UTC."""
        admins_sudo = self.env.ref("base.group_system").sudo().users  # reading users' time zones, not their data
        admin = admins_sudo.filtered(lambda u: u.tz and u.id != SUPERUSER_ID).sorted("id")[:1]
        return admin.tz or self.env.user.tz or "UTC"

    @api.constrains("credit_quiet_hours_start", "credit_quiet_hours_end")
    def _check_credit_quiet_hours(self):
        for company in self:
            if not 0 <= company.credit_quiet_hours_start < company.credit_quiet_hours_end <= 24:
                raise ValidationError(
                    self.env._(
                        "Sending hours of %s: the start must be before the end, both between 0:00 and 24:00.",
                        company.name,
                    )
                )

    def _credit_tzinfo(self):
        self.ensure_one()
        try:
            return pytz.timezone(self.credit_tz or "UTC")
        except pytz.UnknownTimeZoneError:
            return pytz.utc

    def _credit_now(self, now=None):
        """``now`` (UTC naive, default: the current time) as an aware datetime in the company's time zone."""
        now = now or fields.Datetime.now()
        return pytz.utc.localize(now).astimezone(self._credit_tzinfo())

    def _credit_today(self):
        """The company's "today": the date in its follow-up time zone (not the server's, not the user's)."""
        company = self[:1] or self.env.company
        return company._credit_now().date()

    def _credit_send_after(self, now=None):
        """When an SMS or WhatsApp message decided at ``now`` may go out: a UTC naive datetime.

        ``now`` itself when it falls between the company's quiet-hour bounds, else the next start of them.
        """
        company = self[:1] or self.env.company
        now = now or fields.Datetime.now()
        tz = company._credit_tzinfo()
        local = company._credit_now(now)
        hour = local.hour + local.minute / 60 + local.second / 3600
        start, end = company.credit_quiet_hours_start, company.credit_quiet_hours_end
        if start <= hour < end:
            return now
        day = local.date() if hour < start else local.date() + timedelta(days=1)
        minutes = round(start * 60)
        start_local = tz.localize(datetime.combine(day, time(minutes // 60, minutes % 60)), is_dst=False)
        return start_local.astimezone(pytz.utc).replace(tzinfo=None)
