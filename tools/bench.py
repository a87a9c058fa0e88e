#!/usr/bin/env python3
"""Follow-up engine benchmark (`make bench`).

Builds a deterministic data set in a throw-away database — debtors with posted customer
invoices 0–180 days overdue — and times one full engine run (deciding, logging, chatter,
queuing mail; no SMTP), then a second run on the same day, which must do nothing.
Sizes: 1,000 debtors / 5,000 invoices and 2,000 debtors / 10,000 invoices, each with
e-mail steps only, plus a variant where one debtor in five is at a letter step. One debtor in
four also has an open credit note and one in six a payment nobody matched yet (netted in the
reminders; a debtor whose credits cover the reminder is skipped); ``--no-credits`` leaves them out.

Run through `make bench` (tools/suite.py sets CREDIT_SUITE_CONF and CREDIT_SUITE_DB).
"""

import argparse
import cProfile
import logging
import os
import pstats
import random
import re
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

RUN_DATE = date(2026, 6, 1)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000x5000,2000x10000", help="debtors x invoices, comma separated")
    parser.add_argument("--no-letters", action="store_true", help="skip the letter variant")
    parser.add_argument("--no-credits", action="store_true", help="no credit notes and payments in the data set")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    parser.add_argument("--sql-stats", action="store_true", help="print the most frequent queries of a first run")
    return parser.parse_args()


def make_company(env, name):
    eur = env.ref("base.EUR")
    eur.active = True
    company = env["res.company"].create(
        {
            "name": name,
            "currency_id": eur.id,
            "email": "credit@example.com",
            "street": "Damrak 1",
            "city": "Amsterdam",
            "zip": "1012 LG",
        }
    )  # no country: that would install a localisation
    env.user.company_ids = [Command.link(company.id)]
    if not company.chart_template:  # account may already have loaded one when the company was created
        env["account.chart.template"].with_company(company).try_loading("generic_coa", company, install_demo=False)
    env["res.partner.bank"].create(
        {"acc_number": "NL91ABNA0417164300", "partner_id": company.partner_id.id, "allow_out_payment": True}
    )
    return company


def make_profiles(env, company):
    Profile = env["credit.followup.profile"]
    email = Profile.create(
        {
            "name": f"Bench e-mail {company.id}",
            "company_id": company.id,
            "is_default": True,
            "step_ids": [
                Command.create({"name": "Courtesy", "offset_days": -3, "channel": "email", "optional": True}),
                Command.create({"name": "First reminder", "offset_days": 1, "channel": "email"}),
                Command.create({"name": "Second reminder", "offset_days": 14, "channel": "email"}),
                Command.create({"name": "Third reminder", "offset_days": 30, "channel": "email"}),
            ],
        }
    )
    letter = Profile.create(
        {
            "name": f"Bench letter {company.id}",
            "company_id": company.id,
            "step_ids": [Command.create({"name": "Letter", "offset_days": 1, "channel": "letter"})],
        }
    )
    return email, letter


def make_data(env, company, n_debtors, n_invoices, letter_profile, letters, credits=True):
    rng = random.Random(42)
    Partner = env["res.partner"]
    debtors = Partner.create(
        [
            {
                "name": f"Debtor {company.id}-{i:05d}",
                "email": f"debtor{company.id}-{i}@example.com",
                "is_company": True,
                "street": f"Straat {i}",
                "city": "Utrecht",
                "zip": "3511 AA",
                "lang": "en_US",
            }
            for i in range(n_debtors)
        ]
    )
    if letters:
        for index, debtor in enumerate(debtors):
            if index % 5 == 0:
                debtor.with_company(company).credit_followup_profile_id = letter_profile
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    Move = env["account.move"].with_company(company)
    vals = []
    for i in range(n_invoices):
        debtor = debtors[i % n_debtors]
        days = rng.randint(1, 180)
        due = RUN_DATE - timedelta(days=days)
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": debtor.id,
                "journal_id": journal.id,
                "invoice_date": due - timedelta(days=14),
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "quantity": 1, "price_unit": rng.randint(20, 5000), "tax_ids": []}
                    )
                ],
            }
        )
    moves = Move.browse()
    for start in range(0, len(vals), 1000):
        batch = Move.create(vals[start : start + 1000])
        batch.action_post()
        moves |= batch
        env.cr.commit()
    if credits:
        make_credits(env, company, debtors, journal, rng)
    return debtors, moves


def make_credits(env, company, debtors, journal, rng):
    """Open credit notes (one debtor in four; one in forty gets more credit than it owes) and unmatched
    payments (one debtor in six)."""
    Move = env["account.move"].with_company(company)
    refunds = []
    for index, debtor in enumerate(debtors):
        if index % 4 == 0:
            amount = 100000 if index % 40 == 0 else rng.randint(10, 300)
            refunds.append(
                {
                    "move_type": "out_refund",
                    "partner_id": debtor.id,
                    "journal_id": journal.id,
                    "invoice_date": RUN_DATE - timedelta(days=rng.randint(1, 60)),
                    "invoice_line_ids": [
                        Command.create({"name": "Credit", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
    for start in range(0, len(refunds), 1000):
        Move.create(refunds[start : start + 1000]).action_post()
        env.cr.commit()
    bank = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
    payments = (
        env["account.payment"]
        .with_company(company)
        .create(
            [
                {
                    "amount": rng.randint(10, 200),
                    "date": RUN_DATE - timedelta(days=rng.randint(1, 30)),
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": debtor.id,
                    "journal_id": bank.id,
                }
                for index, debtor in enumerate(debtors)
                if index % 6 == 0
            ]
        )
    )
    payments.action_post()
    env.cr.commit()
    print(f"[bench] {len(refunds)} open credit notes, {len(payments)} unmatched payments", flush=True)


class _QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.counts = Counter()

    def emit(self, record):
        text = re.sub(r"\s+", " ", str(record.args[-1] if record.args else record.msg))
        self.counts[re.sub(r"\d+", "N", text)[:160]] += 1


def measure(env, company, label, sql_stats=False, profile=False):
    handler = None
    if sql_stats:
        handler = _QueryCounter()
        logging.getLogger("odoo.sql_db").addHandler(handler)
        logging.getLogger("odoo.sql_db").setLevel(logging.DEBUG)
        logging.getLogger("odoo.sql_db").propagate = False
    env.invalidate_all()
    env.cr.commit()
    queries_before = odoo.sql_db.sql_counter
    started = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    summary = env["credit.followup.engine"].run(companies=company, date=RUN_DATE, trigger="manual")
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    elapsed = time.perf_counter() - started
    queries = odoo.sql_db.sql_counter - queries_before
    env.cr.commit()
    if handler:
        logging.getLogger("odoo.sql_db").removeHandler(handler)
        logging.getLogger("odoo.sql_db").setLevel(logging.WARNING)
        logging.getLogger("odoo.sql_db").propagate = True
        for query, count in handler.counts.most_common(25):
            print(f"{count:6d}  {query}")
    return {"label": label, "seconds": elapsed, "queries": queries, "summary": summary}


def measure_preview(env, company):
    """The preview of the same run (what the credit manager looks at first): time and SQL queries."""
    env.invalidate_all()
    queries_before = odoo.sql_db.sql_counter
    started = time.perf_counter()
    lines = env["credit.followup.engine"].preview(companies=company, date=RUN_DATE)
    elapsed = time.perf_counter() - started
    acting = sum(1 for line in lines if line["action"] in ("execute", "approval"))
    return {
        "seconds": elapsed,
        "queries": odoo.sql_db.sql_counter - queries_before,
        "lines": len(lines),
        "acting": acting,
    }


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["CREDIT_SUITE_CONF"], "--log-level=warn"])
    registry = Registry(os.environ["CREDIT_SUITE_DB"])
    rows = []
    variants = [(size, False) for size in args.sizes.split(",")]
    if not args.no_letters:
        variants.append((args.sizes.split(",")[-1], True))
    for size, letters in variants:
        n_debtors, n_invoices = (int(x) for x in size.split("x"))
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            tag = f"{n_debtors}x{n_invoices}{'-letters' if letters else ''}"
            company = make_company(env, f"Bench {tag}")
            env = env(context=dict(env.context, allowed_company_ids=[company.id]))
            _email, letter = make_profiles(env, company)
            t0 = time.perf_counter()
            make_data(env, company, n_debtors, n_invoices, letter, letters, credits=not args.no_credits)
            print(f"[bench] {tag}: data built in {time.perf_counter() - t0:.0f} s", flush=True)
            preview = measure_preview(env, company)
            print(
                f"[bench] {tag}: preview {preview['seconds']:.2f} s, {preview['lines']} lines "
                f"({preview['acting']} to execute), {preview['queries']} queries",
                flush=True,
            )
            first = measure(env, company, "first run", sql_stats=args.sql_stats, profile=args.profile)
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            second = measure(env, company, "second run")
            logs = env["credit.followup.log"].search_count([("company_id", "=", company.id)])
            if preview["acting"] != first["summary"]["invoices"]:
                print(f"[bench] FAIL: the preview showed {preview['acting']} actions, the run {first['summary']}")
                preview["mismatch"] = True
            rows.append((tag, n_debtors, n_invoices, first, second, logs, rss_after, preview))
            print(
                f"[bench] {tag}: first run {first['seconds']:.1f} s {first['summary']['actions']}, "
                f"skipped {first['summary']['skipped']}, "
                f"{first['queries']} queries; second run {second['seconds']:.2f} s",
                flush=True,
            )

    print()
    print("| data set | preview | first run | invoices/s | SQL queries | letters | s/letter | second run | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for tag, _debtors, _invoices, first, second, logs, rss, preview in rows:
        actions = first["summary"]["actions"]
        n_letters = actions.get("letter", 0)
        per_letter = ""
        if n_letters:
            per_letter = f"{first['summary']['seconds_per_channel'].get('letter', 0) / n_letters:.3f}"
        print(
            f"| {tag} | {preview['seconds']:.2f} s, {preview['queries']} queries | "
            f"{first['seconds']:.1f} s ({logs} actions, {actions}) | "
            f"{first['summary']['invoices'] / first['seconds']:.0f} | {first['queries']} | {n_letters} | "
            f"{per_letter} | {second['seconds']:.2f} s, {second['queries']} queries, "
            f"{second['summary']['invoices']} invoices | {rss / 1024:.0f} MiB |"
        )
    print(
        "\ns/letter: time in the letter channel (rendering all letters of a batch in one wkhtmltopdf run, "
        "attaching, chatter) divided by letters"
    )
    ok = all(row[4]["summary"]["invoices"] == 0 and not row[7].get("mismatch") for row in rows)
    if not ok:
        print("[bench] FAIL: a second run on the same day did something, or the preview differed from the run")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
