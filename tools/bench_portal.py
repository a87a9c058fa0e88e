#!/usr/bin/env python3
"""Debtor portal benchmark (`make bench`, after the engine and dispute benchmarks; alone:
`tools/suite.py bench --only portal`).

In the throw-away bench database: one debtor with 1,000 open invoices and one with 20, then a real Odoo
HTTP server (this process's port range: ODOO_BENCH_PORT, default 18261) and real HTTP requests with the
debtor's signed reminder link — the open-invoice page (first and last page), the section home and the
paid tab. For each: the median wall time of 5 requests and the SQL queries the server reports in its
access log (Odoo's werkzeug line: queries, SQL time, other time). Exits 1 if the page of the debtor with
1,000 invoices costs more queries than the one with 20.
"""

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import make_company

PORT = int(os.environ.get("ODOO_BENCH_PORT", "18261"))
ACCESS = re.compile(r'"GET (\S+) HTTP/1\.1" (\d+) - (\d+) ([\d.]+) ([\d.]+)')


def make_debtor(env, company, name, count):
    debtor = env["res.partner"].create({"name": name, "is_company": True, "company_id": company.id})
    journal = env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
    today = date.today()
    vals = [
        {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "partner_id": debtor.id,
            "invoice_date": today - timedelta(days=40 + i % 150),
            "invoice_date_due": today - timedelta(days=10 + i % 150),
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({"name": "Beans", "quantity": 1, "price_unit": 10 + i, "tax_ids": []})],
        }
        for i in range(count)
    ]
    moves = env["account.move"].with_company(company).with_context(tracking_disable=True).create(vals)
    moves.action_post()
    return debtor


def main():
    odoo.tools.config.parse_config(["-c", os.environ["CREDIT_SUITE_CONF"], "--log-level=warn"])
    db = os.environ["CREDIT_SUITE_DB"]
    registry = Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = make_company(env, "Portal Bench BV")
        env = env(context={**env.context, "allowed_company_ids": company.ids})
        started = time.perf_counter()
        big = make_debtor(env, company, "Big Debtor BV", 1000)
        small = make_debtor(env, company, "Small Debtor BV", 20)
        setup = time.perf_counter() - started
        tokens = {"1000": big._credit_portal_token(), "20": small._credit_portal_token()}
        cr.commit()
    print(f"set-up: 1,020 posted invoices in {setup:.1f} s")

    log = Path(tempfile.mkstemp(prefix="bench_portal_", suffix=".log")[1])
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            os.environ["CREDIT_SUITE_CONF"],
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--http-port",
            str(PORT),
            "--max-cron-threads",
            "0",
            "--log-handler",
            "werkzeug:INFO",
            "--logfile",
            str(log),
        ]
    )
    failed = False
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _i in range(300):
            try:
                requests.get(f"{base}/web/health", timeout=60)
                break
            except requests.RequestException:  # not listening yet, or still loading the registry
                time.sleep(1)
        pages = [
            ("open invoices, page 1", "1000", "/my/credit/invoices"),
            ("open invoices, page 1", "20", "/my/credit/invoices"),
            ("open invoices, page 50", "1000", "/my/credit/invoices/page/50"),
            ("section home", "1000", "/my/credit"),
            ("paid tab", "1000", "/my/credit/invoices?paid=1"),
        ]
        rows = []
        for label, who, path in pages:
            sep = "&" if "?" in path else "?"
            url = f"{base}{path}{sep}access_token={tokens[who]}"
            requests.get(url, timeout=120)  # warm-up: templates, assets, translations
            times = []
            for _i in range(5):
                t0 = time.perf_counter()
                res = requests.get(url, timeout=120)
                times.append(time.perf_counter() - t0)
                res.raise_for_status()
            time.sleep(0.5)
            lines = [m for m in ACCESS.findall(log.read_text()) if m[0].split("?")[0] == path.split("?")[0]]
            queries = int(lines[-1][2]) if lines else -1
            rows.append((label, who, statistics.median(times), queries))
        print(f"{'page':<26} {'invoices':>8} {'median':>9} {'queries':>8}")
        for label, who, median, queries in rows:
            print(f"{label:<26} {who:>8} {median * 1000:>7.0f} ms {queries:>8}")
        if rows[0][3] > rows[1][3]:
            print("FAILED: the open-invoice page costs more queries with 1,000 invoices than with 20")
            failed = True
    finally:
        server.terminate()
        server.wait(30)
        log.unlink(missing_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
