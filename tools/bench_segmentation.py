#!/usr/bin/env python3
"""Segmentation benchmark (`make bench`; alone: `tools/suite.py bench --only segmentation [--sizes ...]`).

For each size (debtors x invoices, default 5000x50000 and 10000x100000) a company of its own gets, built in
SQL (the ORM would need hours for 100,000 posted invoices):

- debtors: 20% individuals, 10% German-speaking, each with its own payment habit (on time … 90 days late);
- posted customer invoices over the last 15 months, paid (with their payment date) or open — invoice headers
  with amounts and payment state, no journal items: the scoring reads only the invoices;
- one follow-up log row per overdue open invoice, broken promises for 5% of the debtors;
- four segments: foreign language, consumers, risky (score ≥ 40, strict profile), default.

It then times, with SQL query counts:

1. rescoring every debtor (``res.partner._credit_rescore``);
2. the first assignment (``credit.segment.assign()``): every debtor moves, each gets a chatter line;
3. the nightly cron's work for the company (rescore + re-segment, as ``credit.segment._cron_resegment`` does
   per company) after the risky threshold went from 40 to 35 — only the debtors in between move;
4. a simulation of every debtor (``assign(simulate=True)``), which must write nothing.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import make_company, make_profiles


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5000x50000,10000x100000", help="debtors x invoices, comma separated")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each timed step")
    return parser.parse_args()


def build(env, company, n_debtors, n_invoices):
    """Debtors, invoices, follow-up log rows and broken promises of ``company``, in SQL."""
    cr = env.cr
    today = date.today()
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    profile = env["credit.followup.profile"].search([("company_id", "=", company.id), ("is_default", "=", True)])
    step = profile.step_ids.sorted("offset_days")[:1]
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, lang, active, type, email, autopost_bills,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Bench ' || %(company)s || '-' || g, 'Bench ' || %(company)s || '-' || g, g %% 5 != 0,
               CASE WHEN g %% 10 = 3 THEN 'de_DE' ELSE 'nl_NL' END, TRUE, 'contact',
               'bench' || g || '@example.com', 'ask', now(), now(), 1, 1
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"company": company.id, "n": n_debtors},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids])
    # invoice i belongs to debtor i mod n; a debtor's habit: days late when paying (0, 3, 10, 30 or 90)
    cr.execute(
        """
        WITH src AS (
            SELECT g, %(ids)s::int[] AS ids, (g %% %(n)s) + 1 AS k,
                   %(today)s::date - ((g::bigint * 7919) %% 450)::int AS due,
                   20 + (g::bigint * 104729) %% 4980 AS amount
              FROM generate_series(1, %(m)s) g
        ), inv AS (
            SELECT g, ids[k] AS partner_id, due, amount,
                   (ARRAY[0, 3, 10, 30, 90])[1 + (k * 31) %% 5] AS habit
              FROM src
        ), paid AS (
            SELECT *, CASE WHEN due + habit < %(today)s::date THEN due + habit END AS paid_on FROM inv
        )
        INSERT INTO account_move (name, move_type, state, company_id, journal_id, currency_id, partner_id,
                                  commercial_partner_id, date, invoice_date, invoice_date_due, auto_post,
                                  amount_untaxed, amount_total, amount_residual, amount_untaxed_signed,
                                  amount_total_signed, amount_residual_signed, amount_total_in_currency_signed,
                                  payment_state, credit_paid_date, credit_followup_state,
                                  create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || %(company)s || '/' || g, 'out_invoice', 'posted', %(company)s, %(journal)s,
               %(currency)s, partner_id, partner_id, due - 30, due - 30, due, 'no',
               amount, amount, CASE WHEN paid_on IS NULL THEN amount ELSE 0 END, amount,
               amount, CASE WHEN paid_on IS NULL THEN amount ELSE 0 END, amount,
               CASE WHEN paid_on IS NULL THEN 'not_paid' ELSE 'paid' END, paid_on,
               CASE WHEN paid_on IS NULL THEN 'active' ELSE 'done' END, now(), now(), 1, 1
          FROM paid
        """,
        {
            "ids": partner_ids,
            "n": n_debtors,
            "m": n_invoices,
            "today": today,
            "company": company.id,
            "journal": journal.id,
            "currency": company.currency_id.id,
        },
    )
    cr.execute(
        """
        INSERT INTO credit_followup_log (move_id, partner_id, company_id, step_id, channel, date, state,
                                         create_date, write_date, create_uid, write_uid)
        SELECT id, commercial_partner_id, company_id, %(step)s, 'email', invoice_date_due + 7, 'done',
               now(), now(), 1, 1
          FROM account_move
         WHERE company_id = %(company)s AND payment_state = 'not_paid' AND invoice_date_due < %(today)s::date - 7
        """,
        {"step": step.id, "company": company.id, "today": today},
    )
    cr.execute(
        """
        INSERT INTO credit_followup_promise (partner_id, company_id, date, amount, currency_id, state,
                                             create_date, write_date, create_uid, write_uid)
        SELECT id, %(company)s, %(today)s::date - 20, 100, %(currency)s, 'broken', now(), now(), 1, 1
          FROM res_partner WHERE id = ANY(%(ids)s) AND id %% 20 = 0
        """,
        {"company": company.id, "today": today, "currency": company.currency_id.id, "ids": partner_ids},
    )
    env.invalidate_all()


def make_segments(env, company, strict):
    german = env["res.lang"]._activate_lang("de_DE")
    Segment = env["credit.segment"]
    return {
        "foreign": Segment.create(
            {"name": "Foreign", "sequence": 10, "company_id": company.id, "lang_ids": [Command.set(german.ids)]}
        ),
        "consumers": Segment.create(
            {"name": "Consumers", "sequence": 20, "company_id": company.id, "partner_kind": "person"}
        ),
        "risky": Segment.create(
            {"name": "Risky", "sequence": 30, "company_id": company.id, "risk_min": 40, "profile_id": strict.id}
        ),
        "rest": Segment.create({"name": "Rest", "sequence": 99, "company_id": company.id, "is_default": True}),
    }


PROFILE = False


def timed(env, label, func, *args, **kwargs):
    env.invalidate_all()
    env.cr.commit()
    queries = odoo.sql_db.sql_counter
    profiler = cProfile.Profile() if PROFILE else None
    if profiler:
        profiler.enable()
    started = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    queries = odoo.sql_db.sql_counter - queries
    env.cr.commit()
    print(f"[bench]   {label}: {seconds:.2f} s, {queries} queries", flush=True)
    return result, seconds, queries


def nightly(env, company):
    """What the nightly cron does for one company."""
    env["res.partner"]._credit_rescore(company)
    return env["credit.segment"].assign(companies=company)


def bench_size(env, size):
    """One company of ``size`` ("debtors x invoices"): build, then time each step. Returns a table row."""
    n_debtors, n_invoices = (int(x) for x in size.split("x"))
    company = make_company(env, f"Segments {size}")
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    _email, strict = make_profiles(env, company)
    started = time.perf_counter()
    build(env, company, n_debtors, n_invoices)
    env.cr.commit()
    built = time.perf_counter() - started
    print(f"[bench] {size}: data built in SQL in {built:.1f} s", flush=True)
    segments = make_segments(env, company, strict)
    Partner, Segment = env["res.partner"], env["credit.segment"]
    rescore = timed(env, "rescore", Partner._credit_rescore, company)
    first = timed(env, "first assignment", Segment.assign, companies=company)
    names = {seg.id: key for key, seg in segments.items()}
    counts = Counter(names[new] for _old, new in first[0].values())
    print(f"[bench]   debtors per segment: {dict(counts)}", flush=True)
    segments["risky"].risk_min = 35
    cron = timed(env, "nightly rescore + re-segment", nightly, env, company)
    segments["risky"].risk_min = 30
    simulation = timed(env, "simulation", Segment.assign, companies=company, simulate=True)
    ok = bool(simulation[0]) and Segment.assign(companies=company, simulate=True) == simulation[0]
    if not ok:
        print("[bench] FAIL: the simulation wrote something (or found no move)")
    return size, built, rescore, first, cron, simulation, ok


def main():
    global PROFILE
    args = parse_args()
    PROFILE = args.profile
    odoo.tools.config.parse_config(["-c", os.environ["CREDIT_SUITE_CONF"], "--log-level=warn"])
    registry = Registry(os.environ["CREDIT_SUITE_DB"])
    rows = []
    for size in args.sizes.split(","):
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            rows.append(bench_size(env, size))
    print()
    print("| debtors x invoices | data (SQL) | rescore | first assignment (all move) | nightly rescore + re-segment "
          "| simulation |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for size, built, rescore, first, cron, simulation, _ok in rows:
        print(
            f"| {size} | {built:.0f} s | {rescore[1]:.2f} s, {rescore[2]} queries "
            f"| {first[1]:.2f} s, {first[2]} queries, {len(first[0])} moves "
            f"| {cron[1]:.2f} s, {cron[2]} queries, {len(cron[0])} moves "
            f"| {simulation[1]:.2f} s, {simulation[2]} queries, {len(simulation[0])} would move |"
        )
    print(
        "\nrescore: every debtor's figures and score; first assignment: segment, profile and one chatter line per "
        "debtor; nightly: rescore + re-segment after the risky threshold went from 40 to 35; simulation "
        "(threshold 30): nothing written"
    )
    return 0 if all(row[-1] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
