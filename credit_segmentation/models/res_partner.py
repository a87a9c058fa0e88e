"""Payment behaviour and risk score of debtors, per company, computed for all debtors at once.

The figures are company-dependent stored fields on the commercial partner, written by
``_credit_rescore(companies, partners=None)``: one grouped SQL query per company over the invoices, the
follow-up log and the promises to pay, one read for the open disputes (when credit_dispute is installed)
and one UPDATE — a fixed number of queries whatever the number of debtors.

The score (0–100) is the sum of the factors' contributions::

    contribution = weight / (sum of the company's weights) × 100 × min(value / full_at, 1)

each rounded to one decimal, so the explanation on the partner form adds up to the score exactly.
"""

from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_round, formatLang

RISK_BANDS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
BAND_LIMITS = (30.0, 60.0)  # below 30 low, below 60 medium, else high

# (key, field holding the value, company weight field, value at which the factor counts fully)
FACTORS = [
    ("days_late", "credit_avg_days_late", "credit_risk_weight_days_late", 60.0),
    ("late_share", "credit_late_share", "credit_risk_weight_late_share", 100.0),
    ("steps", "credit_steps_12m", "credit_risk_weight_steps", 10.0),
    ("overdue", "credit_overdue_ratio", "credit_risk_weight_overdue", 100.0),
    ("promises", "credit_broken_promises_12m", "credit_risk_weight_promises", 3.0),
    ("disputes", "credit_risk_open_disputes", "credit_risk_weight_disputes", 3.0),
]

COUNT_FACTORS = {"steps", "promises", "disputes"}

# changes to these debtor fields can move a debtor to another segment
SEGMENT_FIELDS = {"lang", "country_id", "is_company", "category_id", "credit_limit", "parent_id"}


def risk_band(score):
    if score < BAND_LIMITS[0]:
        return "low"
    return "medium" if score < BAND_LIMITS[1] else "high"


def contributions(values, weights):
    """{factor key: contribution} for ``values`` {key: value} and ``weights`` {key: weight}."""
    total = sum(max(w, 0) for w in weights.values()) or 1
    result = {}
    for key, _field, _weight, full_at in FACTORS:
        share = min(max(values.get(key) or 0.0, 0.0) / full_at, 1.0)
        result[key] = float_round(max(weights.get(key, 0), 0) / total * 100.0 * share, precision_digits=1)
    return result


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_segment_id = fields.Many2one(
        "credit.segment",
        string="Segment",
        company_dependent=True,
        readonly=True,
        tracking=True,
        help="Set automatically: the first segment of the company whose criteria this debtor meets.",
    )
    credit_profile_manual = fields.Boolean(
        string="Manual profile",
        company_dependent=True,
        tracking=True,
        help="The follow-up profile was chosen by hand and stays when the debtor changes segment. "
        "Untick to follow the segment's profile again.",
    )
    credit_risk_score = fields.Float(
        string="Risk score",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="0 (no risk) to 100, from the payment behaviour below; see “Why this score”.",
    )
    credit_risk_band = fields.Selection(
        RISK_BANDS, string="Risk", company_dependent=True, readonly=True, help="Low below 30, high from 60."
    )
    credit_avg_days_late = fields.Float(
        string="Average days late",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Days between due date and payment, weighted by amount, of the invoices due in the last 12 "
        "months; invoices still open count their days overdue so far.",
    )
    credit_late_share = fields.Float(
        string="Share paid late (%)",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Invoices due in the last 12 months that were paid after the due date or are still overdue.",
    )
    credit_steps_12m = fields.Integer(
        string="Follow-up steps (12 months)",
        company_dependent=True,
        readonly=True,
        help="Follow-up steps executed on this debtor's invoices in the last 12 months.",
    )
    credit_overdue_amount = fields.Float(
        string="Overdue amount",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Open amount past its due date, in the company's currency, at the last scoring.",
    )
    credit_overdue_ratio = fields.Float(
        string="Overdue vs. credit limit (%)",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        help="The overdue amount as a share of the debtor's credit limit (or of the company's reference "
        "credit limit when the debtor has none).",
    )
    credit_broken_promises_12m = fields.Integer(
        string="Broken promises (12 months)", company_dependent=True, readonly=True
    )
    credit_risk_open_disputes = fields.Integer(
        string="Open disputes (at scoring)", company_dependent=True, readonly=True
    )
    credit_risk_date = fields.Datetime(string="Scored on", company_dependent=True, readonly=True)
    credit_risk_explanation = fields.Html(
        string="Why this score", compute="_compute_credit_risk_explanation", sanitize=False
    )

    # ------------------------------------------------------------------ scoring
    @api.model
    def _credit_rescore(self, companies, partners=None):
        """Recompute the behaviour figures and the score of ``partners`` (default: every debtor)."""
        for company in companies:
            self._credit_rescore_company(company, partners)

    def _credit_rescore_company(self, company, partners=None):
        today = company._credit_today()
        since = today - timedelta(days=365)
        key = str(company.id)
        ids = partners.commercial_partner_id.ids if partners is not None else None
        if ids is not None and not ids:
            return
        self.env.flush_all()  # the query reads invoices, logs, promises and partners in SQL
        only = (lambda column: SQL("AND %s = ANY(%s)", SQL.identifier(column), ids)) if ids else (lambda c: SQL())
        # debtors scored before whose invoices are gone (back to zero)
        extra = SQL("SELECT id FROM res_partner WHERE credit_risk_score ? %s %s", key, only("id"))
        # one grouped query over all debtors (the ORM would need one read_group per figure and Python joins)
        rows = self.env.execute_query(
            SQL(
                """
                WITH inv AS (
                    SELECT m.commercial_partner_id AS pid, m.invoice_date_due AS due, m.credit_paid_date AS paid,
                           m.payment_state, ABS(m.amount_total_signed) AS amount, m.amount_residual_signed AS residual
                      FROM account_move m
                     WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice' AND m.state = 'posted'
                       AND m.invoice_date_due IS NOT NULL AND m.payment_state != 'reversed'
                       AND (m.invoice_date_due >= %(since)s OR m.payment_state IN ('not_paid', 'partial'))
                       %(only_moves)s
                ),
                late AS (
                    SELECT pid, amount,
                           GREATEST(0, CASE WHEN payment_state IN ('paid', 'in_payment')
                                            THEN COALESCE(paid, due) ELSE %(today)s END - due) AS days
                      FROM inv
                     WHERE due >= %(since)s AND (payment_state IN ('paid', 'in_payment') OR due < %(today)s)
                ),
                behaviour AS (
                    SELECT pid, SUM(amount * days) / NULLIF(SUM(amount), 0) AS avg_late,
                           100.0 * COUNT(*) FILTER (WHERE days > 0) / COUNT(*) AS late_share
                      FROM late GROUP BY pid
                ),
                overdue AS (
                    SELECT pid, SUM(residual) AS amount
                      FROM inv WHERE payment_state IN ('not_paid', 'partial') AND due < %(today)s GROUP BY pid
                ),
                steps AS (
                    SELECT partner_id AS pid, COUNT(*) AS n
                      FROM credit_followup_log
                     WHERE company_id = %(company)s AND date >= %(since)s AND state IN ('done', 'failed')
                       %(only_logs)s
                     GROUP BY partner_id
                ),
                promises AS (
                    SELECT partner_id AS pid, COUNT(*) AS n
                      FROM credit_followup_promise
                     WHERE company_id = %(company)s AND date >= %(since)s AND state = 'broken' %(only_promises)s
                     GROUP BY partner_id
                ),
                debtors AS (
                    SELECT pid FROM inv UNION SELECT pid FROM steps UNION SELECT pid FROM promises
                     UNION %(extra)s
                )
                SELECT d.pid, COALESCE(b.avg_late, 0)::float8, COALESCE(b.late_share, 0)::float8,
                       COALESCE(s.n, 0), COALESCE(o.amount, 0)::float8,
                       COALESCE((p.credit_limit->>%(key)s)::float8, 0), COALESCE(pr.n, 0)
                  FROM debtors d
                  JOIN res_partner p ON p.id = d.pid
                  LEFT JOIN behaviour b ON b.pid = d.pid
                  LEFT JOIN overdue o ON o.pid = d.pid
                  LEFT JOIN steps s ON s.pid = d.pid
                  LEFT JOIN promises pr ON pr.pid = d.pid
                """,
                company=company.id,
                key=key,
                today=today,
                since=since,
                only_moves=only("commercial_partner_id"),
                only_logs=only("partner_id"),
                only_promises=only("partner_id"),
                extra=extra,
            )
        )
        if not rows:
            return
        disputes = self._credit_risk_open_disputes(company, [row[0] for row in rows] if ids else None)
        weights = {k: company[weight_field] for k, _f, weight_field, _full in FACTORS}
        reference = company.credit_risk_reference_amount or 0.0
        columns = {name: [] for name in ("id", "score", "band", "late", "share", "steps", "overdue", "ratio")}
        columns.update(promises=[], disputes=[])
        for pid, avg_late, late_share, steps, overdue, limit, promises in rows:
            base = limit if limit > 0 else reference
            ratio = 100.0 * overdue / base if base > 0 else (100.0 if overdue > 0 else 0.0)
            values = {
                "days_late": avg_late,
                "late_share": late_share,
                "steps": steps,
                "overdue": ratio,
                "promises": promises,
                "disputes": disputes.get(pid, 0),
            }
            score = float_round(sum(contributions(values, weights).values()), precision_digits=1)
            columns["id"].append(pid)
            columns["score"].append(score)
            columns["band"].append(risk_band(score))
            columns["late"].append(float_round(avg_late, precision_digits=1))
            columns["share"].append(float_round(late_share, precision_digits=1))
            columns["steps"].append(steps)
            columns["overdue"].append(float_round(overdue, precision_digits=2))
            columns["ratio"].append(float_round(ratio, precision_digits=1))
            columns["promises"].append(promises)
            columns["disputes"].append(values["disputes"])

        def put(column, value):
            return SQL(
                "%(col)s = COALESCE(p.%(col)s, '{}'::jsonb) || jsonb_build_object(%(key)s, %(value)s)",
                col=SQL.identifier(column),
                key=key,
                value=value,
            )

        # company-dependent (jsonb) columns of thousands of debtors in one statement
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p SET %(assignments)s
                  FROM unnest(%(id)s::int[], %(score)s::float8[], %(band)s::varchar[], %(late)s::float8[],
                              %(share)s::float8[], %(steps)s::int[], %(overdue)s::float8[], %(ratio)s::float8[],
                              %(promises)s::int[], %(disputes)s::int[])
                       AS v(id, score, band, late, share, steps, overdue, ratio, promises, disputes)
                 WHERE p.id = v.id
                """,
                assignments=SQL(", ").join(
                    [
                        put("credit_risk_score", SQL("v.score")),
                        put("credit_risk_band", SQL("v.band")),
                        put("credit_avg_days_late", SQL("v.late")),
                        put("credit_late_share", SQL("v.share")),
                        put("credit_steps_12m", SQL("v.steps")),
                        put("credit_overdue_amount", SQL("v.overdue")),
                        put("credit_overdue_ratio", SQL("v.ratio")),
                        put("credit_broken_promises_12m", SQL("v.promises")),
                        put("credit_risk_open_disputes", SQL("v.disputes")),
                        put("credit_risk_date", SQL("%s::text", fields.Datetime.to_string(fields.Datetime.now()))),
                    ]
                ),
                **columns,
            )
        )
        self.invalidate_model(
            [field for _k, field, _w, _f in FACTORS]
            + [
                "credit_risk_score",
                "credit_risk_band",
                "credit_overdue_amount",
                "credit_risk_date",
            ]
        )

    @api.model
    def _credit_risk_open_disputes(self, company, partner_ids=None):
        """Hook: {partner id: open disputes} in ``company``. Zero without credit_dispute.

        credit_dispute does not know this module, so the bridge is here: when its model is in the registry
        (a runtime check), the open disputes are counted in one grouped read.
        """
        if "credit.dispute" not in self.env:
            return {}
        domain = [("company_id", "=", company.id), ("state", "in", ("new", "in_progress"))]
        if partner_ids is not None:
            domain.append(("partner_id", "in", partner_ids))
        # the score counts every open dispute, also those the current user may not read
        rows = self.env["credit.dispute"].sudo()._read_group(domain, ["partner_id"], ["__count"])
        return {partner.id: count for partner, count in rows}

    # ------------------------------------------------------------------ explanation
    @api.depends_context("company", "lang")
    @api.depends(
        "credit_risk_score",
        "credit_avg_days_late",
        "credit_late_share",
        "credit_steps_12m",
        "credit_overdue_ratio",
        "credit_broken_promises_12m",
        "credit_risk_open_disputes",
    )
    def _compute_credit_risk_explanation(self):
        company = self.env.company
        weights = {k: company[weight_field] for k, _f, weight_field, _full in FACTORS}
        labels = self._credit_risk_factor_labels()

        def number(value, key=None):
            """In the user's language; counts without decimals."""
            return formatLang(self.env, value, digits=0 if key in COUNT_FACTORS else 1)

        for partner in self:
            commercial = partner.commercial_partner_id
            values = {key: commercial[field] for key, field, _w, _full in FACTORS}
            parts = contributions(values, weights)
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
                % (labels[key][0], labels[key][1] % {"value": number(values[key], key)}, number(parts[key]))
                for key, _f, _w, _full in FACTORS
            )
            partner.credit_risk_explanation = Markup(
                "<table class='table table-sm o_credit_risk_explanation'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th></tr></thead><tbody>%s</tbody>"
                "<tfoot><tr><th>%s</th><th></th><th class='text-end'>%s</th></tr></tfoot></table>"
            ) % (
                self.env._("Factor"),
                self.env._("Value"),
                self.env._("Points"),
                rows,
                self.env._("Risk score"),
                number(sum(parts.values())),
            )

    def _credit_risk_factor_labels(self):
        """{factor: (label, value format)} in the user's language."""
        _ = self.env._
        return {
            "days_late": (_("Average days paid late (full at 60)"), escape(_("%(value)s days"))),
            "late_share": (_("Share of invoices paid late"), escape("%(value)s %%")),
            "steps": (_("Follow-up steps in 12 months (full at 10)"), escape("%(value)s")),
            "overdue": (_("Overdue vs. credit limit"), escape("%(value)s %%")),
            "promises": (_("Broken promises in 12 months (full at 3)"), escape("%(value)s")),
            "disputes": (_("Open disputes (full at 3)"), escape("%(value)s")),
        }

    # ------------------------------------------------------------------ triggers and manual profile
    def write(self, vals):
        if (
            "credit_profile_manual" in vals
            and not self.env.su
            and not self.env.user.has_group("credit_followup.group_credit_manager")
        ):
            # unticking it hands the debtor's profile back to its segment: a credit manager's decision
            raise AccessError(self.env._("Only credit managers can choose a debtor's follow-up profile."))
        manual_profile = "credit_followup_profile_id" in vals
        if manual_profile and "credit_profile_manual" not in vals:
            vals = dict(vals, credit_profile_manual=True)  # a profile chosen by hand is an explicit override
        res = super().write(vals)
        if vals.get("credit_profile_manual") is False:
            # back to the segment's profile
            self.env["credit.segment"].sudo()._apply_profiles(self.env.company, self.commercial_partner_id.ids)
        if SEGMENT_FIELDS & set(vals):
            self.env["credit.segment"]._credit_refresh(self)
        return res

    @api.model
    def _credit_keep_manual_profiles(self):
        """At install: profiles already set on debtors (other than their segment's) count as manual choices."""
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET credit_profile_manual = COALESCE(p.credit_profile_manual, '{}'::jsonb) || sub.manual
                  FROM (SELECT p2.id, jsonb_object_agg(e.key, TRUE) AS manual
                          FROM res_partner p2
                         CROSS JOIN LATERAL jsonb_each(p2.credit_followup_profile_id) e
                          LEFT JOIN credit_segment s ON s.id = (p2.credit_segment_id->>e.key)::int
                         WHERE jsonb_typeof(e.value) = 'number'
                           AND s.profile_id IS DISTINCT FROM (e.value #>> '{}')::int
                         GROUP BY p2.id) sub
                 WHERE p.id = sub.id
                """
            )
        )
        self.invalidate_model(["credit_profile_manual"])

    def action_credit_rescore(self):
        """Button: rescore and re-segment this debtor now."""
        self.env["credit.segment"]._credit_refresh(self)
        return True
