from ast import literal_eval

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

PARTNER_KINDS = [("any", "Companies and individuals"), ("company", "Companies"), ("person", "Individuals")]


class CreditSegmentCriteria(models.AbstractModel):
    """The criteria of a segment; the segment and its simulation wizard share them.

    Every criterion left empty matches every debtor; the criteria set combine (AND). ``_criteria_domain()``
    turns them into one ``res.partner`` domain, evaluated in the segment's company (the risk figures are
    per company).
    """

    _name = "credit.segment.criteria"
    _description = "Segment criteria"

    risk_min = fields.Float(string="Risk score from", default=0.0, help="Lowest risk score (0–100) included.")
    risk_max = fields.Float(string="Risk score up to", default=100.0, help="Highest risk score (0–100) included.")
    lang_ids = fields.Many2many(
        "res.lang",
        string="Languages",
        context={"active_test": False},
        help="Debtors whose language is one of these. Empty: any language.",
    )
    country_ids = fields.Many2many(
        "res.country", string="Countries", help="Debtors in one of these countries. Empty: any country."
    )
    country_group_ids = fields.Many2many(
        "res.country.group",
        string="Country groups",
        help="Debtors in a country of one of these groups (e.g. Europe). Combined with the countries: either.",
    )
    exclude_countries = fields.Boolean(
        string="All countries except these",
        help="Reverse the countries and country groups: debtors outside them (or without a country).",
    )
    partner_kind = fields.Selection(PARTNER_KINDS, string="Debtor is", default="any", required=True)
    category_ids = fields.Many2many(
        "res.partner.category", string="Tags", help="Debtors with at least one of these tags. Empty: any."
    )
    avg_days_late_min = fields.Float(
        string="Paid late at least (days)", help="Lowest average days paid late (last 12 months)."
    )
    avg_days_late_max = fields.Float(
        string="Paid late at most (days)", help="Highest average days paid late (last 12 months). 0: no maximum."
    )
    late_share_min = fields.Float(string="Share paid late from (%)", help="Lowest share of invoices paid late.")
    late_share_max = fields.Float(
        string="Share paid late up to (%)", default=100.0, help="Highest share of invoices paid late."
    )
    overdue_min = fields.Float(string="Overdue at least", help="Lowest current overdue amount (company currency).")
    broken_promises_min = fields.Integer(
        string="Broken promises at least", help="Lowest number of promises to pay broken in the last 12 months."
    )
    domain = fields.Text(
        string="Other conditions",
        default="[]",
        help="A free domain on the debtor (contacts) for anything else, e.g. [('industry_id.name', '=', 'Retail')].",
    )

    @api.constrains("domain")
    def _check_domain(self):
        """As crm.team's assignment domain: parse it and run it once."""
        for record in self:
            try:
                domain = literal_eval(record.domain or "[]")
                if not isinstance(domain, list | tuple):
                    raise TypeError(domain)
                if domain:
                    self.env["res.partner"].search(domain, limit=1)
            except Exception:  # noqa: BLE001 - any parsing or evaluation problem means a bad domain
                raise ValidationError(
                    self.env._(
                        "The conditions of %(name)s are not a valid domain: %(domain)s",
                        name=record.display_name,
                        domain=record.domain,
                    )
                ) from None

    @api.constrains("risk_min", "risk_max", "late_share_min", "late_share_max")
    def _check_ranges(self):
        for record in self:
            if not 0 <= record.risk_min <= record.risk_max <= 100:
                raise ValidationError(self.env._("The risk score range must lie within 0–100, lowest first."))
            if not 0 <= record.late_share_min <= record.late_share_max <= 100:
                raise ValidationError(self.env._("The share paid late must lie within 0–100%, lowest first."))

    def _criteria_domain(self):
        """The criteria as a domain on res.partner (to be searched in the segment's company)."""
        self.ensure_one()
        parts = []
        if self.risk_min > 0:
            parts.append([("credit_risk_score", ">=", self.risk_min)])
        if self.risk_max < 100:
            parts.append([("credit_risk_score", "<=", self.risk_max)])
        if self.lang_ids:
            parts.append([("lang", "in", self.lang_ids.mapped("code"))])
        countries = self.country_ids | self.country_group_ids.country_ids
        if countries:
            operator = "not in" if self.exclude_countries else "in"
            condition = [("country_id", operator, countries.ids)]
            if self.exclude_countries:
                condition = expression.OR([condition, [("country_id", "=", False)]])
            parts.append(condition)
        if self.partner_kind != "any":
            parts.append([("is_company", "=", self.partner_kind == "company")])
        if self.category_ids:
            parts.append([("category_id", "in", self.category_ids.ids)])
        if self.avg_days_late_min:
            parts.append([("credit_avg_days_late", ">=", self.avg_days_late_min)])
        if self.avg_days_late_max:
            parts.append([("credit_avg_days_late", "<=", self.avg_days_late_max)])
        if self.late_share_min:
            parts.append([("credit_late_share", ">=", self.late_share_min)])
        if self.late_share_max < 100:
            parts.append([("credit_late_share", "<=", self.late_share_max)])
        if self.overdue_min:
            parts.append([("credit_overdue_amount", ">=", self.overdue_min)])
        if self.broken_promises_min:
            parts.append([("credit_broken_promises_12m", ">=", self.broken_promises_min)])
        free = literal_eval(self.domain or "[]")
        if free:
            parts.append(list(free))
        return expression.AND(parts) if parts else []

    def _criteria_values(self):
        """The criteria as values for another record (the simulation wizard and back)."""
        self.ensure_one()
        values = {}
        for name, field in self.env["credit.segment.criteria"]._fields.items():
            if field.automatic or name in models.MAGIC_COLUMNS or name in ("display_name", "id"):
                continue
            value = self[name]
            values[name] = [fields.Command.set(value.ids)] if field.type == "many2many" else value
        return values
