#!/usr/bin/env python3
"""Collection export benchmark (`make bench`; alone: `tools/suite.py bench --only collection`).

Builds 2,000 debtors with 10,000 posted customer invoices 1–180 days overdue (bench.py's deterministic
data) in the throw-away bench database, then exports them with the shipped generic formats — every
column, statutory interest and collection costs included — to CSV and to XLSX, and 1,000 of them to
CSV, printing time, SQL queries and file size. Targets: XLSX under 5 s and CSV under 2 s for 10,000
invoices; queries that do not grow per invoice. Exits 1 if a sanity check fails.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

import odoo
from odoo import api
from odoo.modules.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import RUN_DATE, make_company, make_data, make_profiles


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10000)
    return parser.parse_args()


def export(env, fmt, moves):
    env.invalidate_all()
    before = odoo.sql_db.sql_counter
    started = time.perf_counter()
    cpu = time.process_time()
    name, data = fmt.export(moves, reference="BENCH", date=RUN_DATE)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "queries": odoo.sql_db.sql_counter - before,
        "name": name,
        "data": data,
    }


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["CREDIT_SUITE_CONF"], "--log-level=warn"])
    registry = Registry(os.environ["CREDIT_SUITE_DB"])
    failures = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = make_company(env, "Bench collection")
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        _email, letter = make_profiles(env, company)
        started = time.perf_counter()
        _debtors, moves = make_data(env, company, args.debtors, args.invoices, letter, False)
        print(f"[bench] collection: {len(moves)} invoices built in {time.perf_counter() - started:.0f} s", flush=True)
        csv_format = env.ref("credit_collection_export.format_generic_csv")
        xlsx_format = env.ref("credit_collection_export.format_generic_xlsx")
        export(env, csv_format, moves[:50])  # warm Odoo's caches (access rules, xmlids)
        rows = []
        for label, fmt, subset, target in [
            ("CSV", csv_format, moves[:1000], None),
            ("CSV", csv_format, moves, 2.0),
            ("XLSX", xlsx_format, moves[:1000], None),
            ("XLSX", xlsx_format, moves, 5.0),
        ]:
            result = export(env, fmt, subset)
            rows.append((label, len(subset), result))
            if target and result["cpu"] > target:
                failures.append(f"{label} export of {len(subset)} invoices took {result['cpu']:.2f} s CPU > {target} s")
        csv_lines = rows[1][2]["data"].count(b"\r\n")
        if csv_lines != len(moves) + 1:
            failures.append(f"CSV has {csv_lines} lines for {len(moves)} invoices")
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(rows[3][2]["data"]), read_only=True).active
        if sheet.max_row != len(moves) + 1:
            failures.append(f"XLSX has {sheet.max_row} rows for {len(moves)} invoices")
        columns = len(csv_format.column_ids)
        load = os.getloadavg()[0]
        print(
            f"\n| export ({columns} columns, interest and costs included) | invoices | time | CPU time "
            "| SQL queries | file |"
        )
        print("|---|---|---|---|---|---|")
        for label, count, result in rows:
            size = len(result["data"]) / 1024
            print(
                f"| {label} | {count:,} | {result['seconds']:.2f} s | {result['cpu']:.2f} s | {result['queries']} "
                f"| {size:,.0f} KiB |"
            )
        print(f"(load average while measuring: {load:.1f} on {os.cpu_count()} cores)")
        cr.rollback()
    for failure in failures:
        print(f"[bench] FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
