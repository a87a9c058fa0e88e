#!/usr/bin/env python3
"""WhatsApp webhook benchmark (`make bench`, after the dispute benchmark; alone:
`tools/suite.py bench --only whatsapp`).

In the throw-away bench database it creates a WhatsApp account and 500 debtors with Dutch mobile
numbers, starts a real Odoo HTTP server (threaded, no cron threads) on 127.0.0.1:18310 and, from
several client threads over keep-alive connections on loopback:

1. posts 1,000 signed webhook events (``X-Hub-Signature-256``, one incoming text message each, half of
   them from the debtors' numbers, half from unknown numbers) — throughput and latency; exactly 1,000
   messages must be stored;
2. posts the same 1,000 again (Meta retries) — still exactly 1,000 messages;
3. posts 100 events with a forged signature — all refused (403), nothing stored;

then runs the queued matching job (``_cron_process``) in this process: 500 messages matched to their
debtor (registered on the debtor, a dispute to qualify each, follow-up paused), 500 in triage.
Acknowledgements are off (the account points at no API). Exits 1 if a sanity check fails.
"""

import argparse
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

import odoo
from odoo import api
from odoo.modules.registry import Registry

ROOT = Path(__file__).resolve().parent.parent

APP_SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "880011223344"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--port", type=int, default=18310)
    return parser.parse_args()


def setup(env, n_debtors):
    company = env.ref("base.main_company")
    account = env["credit.whatsapp.account"].create(
        {
            "name": "Bench",
            "company_id": company.id,
            "phone_number_id": PHONE_NUMBER_ID,
            "business_account_id": "990011",
            "access_token": "bench-token",
            "app_secret": APP_SECRET,
            "verify_token": "bench",
            "api_base_url": "http://127.0.0.1:9",  # nothing listens: the benchmark sends nothing
            "ack_enabled": False,
        }
    )
    nl = env.ref("base.nl")
    env["res.partner"].create(
        [
            {"name": f"WA debtor {i}", "is_company": True, "mobile": f"06-2{i:07d}", "country_id": nl.id}
            for i in range(n_debtors)
        ]
    )
    return account


def sign(body):
    """What Meta sends in X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret."""
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def payload(i, known):
    # debtor j has the mobile 06-2jjjjjjj (+3162jjjjjjj); every other post comes from one of them
    wa_id = f"3162{i // 2:07d}" if known else f"4477009{i:05d}"
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "990011",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "31201234567", "phone_number_id": PHONE_NUMBER_ID},
                            "contacts": [{"profile": {"name": f"Sender {i}"}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": f"wamid.BENCH{i:08d}",
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": f"Bericht {i}: wanneer wordt factuur {i} verrekend?"},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def post_all(url, bodies, clients, forge=False):
    """POST every body from ``clients`` threads; returns (seconds, [status codes], [latencies])."""
    statuses, latencies = [], []
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]

    def work(chunk):
        session = requests.Session()
        for body in chunk:
            signature = "sha256=" + "0" * 64 if forge else sign(body)
            start = time.perf_counter()
            response = session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
                timeout=60,
            )
            elapsed = time.perf_counter() - start
            with lock:
                statuses.append(response.status_code)
                latencies.append(elapsed)

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, statuses, latencies


def count(registry):
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM credit_whatsapp_message WHERE direction = 'in'")
        return cr.fetchone()[0]


def main():
    args = parse_args()
    conf, db = os.environ["CREDIT_SUITE_CONF"], os.environ["CREDIT_SUITE_DB"]
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    registry = Registry(db)
    failed = []

    def check(ok, what):
        if not ok:
            failed.append(what)
            print(f"[bench] CHECK FAILED: {what}", flush=True)

    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        account = setup(env, args.posts // 2)
        account_id = account.id
    log = open(ROOT / ".local" / "bench-whatsapp-odoo.log", "w")  # noqa: SIM115 - the server's log
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            conf,
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--http-port",
            str(args.port),
            "--http-interface",
            "127.0.0.1",
            "--max-cron-threads",
            "0",
            "--workers",
            "0",
            "--log-level",
            "warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rows = []
    try:
        for _i in range(120):
            time.sleep(0.5)
            if server.poll() is not None:
                raise SystemExit("[bench] the Odoo server stopped at start; see .local/bench-whatsapp-odoo.log")
            with socket.socket() as sock:
                if not sock.connect_ex(("127.0.0.1", args.port)):
                    break
        url = f"http://127.0.0.1:{args.port}/credit_whatsapp/webhook/{account_id}"
        requests.get(url, timeout=60)  # warm-up: the first request loads the registry
        # the framework's own floor on this machine: the same number of verification handshakes (GET)
        session = requests.Session()
        start = time.perf_counter()
        for _i in range(args.posts // 4):
            session.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "bench", "hub.challenge": "1"})
        floor = (time.perf_counter() - start) / (args.posts // 4)
        bodies = [json.dumps(payload(i, known=i % 2 == 0)).encode() for i in range(args.posts)]
        for label, forge in (
            ("first delivery", False),
            ("same posts again (Meta retries)", False),
            ("forged signature", True),
        ):
            sent = bodies if not forge else bodies[:100]
            seconds, statuses, latencies = post_all(url, sent, args.clients, forge=forge)
            stored = count(registry)
            expected = 403 if forge else 200
            check(statuses.count(expected) == len(sent), f"{label}: {statuses.count(expected)} × HTTP {expected}")
            check(stored == args.posts, f"{label}: {stored} messages stored, expected {args.posts}")
            latencies.sort()
            rows.append(
                (
                    f"{len(sent):,} signed webhook posts, {label}" if not forge else f"{len(sent)} posts, {label}",
                    f"{seconds:.2f} s",
                    f"{len(sent) / seconds:.0f} posts/s",
                    (
                        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 "
                        f"{latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms"
                    ),
                    f"HTTP {expected} × {statuses.count(expected)}; {stored:,} messages stored",
                )
            )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        log.close()
    rows.append(
        (
            f"{args.posts // 4} verification handshakes (GET), one client: the framework's floor",
            "",
            f"{1 / floor:.0f} requests/s",
            f"mean {floor * 1000:.0f} ms",
            "",
        )
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        start = time.perf_counter()
        env["credit.whatsapp.message"].with_context(mail_notrack=True)._cron_process()
        seconds = time.perf_counter() - start
        Message = env["credit.whatsapp.message"]
        matched = Message.search_count([("match_state", "=", "matched")])
        triage = Message.search_count([("match_state", "=", "triage")])
        disputes = env["credit.dispute"].search_count([("channel", "=", "whatsapp")])
        check(matched == args.posts // 2, f"{matched} matched")
        check(triage == args.posts - args.posts // 2, f"{triage} in triage")
        rows.append(
            (
                f"queued matching of the {args.posts:,} messages",
                f"{seconds:.2f} s",
                f"{args.posts / seconds:.0f} messages/s",
                "",
                f"{matched} matched (a dispute to qualify each: {disputes}), {triage} in triage",
            )
        )
        cr.rollback()
    print()
    print(f"| WhatsApp benchmark ({args.clients} client threads, loopback) | time | throughput | latency | result |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    if failed:
        print(f"[bench] FAIL: {len(failed)} sanity check(s) failed: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
