from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.errors import field_error

FOLLOWUP_STATES = [
    ("active", "In follow-up"),
    ("paused", "Paused"),
    ("excluded", "Excluded"),
    ("collection", "At collection agency"),
    ("done", "Done"),
]

# "An open posted customer invoice": the one definition, read through ``account.move._credit_open_invoice_domain()``
# (SQL views spell it out in their SQL)
OPEN_INVOICE_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("not_paid", "partial")),
]
# the same, as the leaves of a field's domain string (evaluated by the web client)
OPEN_INVOICE_LEAVES = ", ".join(repr(leaf) for leaf in OPEN_INVOICE_DOMAIN)

# Follow-up settings of an invoice: written directly only by credit managers (``_credit_check_manager_write``).
# Disputes, promises, agencies and the engine change them through their own methods (``_credit_pause`` …), which
# write as superuser: the right to pause is theirs, not the right to edit the field.
CREDIT_MANAGER_MOVE_FIELDS = {
    "credit_followup_state",
    "credit_pause_reason",
    "credit_pause_until",
    "credit_followup_note",
}


def credit_check_manager_write(records, fields_written):
    """Refuse a user's direct write (or create) of follow-up settings unless they are a credit manager."""
    env = records.env
    if env.su or not fields_written or env.user.has_group("credit_followup.group_credit_manager"):
        return
    names = ", ".join(sorted(records._fields[name].get_description(env)["string"] for name in fields_written))
    raise AccessError(
        env._("Only credit managers change the follow-up settings of debtors and invoices (%(fields)s).", fields=names)
    )


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_followup_state = fields.Selection(
        FOLLOWUP_STATES,
        string="Follow-up",
        compute="_compute_credit_followup_state",
        store=True,
        readonly=False,
        copy=False,
        index=True,
        tracking=True,
        help="Active: the engine follows the invoice up. Paused: until a reason is solved or a date passes. "
        "Excluded: never followed up. Collection: handed to an agency. Done: paid.",
    )
    credit_followup_step_id = fields.Many2one(
        "credit.followup.step", string="Last follow-up step", copy=False, readonly=True, index="btree_not_null"
    )
    credit_followup_date = fields.Date(string="Last follow-up", copy=False, readonly=True)
    credit_followup_next_step_id = fields.Many2one(
        "credit.followup.step", string="Next follow-up step", copy=False, readonly=True
    )
    credit_followup_next_date = fields.Date(string="Next follow-up", copy=False, readonly=True, index=True)
    credit_followup_planned = fields.Boolean(
        copy=False, readonly=True, help="Technical: the engine has planned this invoice's next step."
    )
    credit_pause_reason = fields.Selection(
        selection="_selection_credit_pause_reason", string="Pause reason", copy=False, tracking=True
    )
    credit_pause_until = fields.Date(
        string="Paused until", copy=False, tracking=True, help="Follow-up resumes by itself after this date."
    )
    credit_followup_note = fields.Char(
        string="Follow-up note", copy=False, tracking=True, help="Why the invoice was paused or excluded."
    )
    credit_followup_log_ids = fields.One2many("credit.followup.log", "move_id", string="Follow-up actions")
    credit_days_overdue = fields.Integer(string="Days overdue", compute="_compute_credit_days_overdue")

    @api.model
    def _credit_open_invoice_domain(self):
        """The domain of an open posted customer invoice (not paid, or partly paid): the one definition."""
        return list(OPEN_INVOICE_DOMAIN)

    def _credit_check_invoices_of(self, debtor):
        """Refuse unless these are posted customer invoices of ``debtor``: what a contact or a dispute concerns.

        The refusal names the field (``move_ids``) and the invoices at fault (``field_error``)."""
        debtor = debtor.commercial_partner_id
        wrong = self.filtered(
            lambda m: m.move_type != "out_invoice" or m.state != "posted" or m.commercial_partner_id != debtor
        )
        if wrong:
            raise field_error(
                self.env._(
                    "Only posted customer invoices of %(debtor)s can be chosen, not %(invoices)s.",
                    debtor=debtor.display_name,
                    invoices=", ".join(wrong.mapped("display_name")),
                ),
                "move_ids",
                wrong,
            )

    def _credit_check_unpaid(self):
        """Refuse paid invoices: a promise to pay and a new dispute concern unpaid ones (``field_error``)."""
        paid = self - self.filtered_domain(self._credit_open_invoice_domain())
        if paid:
            raise field_error(
                self.env._(
                    "Invoice %(invoices)s is already paid: choose unpaid invoices.",
                    invoices=", ".join(paid.mapped("name")),
                ),
                "move_ids",
                paid,
            )

    @api.model
    def _credit_pause_reasons(self):
        """Why an invoice can be paused; other modules add theirs with super() (dispute, promise, agency)."""
        return [("manual", self.env._("Manual")), ("promise", self.env._("Promise to pay"))]

    @api.model
    def _selection_credit_pause_reason(self):
        return self._credit_pause_reasons()

    @api.depends("payment_state", "state", "move_type")
    def _compute_credit_followup_state(self):
        for move in self:
            if move.move_type != "out_invoice":
                move.credit_followup_state = False
            elif move.state == "posted" and move.payment_state in ("paid", "in_payment", "reversed"):
                move.credit_followup_state = "done"
            elif move.credit_followup_state in (False, "done"):
                move.credit_followup_state = "active"

    def _compute_credit_days_overdue(self):
        for move in self:
            today = (move.company_id or self.env.company)._credit_today()
            due = move.invoice_date_due
            move.credit_days_overdue = (today - due).days if due and move.move_type == "out_invoice" else 0

    def _credit_under_discussion(self):
        """{invoice id: reference} of the invoices of ``self`` that are under discussion with the debtor without
        being paused (e.g. a payment arrangement was asked for): reminders list them apart. Hook: credit_dispute
        adds its open disputes of categories that do not pause follow-up."""
        return {}

    @api.model_create_multi
    def create(self, vals_list):
        credit_check_manager_write(
            self, {name for vals in vals_list for name in CREDIT_MANAGER_MOVE_FIELDS if vals.get(name)}
        )
        return super().create(vals_list)

    def write(self, vals):
        credit_check_manager_write(self, CREDIT_MANAGER_MOVE_FIELDS & set(vals))
        return super().write(vals)

    def _credit_check_manager(self):
        if not self.env.su and not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise AccessError(self.env._("Only credit managers pause, exclude or resume follow-up of invoices."))

    def _credit_check_followup_invoices(self):
        if any(m.move_type != "out_invoice" for m in self):
            raise UserError(self.env._("Only customer invoices are followed up."))

    def _credit_pause(self, reason, until=False, note=False):
        """Pause follow-up (hook for other modules: dispute, promise to pay, agency)."""
        self._credit_check_followup_invoices()
        movable = self.filtered(lambda m: m.credit_followup_state in ("active", "paused"))
        # sudo: the pause is the effect of a dispute, promise or hand-over, whoever triggers it (see above)
        movable.sudo().write(
            {
                "credit_followup_state": "paused",
                "credit_pause_reason": reason,
                "credit_pause_until": until,
                "credit_followup_note": note,
            }
        )
        return movable

    def _credit_resume(self, reason=None):
        """Resume follow-up where it was. With ``reason``, only invoices paused for that reason."""
        paused = self.filtered(
            lambda m: m.credit_followup_state == "paused" and (reason is None or m.credit_pause_reason == reason)
        )
        paused.sudo().write(  # sudo: see _credit_pause
            {
                "credit_followup_state": "active",
                "credit_pause_reason": False,
                "credit_pause_until": False,
                "credit_followup_note": False,
                "credit_followup_planned": False,
            }
        )
        return paused

    def _credit_resume_on(self, date=False, reason=None):
        """Resume follow-up on ``date`` (today or earlier, or no date: now). A later date becomes the pause's
        end: the engine resumes a pause the day after its "paused until"."""
        if not date or date <= (self.company_id[:1] or self.env.company)._credit_today():
            return self._credit_resume(reason)
        paused = self.filtered(
            lambda m: m.credit_followup_state == "paused" and (reason is None or m.credit_pause_reason == reason)
        )
        paused.sudo().write({"credit_pause_until": date - timedelta(days=1)})  # sudo: see _credit_pause
        return paused

    def action_credit_resume(self):
        self._credit_check_manager()
        self._credit_check_followup_invoices()
        resumed = self._credit_resume()
        excluded = self.filtered(lambda m: m.credit_followup_state == "excluded")
        excluded.write(
            {"credit_followup_state": "active", "credit_followup_note": False, "credit_followup_planned": False}
        )
        return bool(resumed or excluded)

    def action_credit_pause(self):
        self._credit_check_manager()
        self._credit_check_followup_invoices()
        return self.env["credit.followup.pause"].action_open(self)

    def action_credit_log_contact(self):
        return self.env["credit.followup.log.contact"].action_open(self)

    def action_credit_open_history(self):
        return self.commercial_partner_id[:1].action_credit_open_history(invoices=self)

    @api.model
    def _credit_expired_pauses(self, date, companies):
        """Paused invoices whose pause ends before ``date``: a run resumes them first."""
        return self.search(
            [
                ("credit_followup_state", "=", "paused"),
                ("credit_pause_until", "!=", False),
                ("credit_pause_until", "<", date),
                ("company_id", "in", companies.ids),
            ]
        )

    @api.model
    def _credit_resume_expired_pauses(self, date, companies):
        """Pauses with an end date resume the day after it."""
        return self._credit_expired_pauses(date, companies)._credit_resume()

    def _credit_collection_costs_claimable(self, date=None):
        """Collection costs may be charged on this invoice: the engine's log shows a formal 14-day notice that
        went out (not failed) and whose term ended before ``date`` (BW 6:96 lid 6)."""
        self.ensure_one()
        date = date or self.company_id._credit_today()
        return bool(
            self.env["credit.followup.log"].search_count(
                [
                    ("move_id", "=", self.id),
                    ("state", "=", "done"),
                    ("notice_deadline", "!=", False),
                    ("notice_deadline", "<", date),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------ statutory interest
    def _credit_interest_kind(self):
        """consumer (BW 6:119) or commercial (BW 6:119a): the debtor's override, else by the kind of debtor."""
        self.ensure_one()
        debtor = self.commercial_partner_id
        return debtor.credit_interest_kind or ("commercial" if debtor.is_company else "consumer")

    def _credit_statutory_interest_lines(self, to_date, kind=None, principal=None):
        """The interest on the open amount from the day after the due date up to and including ``to_date``,
        one line per stretch at one rate: dicts with date_from, date_to, days, rate, base, amount (unrounded).

        Each period runs at its own rate (rate / 100 × days / 365); after every full year, counted from the
        first day of interest, that year's interest is added to the principal
        (BW 6:119 lid 2, 6:119a lid 3). Only the total is rounded, to the cent."""
        self.ensure_one()
        kind = kind or self._credit_interest_kind()
        base = self.amount_residual if principal is None else principal
        due = self.invoice_date_due or self.invoice_date
        if not due or not to_date or base <= 0 or to_date <= due:
            return []
        table = self.env["credit.interest.rate"]._credit_rate_table(kind, self.company_id)
        changes = [day for day, _rate in table]

        def rate_on(day):
            rate = 0.0
            for date_from, value in table:
                if date_from > day:
                    break
                rate = value
            return rate

        lines = []
        year_start = due + timedelta(days=1)
        while year_start <= to_date:
            year_end = year_start + relativedelta(years=1) - timedelta(days=1)
            stop = min(year_end, to_date)
            cuts = [year_start] + [day for day in changes if year_start < day <= stop]
            year_interest = 0.0
            for i, start in enumerate(cuts):
                end = cuts[i + 1] - timedelta(days=1) if i + 1 < len(cuts) else stop
                days = (end - start).days + 1
                rate = rate_on(start)
                amount = base * rate / 100.0 * days / 365.0
                year_interest += amount
                lines.append(
                    {"date_from": start, "date_to": end, "days": days, "rate": rate, "base": base, "amount": amount}
                )
            if stop == year_end:
                base += year_interest
            year_start = year_end + timedelta(days=1)
        return lines

    def credit_statutory_interest(self, to_date):
        """Statutory interest on this invoice's open amount up to ``to_date``, in the invoice's currency
        (commercial interest for businesses, consumer interest for individuals, overridable per debtor)."""
        self.ensure_one()
        lines = self._credit_statutory_interest_lines(to_date)
        return self.currency_id.round(sum(line["amount"] for line in lines))
