"""Debtor segments and their assignment.

``env["credit.segment"].assign(partners=None, simulate=False)`` puts every debtor (or ``partners``) in the
first segment of its company whose criteria it meets, in sequence order, else in the company's default
segment; it returns ``{partner_id: (old_segment_id, new_segment_id)}`` for the debtors that move, and with
``simulate=True`` writes nothing.

Cost: per company one query per segment (the criteria as one domain over all candidates), a few queries to
read the current segments and profiles, and a fixed number of statements to write the moves — never a query
per debtor.
"""

import threading

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id


class CreditSegment(models.Model):
    _name = "credit.segment"
    _description = "Debtor segment"
    _inherit = ["credit.segment.criteria", "mail.thread"]
    _order = "company_id, is_default, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10, help="Segments are tried in this order; the first that matches wins.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    profile_id = fields.Many2one(
        "credit.followup.profile",
        string="Follow-up profile",
        check_company=True,
        tracking=True,
        help="The follow-up profile of this segment's debtors (unless a debtor has a manual profile). "
        "Empty: the company's default profile.",
    )
    is_default = fields.Boolean(
        string="Default segment",
        tracking=True,
        help="Catches every debtor that no other segment matches; its criteria are not used.",
    )
    description = fields.Text(translate=True, help="Which debtors this segment is meant for.")
    color = fields.Integer()
    currency_id = fields.Many2one(related="company_id.currency_id")
    debtor_count = fields.Integer(string="Debtors", compute="_compute_figures")
    overdue_amount = fields.Monetary(string="Total overdue", compute="_compute_figures", currency_field="currency_id")
    avg_days_late = fields.Float(string="Average days late", compute="_compute_figures", digits=(16, 1))
    avg_risk_score = fields.Float(string="Average risk score", compute="_compute_figures", digits=(16, 1))

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A segment with this name already exists."),
    ]

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        for company in self.filtered("is_default").company_id:
            if self.search_count([("company_id", "=", company.id), ("is_default", "=", True)]) > 1:
                raise ValidationError(self.env._("%(company)s already has a default segment.", company=company.name))

    @api.depends("company_id")
    def _compute_figures(self):
        empty = {"debtor_count": 0, "overdue_amount": 0.0, "avg_days_late": 0.0, "avg_risk_score": 0.0}
        for company, segments in self.grouped("company_id").items():
            real = segments.filtered("id")
            rows = (
                self.env["res.partner"]
                .with_company(company)
                .with_context(active_test=False)
                ._read_group(
                    [("credit_segment_id", "in", real.ids)],
                    ["credit_segment_id"],
                    [
                        "__count",
                        "credit_overdue_amount:sum",
                        "credit_avg_days_late:avg",
                        "credit_risk_score:avg",
                    ],
                )
            )
            figures = {
                segment.id: {
                    "debtor_count": count,
                    "overdue_amount": overdue or 0.0,
                    "avg_days_late": days or 0.0,
                    "avg_risk_score": risk or 0.0,
                }
                for segment, count, overdue, days, risk in rows
            }
            for segment in segments:
                segment.update(figures.get(segment.id, empty))
        for segment in self.filtered(lambda s: not s.company_id):
            segment.update(empty)

    def write(self, vals):
        res = super().write(vals)
        if "profile_id" in vals:
            # the segment's debtors follow its new profile (manual profiles stay)
            for company, segments in self.grouped("company_id").items():
                partner_ids = self._partner_ids_in(company, segments.ids)
                self.sudo()._apply_profiles(company, partner_ids)  # system bookkeeping, see _apply_moves
        return res

    # ------------------------------------------------------------------ assignment
    @api.model
    def assign(self, partners=None, simulate=False, companies=None, override=None):
        """Put debtors in the first segment that matches them; see the module docstring.

        :param partners: the debtors to (re)assign; default: every debtor of the companies
        :param simulate: compute the moves only, write nothing
        :param companies: default: the companies of ``partners`` / the user's companies
        :param override: (simulation) an unsaved copy of a segment, used instead of the stored one
        :return: ``{partner_id: (old_segment_id, new_segment_id)}`` for the debtors that move (False: none)
        """
        if not simulate and not self.env.su and not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise AccessError(self.env._("Only credit managers can re-segment debtors."))
        companies = companies if companies is not None else self.env.companies
        self.env.flush_all()  # the queries below read debtors and invoices in SQL
        moves = {}
        for company in companies:
            company_moves = self._assign_company(company, partners, override)
            if not simulate and company_moves:
                self._apply_moves(company, company_moves)
            moves.update(company_moves)
        return moves

    def _assign_company(self, company, partners, override=None):
        """{partner_id: (old, new)} for the debtors of ``company`` that would move.

        ``override``: an unsaved copy of one segment (the simulation) used in place of the stored one.
        """
        segments = list(self.search([("company_id", "=", company.id)]))
        if override is not None and override.company_id == company:
            segments = [override if seg == override._origin else seg for seg in segments]
            if not override._origin:
                segments.append(override)
        segments.sort(key=lambda s: (s.sequence, s._origin.id or 0))
        if not segments:
            return {}
        partner_ids = self._debtor_ids(company, partners)
        if not partner_ids:
            return {}
        current = self._current_segments(company, partner_ids)
        Partner = self.env["res.partner"].with_company(company).with_context(active_test=False)
        remaining = set(partner_ids)
        new = {}
        for segment in segments:
            if segment.is_default or not remaining:
                continue
            domain = segment._criteria_domain() + [("id", "in", sorted(remaining))]
            matched = set(Partner._search(domain).get_result_ids())
            for partner_id in matched:
                new[partner_id] = segment._origin.id
            remaining -= matched
        default = next((s for s in segments if s.is_default), None)
        for partner_id in remaining:
            new[partner_id] = default._origin.id if default else False
        return {pid: (current.get(pid, False), new[pid]) for pid in partner_ids if current.get(pid, False) != new[pid]}

    @api.model
    def _debtor_ids(self, company, partners=None):
        """Commercial partners with a posted customer invoice in ``company``, or already in one of its segments."""
        self.env.flush_all()
        if partners is not None:  # those of them that are (or were) debtors of this company
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT m.commercial_partner_id
                      FROM account_move m
                     WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice' AND m.state != 'cancel'
                       AND m.commercial_partner_id = ANY(%(ids)s)
                     UNION
                    SELECT p.id FROM res_partner p WHERE p.id = ANY(%(ids)s) AND p.credit_segment_id ? %(key)s
                    """,
                    company=company.id,
                    key=str(company.id),
                    ids=partners.commercial_partner_id.ids,
                )
            )
            return sorted(row[0] for row in rows)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT m.commercial_partner_id
                  FROM account_move m
                 WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice' AND m.state = 'posted'
                 UNION
                SELECT p.id FROM res_partner p WHERE p.credit_segment_id ? %(key)s
                """,
                company=company.id,
                key=str(company.id),
            )
        )
        return sorted(row[0] for row in rows if row[0])

    @api.model
    def _current_segments(self, company, partner_ids):
        # company-dependent columns read for many partners at once (jsonb, keyed by company id)
        rows = self.env.execute_query(
            SQL(
                "SELECT id, (credit_segment_id->>%s)::int FROM res_partner WHERE id = ANY(%s)",
                str(company.id),
                list(partner_ids),
            )
        )
        return {pid: seg or False for pid, seg in rows}

    @api.model
    def _partner_ids_in(self, company, segment_ids):
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM res_partner WHERE (credit_segment_id->>%s)::int = ANY(%s)",
                str(company.id),
                list(segment_ids),
            )
        )
        return [row[0] for row in rows]

    def _apply_moves(self, company, moves):
        """Write the moves: segment, profile (unless manual), chatter line with the tracked change.

        Plain SQL on purpose: the segment and profile are company-dependent (jsonb) columns written for
        thousands of debtors at once; an ORM write would track and post per record. The chatter lines are
        created in one batch with their tracking values instead.
        """
        if not moves:
            return
        ids = list(moves)
        new_ids = [moves[pid][1] or None for pid in ids]
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET credit_segment_id =
                       COALESCE(p.credit_segment_id, '{}'::jsonb) || jsonb_build_object(%(key)s, v.seg)
                  FROM unnest(%(ids)s::int[], %(segs)s::int[]) AS v(id, seg)
                 WHERE p.id = v.id
                """,
                key=str(company.id),
                ids=ids,
                segs=new_ids,
            )
        )
        self.env["res.partner"].invalidate_model(["credit_segment_id"])
        profile_changes = self._apply_profiles(company, ids)
        self._post_moves(company, moves, profile_changes)

    def _apply_profiles(self, company, partner_ids):
        """Give ``partner_ids`` their segment's profile in ``company``, except debtors with a manual profile.

        The follow-up engine keeps reading ``res.partner.credit_followup_profile_id``. Invoices of a debtor
        whose profile changes are re-planned on the new profile: from the engine's log, each invoice's last
        step becomes the furthest step executed so far (by offset), so the engine continues at the new
        profile's first step after that offset and never repeats one; a step of the old profile still
        waiting for approval is withdrawn.

        :return: {partner_id: (old_profile_id, new_profile_id)} of the debtors whose profile changed
        """
        if not partner_ids:
            return {}
        self.env.flush_all()  # a manual-profile flag may just have been written through the ORM
        key = str(company.id)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, (p.credit_followup_profile_id->>%(key)s)::int, s.profile_id
                  FROM res_partner p
                  LEFT JOIN credit_segment s ON s.id = (p.credit_segment_id->>%(key)s)::int
                 WHERE p.id = ANY(%(ids)s)
                   AND COALESCE((p.credit_profile_manual->>%(key)s)::boolean, FALSE) IS FALSE
                """,
                key=key,
                ids=list(partner_ids),
            )
        )
        changes = {pid: (old or False, new or False) for pid, old, new in rows if (old or False) != (new or False)}
        if not changes:
            return {}
        ids = list(changes)
        self.env.execute_query(
            SQL(
                """
                UPDATE res_partner p
                   SET credit_followup_profile_id =
                       COALESCE(p.credit_followup_profile_id, '{}'::jsonb) || jsonb_build_object(%(key)s, v.profile)
                  FROM unnest(%(ids)s::int[], %(profiles)s::int[]) AS v(id, profile)
                 WHERE p.id = v.id
                """,
                key=key,
                ids=ids,
                profiles=[changes[pid][1] or None for pid in ids],
            )
        )
        self.env["res.partner"].invalidate_model(["credit_followup_profile_id"])
        self._replan_invoices(company, ids)
        return changes

    def _replan_invoices(self, company, partner_ids):
        """Open invoices of debtors that changed profile continue after their furthest executed step."""
        self.env.execute_query(
            SQL(
                """
                DELETE FROM credit_followup_log l
                 USING credit_followup_step s, res_partner p
                 WHERE l.state = 'to_approve' AND l.company_id = %(company)s
                   AND l.partner_id = ANY(%(ids)s) AND s.id = l.step_id AND p.id = l.partner_id
                   AND s.profile_id IS DISTINCT FROM (p.credit_followup_profile_id->>%(key)s)::int
                """,
                company=company.id,
                key=str(company.id),
                ids=list(partner_ids),
            )
        )
        self.env.execute_query(
            SQL(
                """
                WITH furthest AS (
                    SELECT DISTINCT ON (l.move_id) l.move_id, l.step_id
                      FROM credit_followup_log l
                      JOIN credit_followup_step s ON s.id = l.step_id
                     WHERE l.company_id = %(company)s AND l.partner_id = ANY(%(ids)s)
                       AND l.state IN ('done', 'failed', 'skipped')
                     ORDER BY l.move_id, s.offset_days DESC, s.sequence DESC, s.id DESC
                )
                UPDATE account_move m
                   SET credit_followup_step_id = COALESCE(f.step_id, m.credit_followup_step_id),
                       credit_followup_planned = FALSE
                  FROM account_move m2
                  LEFT JOIN furthest f ON f.move_id = m2.id
                 WHERE m.id = m2.id
                   AND m2.company_id = %(company)s AND m2.commercial_partner_id = ANY(%(ids)s)
                   AND m2.move_type = 'out_invoice' AND m2.state = 'posted'
                   AND m2.payment_state IN ('not_paid', 'partial')
                """,
                company=company.id,
                ids=list(partner_ids),
            )
        )
        self.env["account.move"].invalidate_model(["credit_followup_step_id", "credit_followup_planned"])
        self.env["credit.followup.log"].invalidate_model()

    def _post_moves(self, company, moves, profile_changes):
        """One chatter line per debtor that moved, with the segment (and profile) as tracked values.

        Plain SQL on purpose: a re-segmentation moves thousands of debtors at once and these are notes
        without recipients (no notification, no mail); through the ORM every message is sanitized and
        defaulted one by one (about 5 ms each). Two statements write all lines and their tracked values.
        """
        Field = self.env["ir.model.fields"]
        seg_field = Field._get("res.partner", "credit_segment_id")
        profile_field = Field._get("res.partner", "credit_followup_profile_id")
        segment_names = {
            s.id: s.display_name for s in self.with_context(active_test=False).browse({*self._segment_ids(moves)})
        }
        profile_ids = {pid for change in profile_changes.values() for pid in change if pid}
        profile_names = {p.id: p.display_name for p in self.env["credit.followup.profile"].sudo().browse(profile_ids)}
        subtype = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        author = self.env.ref("base.partner_root")
        email_from = company.email_formatted or company.name
        partner_ids = list(moves)
        names = dict(
            self.env.execute_query(SQL("SELECT id, complete_name FROM res_partner WHERE id = ANY(%s)", partner_ids))
        )
        body = Markup("<p>%s</p>") % self.env._("Segment assigned automatically (%(company)s).", company=company.name)
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message (model, res_id, record_name, body, message_type, subtype_id, author_id,
                                          email_from, reply_to, message_id, is_internal, date, record_company_id,
                                          create_uid, create_date, write_uid, write_date)
                SELECT 'res.partner', v.res_id, v.name, %(body)s, 'notification', %(subtype)s, %(author)s,
                       %(email_from)s, %(email_from)s, v.message_id, FALSE, %(now)s, %(company)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(ids)s::int[], %(names)s::varchar[], %(message_ids)s::varchar[])
                       AS v(res_id, name, message_id)
                RETURNING id, res_id
                """,
                body=str(body),
                company=company.id,  # the line concerns this company's segment (shared debtors)
                subtype=subtype,
                author=author.id,
                email_from=email_from,
                now=fields.Datetime.now(),
                uid=self.env.uid,
                ids=partner_ids,
                names=[names.get(pid) or "" for pid in partner_ids],
                message_ids=[generate_tracking_message_id(f"{pid}-res.partner") for pid in partner_ids],
            )
        )
        tracking = []
        for message_id, partner_id in rows:
            old, new = moves[partner_id]
            tracking.append((message_id, seg_field.id, old, new, segment_names))
            if partner_id in profile_changes:
                old_profile, new_profile = profile_changes[partner_id]
                tracking.append((message_id, profile_field.id, old_profile, new_profile, profile_names))
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_tracking_value (mail_message_id, field_id, old_value_integer, old_value_char,
                                                 new_value_integer, new_value_char,
                                                 create_uid, create_date, write_uid, write_date)
                SELECT v.message, v.field, v.old_id, v.old_name, v.new_id, v.new_name,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(messages)s::int[], %(fields)s::int[], %(old_ids)s::int[], %(old_names)s::varchar[],
                              %(new_ids)s::int[], %(new_names)s::varchar[])
                       AS v(message, field, old_id, old_name, new_id, new_name)
                """,
                uid=self.env.uid,
                now=fields.Datetime.now(),
                messages=[t[0] for t in tracking],
                fields=[t[1] for t in tracking],
                old_ids=[t[2] or 0 for t in tracking],
                old_names=[t[4].get(t[2], "") if t[2] else "" for t in tracking],
                new_ids=[t[3] or 0 for t in tracking],
                new_names=[t[4].get(t[3], "") if t[3] else "" for t in tracking],
            )
        )
        self.env["res.partner"].browse(partner_ids).invalidate_recordset(["message_ids"])

    @staticmethod
    def _segment_ids(moves):
        return {sid for change in moves.values() for sid in change if sid}

    # ------------------------------------------------------------------ triggers
    @api.model
    def _credit_refresh(self, partners):
        """Rescore and re-segment ``partners`` (their commercial partners) in every company with segments.

        Called by system events (an invoice posted or paid, a debtor's relevant fields changed): it runs
        with elevated rights by design, the user who posted an invoice needs no segmentation rights.
        """
        partners = partners.commercial_partner_id
        if not partners or self.env.context.get("credit_segmentation_skip"):
            return {}
        companies = self.env["res.company"].sudo().search([])
        self_sudo = self.sudo()  # see docstring: system bookkeeping on behalf of the posting user
        self_sudo.env["res.partner"]._credit_rescore(companies, partners)
        segmented = self_sudo.search([]).company_id
        return self_sudo.assign(partners=partners, companies=segmented) if segmented else {}

    @api.model
    def _cron_resegment(self):
        """Nightly: rescore every debtor, then re-segment, company by company."""
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        companies = self.env["res.company"].search([])
        for company in companies:
            self.env["res.partner"]._credit_rescore(company)
            if self.search_count([("company_id", "=", company.id)]):
                self.with_company(company).assign(companies=company)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # company boundary

    # ------------------------------------------------------------------ buttons
    def action_view_debtors(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_segmentation.action_credit_segment_debtors")
        action["domain"] = [("id", "in", self._partner_ids_in(self.company_id, self.ids))]
        action["context"] = {"allowed_company_ids": [self.company_id.id], "create": False}
        action["name"] = self.env._("Debtors of %(segment)s", segment=self.display_name)
        return action

    def action_simulate(self):
        self.ensure_one()
        return self.env["credit.segment.assign"].action_open(segment=self)

    @api.model
    def action_resegment(self):
        return self.env["credit.segment.assign"].action_open()
