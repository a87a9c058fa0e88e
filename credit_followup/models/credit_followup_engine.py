"""The follow-up engine: decides each open invoice's step and executes it, per debtor, in batches.

Public entry point: ``env["credit.followup.engine"].run(companies=None, date=None)``.

A run works per company on commercial partners (debtors) in batches of ``BATCH_SIZE``:

1. one SQL query finds the debtors with an invoice whose next step is due (or not planned yet);
2. a batch locks its debtors (``FOR UPDATE SKIP LOCKED``) so two workers never take the same one;
3. ``_plan`` decides, for every open invoice of the batch, which step to execute, in a fixed
   number of queries (the preview uses the same code path and stops there);
4. ``_execute_plan`` sends at most one message per channel per debtor (the highest step's
   template, listing every invoice concerned), writes one ``credit.followup.log`` row per invoice
   and step, the chatter messages and the invoices' next step — all in the batch's transaction;
5. the batch commits (outside tests), and a run past its time budget hands the rest to the
   next cron call.
"""

import logging
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, config, split_every

from ..tools.followup_plan import Action, Decision, Plan

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200


class CreditFollowupEngine(models.AbstractModel):
    _name = "credit.followup.engine"
    _description = "Follow-up engine"

    # ------------------------------------------------------------------ entry points
    @api.model
    def run(self, companies=None, date=None, partners=None, trigger="manual", time_budget=None):
        """Run follow-up for ``companies`` (default: the user's) on ``date`` (default: today).

        :param partners: limit the run to these debtors (the "process this partner" button)
        :param time_budget: seconds; past it no new batch starts and the summary's ``remaining``
            says how many debtors are left for the next call
        :return: summary dict: partners, invoices, actions per channel, skipped per reason,
            failed, remaining, run ids
        """
        self._check_credit_manager()
        date = fields.Date.to_date(date)
        companies = companies if companies is not None else self.env.companies
        summary = {
            "date": str(date or companies[:1]._credit_today()),
            "partners": 0,
            "invoices": 0,
            "actions": Counter(),
            "skipped": Counter(),
            "failed": 0,
            "to_approve": 0,
            "remaining": 0,
            "handled": 0,
            "run_ids": [],
        }
        deadline = time.monotonic() + time_budget if time_budget else None
        timing = Counter()  # seconds spent per channel, for the run record and benchmarks
        for company in companies:
            self.with_company(company).with_context(credit_timing=timing)._run_company(
                company, date or company._credit_today(), partners, trigger, summary, deadline
            )
        summary["seconds_per_channel"] = dict(timing)
        summary["actions"] = dict(summary["actions"])
        summary["skipped"] = dict(summary["skipped"])
        return summary

    @api.model
    def _cron_run(self):
        """Daily cron: every company, within a time budget; a backlog re-triggers the cron (ir.cron progress)."""
        summary = self.run(
            companies=self.env["res.company"].search([]), trigger="cron", time_budget=self._cron_time_budget()
        )
        # done counts the debtors this call dealt with, also those another worker took: with done = 0 and
        # remaining > 0, Odoo would take the job for one that does not report progress and stop for the day
        self.env["ir.cron"]._notify_progress(done=summary["handled"], remaining=summary["remaining"])
        return summary

    @api.model
    def _cron_time_budget(self):
        """Seconds a cron call may work before it hands over: below the server's real-time limit for cron
        workers (``limit_time_real_cron``, else ``limit_time_real``) with a margin for the last batch and
        the commit, and never more than ``credit_followup.cron_time_budget`` (600 s by default)."""
        configured = int(
            self.env["ir.config_parameter"].sudo().get_param("credit_followup.cron_time_budget", 0) or 0
        )  # a technical setting
        budget = configured if configured > 0 else 600
        limit = config.get("limit_time_real_cron", -1)
        if limit is None or limit < 0:
            limit = config.get("limit_time_real") or 0
        if limit and limit > 0:
            margin = max(limit * 0.25, min(30, limit * 0.5))
            budget = min(budget, limit - margin)
        return max(budget, 0.001)

    @api.model
    def preview(self, companies=None, date=None, partners=None, profiles=None):
        """What a run on ``date`` would do, without writing anything: one dict per invoice (credit managers only:
        it lists every debtor's invoices, amounts and the contacts reminded)."""
        self._check_credit_manager()
        date = fields.Date.to_date(date)
        companies = companies if companies is not None else self.env.companies
        lines = []
        for company in companies:
            engine = self.with_company(company)
            company_date = date or company._credit_today()
            # a run first resumes the pauses that ended: the preview plans those invoices as resumed
            resumed = engine.env["account.move"]._credit_expired_pauses(company_date, company)
            partner_ids = engine._candidate_partner_ids(company, company_date, partners, resumed=resumed)
            for batch in split_every(BATCH_SIZE, partner_ids):
                partners_batch = engine.env["res.partner"].browse(batch)
                plan = engine._plan(company, partners_batch, company_date, resumed=resumed)
                if profiles:  # the debtor's profile, also for invoices whose last step was the final one
                    plan.decisions = [
                        d for d in plan.decisions if plan.profiles.get(d.move.commercial_partner_id) in profiles
                    ]
                lines += engine._preview_lines(plan)
        return lines

    def _check_credit_manager(self):
        if not self.env.su and not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise AccessError(self.env._("Only credit managers can run follow-up."))

    # ------------------------------------------------------------------ one company
    def _run_company(self, company, date, partners, trigger, summary, deadline):
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        started = time.monotonic()
        self.env["account.move"]._credit_resume_expired_pauses(date, company)
        self.env["credit.followup.log"]._book_claimable_costs(company, date)
        Run = self.env["credit.followup.run"].sudo()  # the run record is bookkeeping, not a user action
        run = Run.create({"date": date, "company_id": company.id, "trigger": trigger, "user_id": self.env.uid})
        summary["run_ids"].append(run.id)
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit  # the run is visible while it works
        partner_ids = self._candidate_partner_ids(company, date, partners)
        counts = Counter()
        done = 0
        for batch in split_every(BATCH_SIZE, partner_ids):
            if deadline and time.monotonic() > deadline and summary["handled"] + done:
                break  # hand over to the next call, after at least one batch so that every call progresses
            try:
                with self.env.cr.savepoint():
                    locked = self._lock_partners(batch)
                    stats = self._process_batch(company, locked, date, run)
            except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
                # another worker processed (part of) this batch since our snapshot: leave it to them
                _logger.info("credit follow-up: batch of %s debtors taken by another worker", len(batch))
                self.env.invalidate_all()
                stats = Counter(concurrent=len(batch))
            counts.update(stats)
            done += len(batch)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit  # batch boundary: crash-safe, short locks
        remaining = len(partner_ids) - done
        run.write(
            {
                "state": "partial" if remaining else "done",
                "duration": time.monotonic() - started,
                "partner_count": counts["partners"],
                "invoice_count": counts["invoices"],
                "email_count": counts["action_email"],
                "letter_count": counts["action_letter"],
                "sms_count": counts["action_sms"],
                "activity_count": counts["action_phone"] + counts["action_task"],
                "approval_count": counts["to_approve"],
                "failed_count": counts["failed"],
                "skipped_count": sum(v for k, v in counts.items() if k.startswith("skip_")),
                "summary": {
                    "actions": {k[7:]: v for k, v in counts.items() if k.startswith("action_")},
                    "skipped": {k[5:]: v for k, v in counts.items() if k.startswith("skip_")},
                    "remaining": remaining,
                },
            }
        )
        summary["partners"] += counts["partners"]
        summary["invoices"] += counts["invoices"]
        summary["failed"] += counts["failed"]
        summary["to_approve"] += counts["to_approve"]
        summary["remaining"] += remaining
        summary["handled"] += done
        for key, value in counts.items():
            if key.startswith("action_"):
                summary["actions"][key[7:]] += value
            elif key.startswith("skip_"):
                summary["skipped"][key[5:]] += value
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit  # the run's figures

    def _candidate_partner_ids(self, company, date, partners=None, resumed=None):
        """Debtors with an open, active invoice whose next step is due or not yet planned — not archived
        debtors, nor debtors set to "do not chase"."""
        self.env.flush_all()  # the query below reads invoices the ORM may still hold in cache
        query = SQL(
            """
            SELECT DISTINCT m.commercial_partner_id
              FROM account_move m
              JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE m.company_id = %(company)s
               AND NOT %(not_chased)s
               AND m.move_type = 'out_invoice'
               AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial')
               AND (%(resumed)s OR (m.credit_followup_state = 'active'
                    AND (m.credit_followup_planned IS NOT TRUE OR m.credit_followup_next_date <= %(date)s)))
               %(partner_filter)s
             ORDER BY m.commercial_partner_id
            """,
            company=company.id,
            date=date,
            not_chased=self.env["res.partner"]._credit_not_chased_sql("p", date),
            resumed=SQL("m.id IN %s", tuple(resumed.ids)) if resumed else SQL("FALSE"),
            partner_filter=SQL("AND m.commercial_partner_id IN %s", tuple(partners.commercial_partner_id.ids))
            if partners
            else SQL(""),
        )
        return [row[0] for row in self.env.execute_query(query)]

    def _lock_partners(self, partner_ids):
        """Row-lock the batch's debtors; those another worker holds are skipped."""
        rows = self.env.execute_query(
            SQL("SELECT id FROM res_partner WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED", tuple(partner_ids))
        )
        return self.env["res.partner"].browse([row[0] for row in rows])

    def _process_batch(self, company, partners, date, run):
        if not partners:
            return Counter()
        plan = self._plan(company, partners, date)
        stats = self._execute_plan(plan, run)
        # touching the debtors makes a worker with an older snapshot fail to lock them (see _run_company)
        self.env.execute_query(
            SQL(
                "UPDATE res_partner SET credit_followup_last_run = %s WHERE id IN %s",
                fields.Datetime.now(),
                tuple(partners.ids),
            )
        )
        partners.invalidate_recordset(["credit_followup_last_run"])
        return stats

    # ------------------------------------------------------------------ deciding
    def _plan(self, company, partners, date, resumed=None):
        """Decide every open active invoice of ``partners`` in ``company`` on ``date``.

        :param resumed: paused invoices to plan as if resumed (the preview of a run that resumes them first)
        """
        Move = self.env["account.move"]
        resumed = resumed or Move
        resumed_ids = set(resumed.ids)
        state_domain = [("credit_followup_state", "=", "active")]
        if resumed:
            state_domain = ["|", ("credit_followup_state", "=", "active"), ("id", "in", resumed.ids)]
        moves = Move.search_fetch(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "in", partners.ids),
                *Move._credit_open_invoice_domain(),
                *state_domain,
            ],
            [
                "name",
                "commercial_partner_id",
                "partner_id",
                "invoice_date_due",
                "amount_residual",
                "amount_residual_signed",
                "currency_id",
                "credit_followup_step_id",
                "credit_followup_date",
                "credit_followup_next_step_id",
                "credit_followup_next_date",
                "credit_followup_planned",
                "invoice_user_id",
                "company_id",
            ],
            order="invoice_date_due, id",
        )
        partners = moves.commercial_partner_id
        profiles = self._profiles_by_partner(company, partners)
        all_profiles = self.env["credit.followup.profile"].union(*profiles.values())
        steps_by_profile = {
            profile: profile.step_ids.sorted(lambda s: (s.offset_days, s.sequence, s.id)) for profile in all_profiles
        }
        waiting = self._waiting_for_approval(moves)
        net = self._net_figures(company, partners, date)

        decisions = []
        for move in moves:
            if move in waiting:
                decisions.append(
                    Decision(
                        move,
                        move.credit_followup_step_id.browse(),
                        move.credit_followup_next_step_id,
                        False,
                        "approval",
                    )
                )
                continue
            if (
                move.credit_followup_planned
                and move.id not in resumed_ids
                and move.credit_followup_next_date
                and move.credit_followup_next_date > date
            ):
                continue  # planned for later and nothing changed: not part of this run
            profile = profiles.get(move.commercial_partner_id)
            if not profile:
                decisions.append(
                    Decision(
                        move,
                        move.credit_followup_step_id.browse(),
                        move.credit_followup_step_id.browse(),
                        False,
                        "no_profile",
                    )
                )
                continue
            figures = net.get((move.commercial_partner_id.id, move.currency_id.id), {})
            decisions.append(self._decide(move, steps_by_profile[profile], date, figures.get("overdue", 0.0)))
        decisions = self._net_out(decisions, net, date)
        return Plan(company=company, date=date, moves=moves, decisions=decisions, profiles=profiles)

    def _net_figures(self, company, partners, date):
        """{(debtor id, currency id): {"credits": open credits in that currency (≤ 0), "overdue": net overdue in
        the company's currency}} for a batch of debtors, in one query.

        Credits are every open credit note, unreconciled payment and other receivable credit; the net overdue
        figure is the overdue amount of the debtor's invoices (and other receivable debits) that are followed up,
        minus those credits. Plain SQL: a grouped sum over receivable lines, which the ORM cannot express
        with the join to the debtor's commercial partner.
        """
        if not partners:
            return {}
        rows = self.env.execute_query(
            SQL(
                """
            SELECT p.commercial_partner_id, l.currency_id,
                   COALESCE(SUM(l.amount_residual_currency) FILTER (WHERE l.amount_residual_currency < 0), 0),
                   COALESCE(SUM(l.amount_residual) FILTER (
                       WHERE l.amount_residual < 0
                          OR (l.date_maturity < %(date)s
                              AND COALESCE(m.credit_followup_state, 'active') = 'active')), 0)
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
              JOIN account_move m ON m.id = l.move_id
             WHERE l.company_id = %(company)s
               AND l.parent_state = 'posted'
               AND NOT l.reconciled
               AND l.amount_residual_currency != 0
               AND p.commercial_partner_id IN %(partners)s
             GROUP BY p.commercial_partner_id, l.currency_id
            """,
                date=date,
                company=company.id,
                partners=tuple(partners.ids),
            )
        )
        return {(pid, cid): {"credits": credits, "overdue": overdue} for pid, cid, credits, overdue in rows}

    def _net_out(self, decisions, net, date):
        """A debtor whose open credits in a currency cover the invoices a step would remind them of is not
        reminded for that currency: those invoices are skipped (reason ``credited``) and looked at again
        tomorrow."""
        Step = self.env["credit.followup.step"]
        groups = defaultdict(list)
        for decision in decisions:
            if decision.reason in ("execute", "approval") and decision.step:
                move = decision.move
                groups[(move.commercial_partner_id.id, move.currency_id.id)].append(decision)
        covered = set()
        for key, group in groups.items():
            credits = net.get(key, {}).get("credits", 0.0)
            currency = group[0].move.currency_id
            if credits and currency.compare_amounts(sum(d.move.amount_residual for d in group) + credits, 0) <= 0:
                covered.update(id(d) for d in group)
        if not covered:
            return decisions
        return [
            Decision(d.move, Step, d.step, date + timedelta(days=1), "credited") if id(d) in covered else d
            for d in decisions
        ]

    @api.model
    def _decide(self, move, steps, date, overdue_total):
        """The step rules, for one invoice. ``steps`` is the profile's steps in order. ``overdue_total`` is the
        debtor's net overdue amount in the invoice's currency (in the company's currency), for the minimum
        amount rule."""
        Step = self.env["credit.followup.step"]
        last = move.credit_followup_step_id
        last_date = move.credit_followup_date
        if last and last in steps:
            candidates = steps[list(steps).index(last) + 1 :]
        elif last:  # profile changed since: continue after the same offset
            candidates = steps.filtered(lambda s: s.offset_days > last.offset_days)
        else:
            candidates = steps
        if not candidates:
            return Decision(move, Step, Step, False, "final")
        due = move.invoice_date_due or date
        days = (date - due).days
        chosen = Step
        for index, step in enumerate(candidates):
            if step.offset_days > days:
                break
            later_due = any(later.offset_days <= days for later in candidates[index + 1 :])
            if step.optional and later_due:
                continue  # an optional step is skipped once a later one is due
            chosen = step
            break
        if not chosen:
            upcoming = candidates.filtered(lambda s: s.offset_days > days)[:1]
            if not upcoming:  # only skipped optional steps were left
                return Decision(move, Step, Step, False, "final")
            next_date = due + timedelta(days=upcoming.offset_days)
            if last_date:
                next_date = max(next_date, last_date + timedelta(days=max(upcoming.min_days_after_previous, 1)))
            return Decision(move, Step, upcoming, next_date, "not_due")
        if last_date and date < last_date + timedelta(days=chosen.min_days_after_previous):
            return Decision(move, Step, chosen, last_date + timedelta(days=chosen.min_days_after_previous), "min_days")
        if chosen.min_amount and overdue_total < chosen.min_amount:
            return Decision(move, Step, chosen, date + timedelta(days=1), "min_amount")
        following = candidates[list(candidates).index(chosen) + 1 :][:1]
        next_date = False
        if following:
            next_date = max(
                due + timedelta(days=following.offset_days),
                date + timedelta(days=max(following.min_days_after_previous, 1)),
            )
        return Decision(move, chosen, following, next_date, "approval" if chosen.needs_approval else "execute")

    def _profiles_by_partner(self, company, partners):
        """{commercial partner: profile} — the partner's own profile of that company, else the default."""
        default = self.env["credit.followup.profile"]._default_profile(company)
        result = {}
        for partner in partners.with_company(company):
            profile = partner.credit_followup_profile_id
            if profile and profile.company_id != company:
                profile = profile.browse()
            result[partner.with_company(self.env.company)] = profile or default
        return {partner: profile for partner, profile in result.items() if profile}

    def _waiting_for_approval(self, moves):
        logs = self.env["credit.followup.log"].search_fetch(
            [("move_id", "in", moves.ids), ("state", "=", "to_approve")], ["move_id"]
        )
        return set(logs.move_id)

    def _recipients(self, partners):
        """{commercial partner: contact} — the invoice-address contact, else the commercial partner."""
        contacts = self.env["res.partner"].search_fetch(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice")],
            ["parent_id", "email", "mobile", "phone", "lang", "name", "street", "city", "zip"],
            order="id",
        )
        result = {partner: partner for partner in partners}
        for contact in contacts[::-1]:
            result[contact.parent_id] = contact
        return result

    def _skip_next_step(self, partner, company):
        """Skip the next step of a debtor's invoices: recorded, nobody contacted, the step after it is planned."""
        self._check_credit_manager()
        date = company._credit_today()
        waiting = self.env["credit.followup.log"].search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "to_approve"),
            ]
        )
        waiting.sudo().write({"state": "skipped", "date": date})  # the step waiting for approval is the one skipped
        moves = self.env["account.move"].search(
            partner._credit_open_invoice_domain()
            + [
                ("company_id", "=", company.id),
                ("credit_followup_state", "=", "active"),
                ("credit_followup_next_step_id", "!=", False),
            ]
        )
        self._create_logs(
            [  # the skip is part of the invoices' follow-up record
                {
                    "move_id": move.id,
                    "partner_id": partner.commercial_partner_id.id,
                    "company_id": company.id,
                    "step_id": move.credit_followup_next_step_id.id,
                    "channel": move.credit_followup_next_step_id.channel,
                    "date": date,
                    "state": "skipped",
                    "amount_residual": move.amount_residual,
                    "currency_id": move.currency_id.id,
                }
                for move in moves
                if not move.credit_followup_log_ids.filtered(
                    lambda log, m=move: log.step_id == m.credit_followup_next_step_id
                )
            ]
        )
        for move in moves:
            move.sudo().write(
                {  # engine bookkeeping: the skipped step counts as the last one
                    "credit_followup_step_id": move.credit_followup_next_step_id.id,
                    "credit_followup_date": date,
                    "credit_followup_planned": False,
                }
            )
            move.message_post(
                body=self.env._(
                    "Follow-up step “%(step)s” skipped by %(user)s.",
                    step=move.credit_followup_step_id.name,
                    user=self.env.user.name,
                ),
                subtype_xmlid="credit_followup.mt_credit_state",
            )
        return moves

    # ------------------------------------------------------------------ executing
    def _execute_plan(self, plan, run):
        stats = Counter()
        date = plan.date
        decisions = plan.decisions
        stats["partners"] = len({d.move.commercial_partner_id for d in decisions})
        to_execute = [d for d in decisions if d.reason in ("execute", "approval") and d.step]
        stats["invoices"] = len(to_execute)
        for decision in decisions:
            if decision.reason not in ("execute", "approval"):
                stats["skip_" + decision.reason] += 1

        recipients = self._recipients(
            self.env["res.partner"].union(*(d.move.commercial_partner_id for d in to_execute))
        )
        groups = defaultdict(list)
        approvals = []
        for decision in to_execute:
            if decision.step.needs_approval:
                approvals.append(decision)
            else:
                groups[(decision.move.commercial_partner_id, decision.step.channel)].append(
                    (decision.move, decision.step)
                )
        actions = [
            Action(partner=partner, channel=channel, recipient=recipients[partner], items=items)
            for (partner, channel), items in groups.items()
        ]
        self._execute_actions(actions, date, plan.company)
        log_vals = []
        for action in actions:
            stats["action_" + action.channel] += 0 if action.result.get("state") == "failed" else 1
            stats["failed"] += action.result.get("state") == "failed"
            log_vals += self._log_vals(action, date, run)
        for decision in approvals:
            stats["to_approve"] += 1
            log_vals.append(
                {
                    "move_id": decision.move.id,
                    "partner_id": decision.move.commercial_partner_id.id,
                    "company_id": decision.move.company_id.id,
                    "step_id": decision.step.id,
                    "channel": decision.step.channel,
                    "date": date,
                    "state": "to_approve",
                    "run_id": run.id,
                    "recipient_id": recipients[decision.move.commercial_partner_id].id,
                    "amount_residual": decision.move.amount_residual,
                    "currency_id": decision.move.currency_id.id,
                }
            )
        log_vals += self._skip_log_vals([d for d in decisions if d.reason == "credited"], date, run)
        self._clear_skips(log_vals)
        self._create_logs(log_vals)
        self._write_plan(decisions, date)
        return stats

    def _skip_log_vals(self, decisions, date, run):
        """A "skipped" log row per invoice and step whose reminder the debtor's credits cover (once)."""
        if not decisions:
            return []
        logged = {
            (log.move_id.id, log.step_id.id)
            for log in self.env["credit.followup.log"].search_fetch(
                [("move_id", "in", [d.move.id for d in decisions]), ("state", "=", "skipped")], ["move_id", "step_id"]
            )
        }
        reason = self.env._("open credit notes and payments cover the amount to remind of")
        return [
            {
                "move_id": d.move.id,
                "partner_id": d.move.commercial_partner_id.id,
                "company_id": d.move.company_id.id,
                "step_id": d.next_step.id,
                "channel": d.next_step.channel,
                "date": date,
                "state": "skipped",
                "run_id": run.id if run else False,
                "amount_residual": d.move.amount_residual,
                "currency_id": d.move.currency_id.id,
                "failure_reason": reason,
            }
            for d in decisions
            if (d.move.id, d.next_step.id) not in logged
        ]

    def _clear_skips(self, log_vals):
        """A step skipped because credits covered it may run later: its "skipped" row gives way to the new one."""
        keys = [
            SQL("(%s, %s, %s)", vals["move_id"], vals["step_id"], vals["channel"])
            for vals in log_vals
            if vals["state"] != "skipped"
        ]
        if keys:
            self.env.execute_query(
                SQL(
                    "DELETE FROM credit_followup_log WHERE state = 'skipped' AND failure_reason IS NOT NULL "
                    "AND (move_id, step_id, channel) IN (%s)",
                    SQL(", ").join(keys),
                )
            )

    def _create_logs(self, vals_list):
        """Write ``credit.followup.log`` rows: every row the engine writes (steps, approvals, skips, credited
        invoices, fallbacks) passes here."""
        return self.env["credit.followup.log"].sudo().create(vals_list)  # the log is written by the engine only

    def _log_vals(self, action, date, run):
        result = action.result
        return [
            {
                "move_id": move.id,
                "partner_id": action.partner.id,
                "company_id": move.company_id.id,
                "step_id": step.id,
                "channel": action.channel,
                "date": date,
                "state": result.get("state", "done"),
                "run_id": run.id if run else False,
                "recipient_id": action.recipient.id,
                "amount_residual": move.amount_residual,
                "currency_id": move.currency_id.id,
                "mail_message_id": result.get("message_id_rec"),
                "mail_id": result.get("mail_id"),
                "message_id": result.get("message_id"),
                "activity_id": result.get("activity_id"),
                "attachment_id": result.get("attachment_id"),
                "failure_reason": result.get("failure_reason"),
                "is_fallback": action.is_fallback,
                "notice_deadline": move.company_id._credit_notice_deadline(date, action.channel)
                if step.formal_notice and action.channel in ("letter", "email")
                else False,
            }
            for move, step in action.items
        ]

    def _write_plan(self, decisions, date):
        """Store each invoice's last and next step, all invoices of the batch in one UPDATE.

        Plain SQL on purpose: these are the engine's own bookkeeping columns, and an ORM write on
        posted invoices re-checks their lines (a query per invoice).
        """
        rows = []
        for decision in decisions:
            if decision.reason == "no_profile":
                continue
            executed = decision.reason == "execute"
            next_step = decision.next_step
            next_date = decision.next_date or None
            if decision.reason == "approval":  # waits: the step to approve stays the next one
                next_step, next_date = decision.step or decision.next_step, None
            rows.append(
                SQL(
                    "(%s::int, %s::int, %s::date, %s::int, %s::date)",
                    decision.move.id,
                    decision.step.id if executed else None,
                    date if executed else None,
                    next_step.id or None,
                    next_date,
                )
            )
        if not rows:
            return
        self.env.execute_query(
            SQL(
                """
            UPDATE account_move m
               SET credit_followup_step_id = COALESCE(v.step_id, m.credit_followup_step_id),
                   credit_followup_date = COALESCE(v.done_date, m.credit_followup_date),
                   credit_followup_next_step_id = v.next_step_id,
                   credit_followup_next_date = v.next_date,
                   credit_followup_planned = TRUE
              FROM (VALUES %s) AS v(id, step_id, done_date, next_step_id, next_date)
             WHERE m.id = v.id
            """,
                SQL(", ").join(rows),
            )
        )
        self.env["account.move"].browse([d.move.id for d in decisions]).invalidate_recordset(
            [
                "credit_followup_step_id",
                "credit_followup_date",
                "credit_followup_next_step_id",
                "credit_followup_next_date",
                "credit_followup_planned",
            ]
        )

    def _execute_actions(self, actions, date, company):
        """Run each action on its channel; failed ones go to the step's fallback channel."""
        by_channel = defaultdict(list)
        for action in actions:
            by_channel[action.channel].append(action)
        timing = self.env.context.get("credit_timing")
        for channel, channel_actions in by_channel.items():
            executor = getattr(self, f"_credit_execute_{channel}", None)
            if executor is None:
                for action in channel_actions:
                    action.result = {"state": "failed", "failure_reason": self.env._("Unknown channel %s", channel)}
                continue
            started = time.perf_counter()
            executor(channel_actions, date, company)
            if timing is not None:
                timing[channel] += time.perf_counter() - started
        failed = [a for a in actions if a.result.get("state") == "failed"]
        if failed:
            self._handle_failures(failed, date, company)

    def _handle_failures(self, failed, date, company):
        """Post each failure; a failed primary action goes to its step's fallback channel once, a failed fallback
        ends the chain. The debtor's responsible gets one "fix the contact data" activity (not one per failure)."""
        fallbacks = []
        for action in failed:
            fallback = action.step.fallback_channel
            if action.is_fallback or not fallback or fallback == action.channel:
                continue  # the chain ends here
            done = self.env["credit.followup.log"].search_count(
                [("move_id", "in", action.moves.ids), ("channel", "=", fallback), ("step_id", "in", action.step.ids)]
            )
            if not done:
                fallbacks.append(Action(action.partner, fallback, action.recipient, action.items, is_fallback=True))
        self._post_failure_messages(failed, date)
        if fallbacks:
            self._execute_actions(fallbacks, date, company)
            for action in fallbacks:
                action.result.setdefault("state", "done")
            # the caller only logs the primary actions: log the fallback ones here
            self._create_logs([vals for action in fallbacks for vals in self._log_vals(action, date, False)])

    def _post_failure_messages(self, failed, date):
        """Chatter lines for each failed action; one open "fix the contact data" activity per debtor."""
        vals_list = []
        activity_vals = []
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model_id = self.env["ir.model"]._get_id("res.partner")
        partners = self.env["res.partner"].union(*(action.partner for action in failed))
        has_activity = set(
            self.env["mail.activity"]
            .sudo()  # whoever got it, one open request per debtor is enough
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids), ("credit_fix_contact", "=", True)]
            )
            .mapped("res_id")
        )
        for action in failed:
            company = action.moves.company_id[:1]
            body = Markup("<p>%s</p>") % self.env._(
                "Follow-up step %(step)s could not be sent by %(channel)s to %(recipient)s: %(reason)s. "
                "Invoices: %(invoices)s",
                step=action.step.name,
                channel=action.channel,
                recipient=action.recipient.display_name,
                reason=action.result.get("failure_reason") or self.env._("unknown error"),
                invoices=", ".join(action.moves.mapped("name")),
            )
            vals_list.append(self._message_vals(action.partner, body, "credit_followup.mt_credit_failed", company))
            vals_list += self._invoice_message_vals(action, body, "credit_followup.mt_credit_failed", company)
            responsible = action.partner.with_company(company).credit_followup_responsible_id
            user = action.step._activity_user(action.moves[:1], responsible)
            if activity_type and action.partner.id not in has_activity:
                has_activity.add(action.partner.id)
                activity_vals.append(
                    {
                        "res_model_id": model_id,
                        "res_id": action.partner.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": date,
                        "summary": self.env._("Fix contact data: %(channel)s failed", channel=action.channel),
                        "note": body,
                        "credit_fix_contact": True,
                    }
                )
        self.env["mail.message"].sudo().create(vals_list)  # chatter lines written by the engine
        if activity_vals:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activity_vals)

    # ------------------------------------------------------------------ approval
    def _approve(self, partners, company):
        """Execute the steps waiting for a credit manager's approval for these debtors."""
        self._check_credit_manager()
        date = company._credit_today()
        logs = self.env["credit.followup.log"].search(
            [("partner_id", "in", partners.ids), ("state", "=", "to_approve"), ("company_id", "=", company.id)]
        )
        run = (
            self.env["credit.followup.run"]
            .sudo()
            .create(  # bookkeeping of the approval
                {"date": date, "company_id": company.id, "trigger": "approval", "user_id": self.env.uid}
            )
        )
        groups = {}
        for log in logs:
            groups.setdefault((log.partner_id, log.channel), []).append(log)
        recipients = self._recipients(logs.partner_id)
        actions, action_logs = [], []
        for (partner, channel), group in groups.items():
            actions.append(Action(partner, channel, recipients[partner], [(log.move_id, log.step_id) for log in group]))
            action_logs.append(group)
        self._execute_actions(actions, date, company)
        counts = {}
        for action, group in zip(actions, action_logs, strict=True):
            for log in group:
                values = {
                    k: v
                    for k, v in self._log_vals(action, date, run)[0].items()
                    if k
                    in (
                        "state",
                        "mail_message_id",
                        "mail_id",
                        "message_id",
                        "activity_id",
                        "attachment_id",
                        "failure_reason",
                    )
                }
                log.sudo().write({**values, "date": date, "run_id": run.id})  # engine bookkeeping
            if action.result.get("state") != "failed":
                counts[action.channel] = counts.get(action.channel, 0) + 1
        # the approved steps are now the invoices' last steps; plan what follows
        for log in logs:
            log.move_id.sudo().write(
                {  # engine bookkeeping fields
                    "credit_followup_step_id": log.step_id.id,
                    "credit_followup_date": date,
                    "credit_followup_planned": False,
                }
            )
        run.write({"state": "done", "partner_count": len(logs.partner_id), "invoice_count": len(logs)})
        return {"partners": len(logs.partner_id), "invoices": len(logs), "actions": counts, "skipped": {}}

    def _preview_lines(self, plan):
        recipients = self._recipients(plan.moves.commercial_partner_id)
        channels = dict(self.env["credit.followup.step"]._fields["channel"]._description_selection(self.env))
        lines = []
        for decision in plan.decisions:
            step = decision.step or decision.next_step
            partner = decision.move.commercial_partner_id
            lines.append(
                {
                    "partner_id": partner.id,
                    "move_id": decision.move.id,
                    "step_id": step.id or False,
                    "channel": step.channel or False,
                    "channel_label": channels.get(step.channel, ""),
                    "recipient_id": recipients[partner].id,
                    # "approval": this run asks for approval; "waiting": it was asked before, nothing new
                    "action": "waiting" if decision.reason == "approval" and not decision.step else decision.reason,
                    "next_date": decision.next_date or False,
                    "amount_residual": decision.move.amount_residual,
                }
            )
        return lines
