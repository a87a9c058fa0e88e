#!/usr/bin/env python3
"""Dispute benchmark (`make bench`, after tools/bench.py; alone: `tools/suite.py bench --only dispute`).

On the same deterministic data as bench.py's 1000x5000 row (1,000 debtors, 5,000 invoices 1–180 days
overdue, e-mail steps) in the throw-away bench database, it times:

1. opening one dispute per debtor (1–2 invoices, pausing categories, 10 resolvers) by a credit manager, in
   batches of 100 ``create([...])`` — each opening pauses the invoices, posts "dispute opened" on the
   invoices and the debtor, schedules the responsible's activity and queues their e-mail;
2. the engine run on that day: no disputed invoice may be reminded (compare its time with bench.py's
   1000x5000 first run, which has no disputes);
3. the daily SLA cron over those open disputes on a day past every deadline (a reminder each), again on
   the same day (must do nothing), then on a day past every escalation (a reminder and an escalation to
   both credit managers each) and again on that day;
4. the mail gateway: real RFC 822 replies to the engine's reminders (In-Reply-To = the reminder's
   Message-Id) through ``message_process``, a fifth of them a second reply in the same conversation;
   each must land on a dispute, one acknowledgement queued per conversation;
5. the dossier of one debtor with ~200 history entries: gathering, HTML, PDF (wkhtmltopdf without an
   HTTP server: rendered the way the engine renders letters then, ``credit_report_offline``).

Mail is queued (``mail.mail``), never sent. Exits 1 if a sanity check fails.
"""

import argparse
import logging
import os
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import odoo
from odoo import Command, api
from odoo.modules.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import RUN_DATE, _QueryCounter, make_company, make_data, make_profiles


class QueryCounter(_QueryCounter):
    def emit(self, record):
        if isinstance(record.args, tuple) and "query:" in str(record.msg):  # not the cursor/connection lines
            super().emit(record)


BATCH = 100
N_RESOLVERS = 10
AR_DOMAIN = "credit.example.com"
AR_ADDRESS = f"debiteuren@{AR_DOMAIN}"

MAIL = """Return-Path: <{email}>
Delivered-To: {to}
Received: by mx.debtor.example (Postfix, from userid 1000)
    id 4F2A1C0D3E; Tue, 02 Jun 2026 10:15:02 +0200 (CEST)
From: {name} <{email}>
To: Debiteuren <{to}>
Subject: {subject}
Date: Tue, 02 Jun 2026 10:{minute:02d}:00 +0200
Message-ID: {msg_id}
In-Reply-To: {in_reply_to}
References: {in_reply_to}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Dear accounts receivable,

{body}

Kind regards,
{name}

> Dear customer, the invoices below are overdue.
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debtors", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=5000)
    parser.add_argument("--replies", type=int, default=300, help="e-mails through the gateway")
    parser.add_argument("--history", type=int, default=200, help="history entries of the dossier's debtor")
    parser.add_argument("--sql-stats", action="store_true", help="print the most frequent queries of each step")
    return parser.parse_args()


class Meter:
    """Wall time and SQL queries of a block (commits included), optionally the most frequent queries."""

    def __init__(self, sql_stats=False):
        self.sql_stats = sql_stats

    def __call__(self, label, fn):
        logger = logging.getLogger("odoo.sql_db")
        handler = QueryCounter() if self.sql_stats else None
        if handler:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
        queries_before = odoo.sql_db.sql_counter
        started = time.perf_counter()
        try:
            result = fn()
        finally:
            elapsed = time.perf_counter() - started
            queries = odoo.sql_db.sql_counter - queries_before
            if handler:
                logger.removeHandler(handler)
                logger.setLevel(logging.WARNING)
                logger.propagate = True
                print(f"[bench] most frequent queries of {label}:")
                for query, count in handler.counts.most_common(20):
                    print(f"{count:6d}  {query}")
        print(f"[bench] {label}: {elapsed:.2f} s, {queries} queries", flush=True)
        return {"seconds": elapsed, "queries": queries, "result": result}


class Checks:
    def __init__(self):
        self.failed = []

    def __call__(self, ok, what):
        if not ok:
            self.failed.append(what)
            print(f"[bench] FAIL: {what}", flush=True)
        return ok


def make_users(env, company):
    Users = env["res.users"].with_context(no_reset_password=True, mail_create_nolog=True)
    user_group = env.ref("base.group_user")

    def user(login, name, group):
        return Users.create(
            {
                "name": name,
                "login": f"{login}-{company.id}",
                "email": f"{login}@bench.example",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([user_group.id, env.ref(group).id])],
            }
        )

    managers = user("carla", "Carla Credit", "credit_followup.group_credit_manager") | user(
        "mark", "Mark Manager", "credit_followup.group_credit_manager"
    )
    resolvers = Users.browse()
    for i in range(N_RESOLVERS):
        resolvers |= user(f"resolver{i}", f"Resolver {i}", "credit_followup.group_credit_dispute_resolver")
    return managers, resolvers


def setup_mailbox(env, company, handler):
    domain = env["mail.alias.domain"].create(
        {
            "name": AR_DOMAIN,
            "bounce_alias": "bounce",
            "catchall_alias": "catchall",
            "default_from": "notifications",
            "company_ids": [Command.link(company.id)],
            "sequence": 1,
        }
    )
    company.write({"alias_domain_id": domain.id, "credit_mail_user_id": handler.id})
    company._credit_set_ar_alias("debiteuren")


def dispute_vals(env, company, debtors, moves, resolvers):
    """One dispute per debtor on its 1–2 oldest invoices, pausing categories in turn."""
    rng = random.Random(7)
    categories = env["credit.issue.category"].search([("company_id", "=", company.id), ("pause_followup", "=", True)])
    by_debtor = moves.grouped("partner_id")
    channels = ["phone", "email", "portal", "letter"]
    vals_list = []
    for i, debtor in enumerate(debtors):
        invoices = by_debtor[debtor].sorted(lambda m: (m.invoice_date_due, m.id))[: rng.choice((1, 2))]
        vals_list.append(
            {
                "partner_id": debtor.id,
                "company_id": company.id,
                "move_ids": [Command.set(invoices.ids)],
                "category_id": categories[i % len(categories)].id,
                "user_id": resolvers[i % len(resolvers)].id,
                "channel": channels[i % len(channels)],
                "date_open": RUN_DATE,
                "description": f"<p>Debtor {i} says invoice {invoices[0].name} is wrong.</p>",
            }
        )
    return vals_list, categories


def open_disputes(env, vals_list):
    disputes = env["credit.dispute"]
    for start in range(0, len(vals_list), BATCH):
        disputes |= env["credit.dispute"].create(vals_list[start : start + BATCH])
        env.cr.commit()
    return disputes


def replies(env, company, n_replies):
    """(raw mail, conversation) for n_replies answers to the engine's reminders; every fifth a second answer."""
    logs = env["credit.followup.log"].search(
        [
            ("company_id", "=", company.id),
            ("channel", "=", "email"),
            ("state", "=", "done"),
            ("message_id", "!=", False),
        ],
        order="partner_id, id",
    )
    reminders = {}
    for log in logs:
        reminders.setdefault(log.message_id, log)
    n_conversations = n_replies - n_replies // 5
    conversations = list(reminders.values())[:n_conversations]
    subjects = {
        m.message_id: m.subject
        for m in env["mail.message"].search([("message_id", "in", [log.message_id for log in conversations])])
    }
    mails = []
    for i in range(n_replies):
        second = i >= n_conversations
        log = conversations[(i - n_conversations) * 4 % len(conversations) if second else i]
        partner = log.partner_id
        body = (
            f"We never received the goods of {log.move_id.name}; please hold the reminders."
            if not second
            else "Forgot to say: the quantity on the other invoice is wrong too."
        )
        raw = MAIL.format(
            email=partner.email,
            name=partner.name,
            to=AR_ADDRESS,
            subject=f"Re: {subjects.get(log.message_id) or 'Payment reminder'}",
            minute=i % 60,
            msg_id=f"<bench-reply-{i}-{company.id}@debtor.example>",
            in_reply_to=log.message_id,
            body=body,
        )
        mails.append((raw, log.message_id, partner))
    return mails


def process_mails(env, mails):
    Thread = env["mail.thread"].sudo()
    for raw, _conversation, _partner in mails:
        Thread.message_process(None, raw.encode())
        env.cr.commit()  # as fetchmail does, one transaction per e-mail


def build_history(env, company, debtor, n_entries):
    """Posts on the debtor and its invoices until its dossier has about n_entries history entries."""
    Report = env["report.credit_dispute.report_credit_dossier"]
    have = len(Report._get_report_values(debtor.ids)["dossiers"][0]["entries"])
    moves = env["account.move"].search([("partner_id", "=", debtor.id), ("move_type", "=", "out_invoice")])
    kinds = [
        ("credit_followup.mt_credit_reminder_email", "notification", company.partner_id),
        ("credit_dispute.mt_credit_email_in", "email", debtor),
        ("credit_followup.mt_credit_sms", "sms", company.partner_id),
        ("credit_followup.mt_credit_letter", "notification", company.partner_id),
        ("mail.mt_comment", "comment", company.partner_id),
    ]
    start = datetime.combine(RUN_DATE - timedelta(days=330), datetime.min.time())
    vals = []
    for i in range(max(n_entries - have, 0)):
        subtype, message_type, author = kinds[i % len(kinds)]
        record = debtor if i % 3 == 0 else moves[i % len(moves)]
        vals.append(
            {
                "model": record._name,
                "res_id": record.id,
                "record_name": record.display_name,
                "message_type": message_type,
                "subtype_id": env.ref(subtype).id,
                "author_id": author.id,
                "email_from": author.email_formatted,
                "subject": f"Contact {i}",
                "body": f"<p>Contact {i} about the open invoices: <b>{record.display_name}</b>.</p>"
                "<table><tr><td>INV</td><td>100.00</td></tr></table>",
                "date": start + timedelta(hours=36 * i),
            }
        )
    env["mail.message"].create(vals)
    env.cr.commit()
    return len(Report._get_report_values(debtor.ids)["dossiers"][0]["entries"])


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", os.environ["CREDIT_SUITE_CONF"], "--log-level=warn"])
    registry = Registry(os.environ["CREDIT_SUITE_DB"])
    meter = Meter(args.sql_stats)
    check = Checks()
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        tag = f"{args.debtors}x{args.invoices}"
        company = make_company(env, f"Bench disputes {tag}")
        env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        _email, letter = make_profiles(env, company)
        managers, resolvers = make_users(env, company)
        setup_mailbox(env, company, managers[0])
        t0 = time.perf_counter()
        debtors, moves = make_data(env, company, args.debtors, args.invoices, letter, False)
        print(f"[bench] disputes {tag}: data built in {time.perf_counter() - t0:.0f} s", flush=True)
        # a user's and the cron's context: tracking on; mail queued, never sent inline (no SMTP)
        live = {"allowed_company_ids": [company.id], "mail_notify_force_send": False}

        # 1. open the disputes, as a credit manager
        vals_list, categories = dispute_vals(env, company, debtors, moves, resolvers)
        manager_env = api.Environment(cr, managers[0].id, live)
        mails_before = env["mail.mail"].search_count([])
        m = meter("open disputes", lambda: open_disputes(manager_env, vals_list))
        disputes = m["result"].with_env(env)
        disputed = disputes.move_ids
        n = len(disputes)
        check(n == len(debtors), f"{n} disputes opened for {len(debtors)} debtors")
        check(set(disputed.mapped("credit_followup_state")) == {"paused"}, "disputed invoices are all paused")
        activities = env["mail.activity"].search_count(
            [("res_model", "=", "credit.dispute"), ("res_id", "in", disputes.ids)]
        )
        check(activities == n, f"one activity per dispute ({activities})")
        queued = env["mail.mail"].search_count([]) - mails_before
        rows.append(
            (
                f"open {n} disputes ({len(disputed)} invoices), batches of {BATCH}",
                f"{m['seconds']:.1f} s ({n / m['seconds']:.0f} disputes/s)",
                m["queries"],
                f"{m['queries'] / n:.1f} per dispute; {queued} e-mails queued",
            )
        )

        # 2. the engine: disputed invoices are not reminded
        engine_env = env(context=dict(env.context, allowed_company_ids=[company.id]))
        m = meter(
            "engine run",
            lambda: engine_env["credit.followup.engine"].run(companies=company, date=RUN_DATE, trigger="manual"),
        )
        env.cr.commit()
        summary = m["result"]
        Log = env["credit.followup.log"]
        disputed_logs = Log.search_count([("move_id", "in", disputed.ids)])
        check(disputed_logs == 0, f"{disputed_logs} log rows on disputed invoices")
        check(summary["invoices"] > 0, "the engine reminded the undisputed invoices")
        rows.append(
            (
                "engine run with those disputes open",
                f"{m['seconds']:.1f} s ({summary['invoices'] / m['seconds']:.0f} invoices/s)",
                m["queries"],
                (
                    f"{summary['invoices']} invoices of {summary['partners']} debtors, actions {summary['actions']}; "
                    f"{disputed_logs} on the {len(disputed)} disputed invoices"
                ),
            )
        )

        # 3. the SLA cron, as the cron runs it (superuser)
        resolve = categories.mapped("resolve_days")
        escalate_days = max(resolve) - min(resolve) + 2  # day 1 past every deadline, before every escalation
        company.write(
            {
                "credit_dispute_remind_before_days": 1,
                "credit_dispute_remind_days": 1,
                "credit_dispute_escalate_days": escalate_days,
            }
        )
        env.cr.commit()
        day1 = RUN_DATE + timedelta(days=max(resolve) + 1)
        day2 = RUN_DATE + timedelta(days=max(resolve) + escalate_days)
        cron_env = api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False})
        Dispute = cron_env["credit.dispute"]
        for day, expected, label in (
            (day1, {"reminded_before": 0, "reminded_after": n, "escalated": 0}, "past deadline"),
            (day2, {"reminded_before": 0, "reminded_after": n, "escalated": n}, "past escalation"),
        ):
            cron_env.invalidate_all()
            m = meter(f"SLA cron {day}", lambda day=day: Dispute._cron_remind_sla(date=day, companies=company))
            check(m["result"] == expected, f"SLA cron on {day}: {m['result']}, expected {expected}")
            again = meter(
                f"SLA cron {day} again", lambda day=day: Dispute._cron_remind_sla(date=day, companies=company)
            )
            nothing = {"reminded_before": 0, "reminded_after": 0, "escalated": 0}
            check(again["result"] == nothing, f"second SLA cron on {day} did {again['result']}")
            done = m["result"]["reminded_after"] + m["result"]["reminded_before"]
            what = f"{done} reminders" + (
                f" + {m['result']['escalated']} escalations" if m["result"]["escalated"] else ""
            )
            rows.append(
                (
                    f"SLA cron, {label} ({day})",
                    f"{m['seconds']:.1f} s",
                    m["queries"],
                    (
                        f"{what}: {m['queries'] / n:.1f} per dispute; same day again: {again['seconds']:.2f} s, "
                        f"{again['queries']} queries"
                    ),
                )
            )
        escalations = env["mail.activity"].search_count(
            [
                ("res_model", "=", "credit.dispute"),
                ("res_id", "in", disputes.ids),
                ("activity_type_id", "=", env.ref("credit_dispute.mail_activity_type_credit_dispute_escalated").id),
            ]
        )
        check(escalations == n * len(managers), f"{escalations} escalation activities, expected {n * len(managers)}")

        # 4. the mail gateway
        mails = replies(env, company, args.replies)
        conversations = {conversation for _raw, conversation, _partner in mails}
        disputes_before = env["credit.dispute"].search_count([("company_id", "=", company.id)])
        gateway_env = api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False})
        m = meter("mail gateway", lambda: process_mails(gateway_env, mails))
        inbox = env["credit.mail.inbox"].search([("company_id", "=", company.id)])
        check(len(inbox) == len(mails), f"{len(inbox)} inbox records for {len(mails)} e-mails")
        check(all(rec.state == "linked" and rec.match_method == "reply" for rec in inbox), "every reply matched")
        check(all(rec.dispute_ids for rec in inbox), "every e-mail landed on a dispute")
        new_disputes = env["credit.dispute"].search_count([("company_id", "=", company.id)]) - disputes_before
        check(
            new_disputes == len(conversations), f"{new_disputes} disputes opened for {len(conversations)} conversations"
        )
        acks = env["mail.message"].search(
            [
                ("model", "=", "credit.mail.inbox"),
                ("res_id", "in", inbox.ids),
                ("subtype_id", "=", env.ref("credit_dispute.mt_credit_email_ack").id),
            ]
        )
        per_conversation = Counter(inbox.browse(acks.mapped("res_id")).mapped("thread_ref"))
        check(
            set(per_conversation) == conversations and set(per_conversation.values()) == {1},
            f"one acknowledgement per conversation ({len(acks)} for {len(conversations)})",
        )
        ack_mails = env["mail.mail"].search_count([("mail_message_id", "in", acks.ids), ("state", "=", "outgoing")])
        check(ack_mails == len(conversations), f"{ack_mails} acknowledgements queued")
        second = [inbox.filtered(lambda r, c=c: r.thread_ref == c) for c in conversations]
        check(all(len(recs.dispute_ids) == 1 for recs in second), "a second reply updates the conversation's dispute")
        rows.append(
            (
                f"mail gateway: {len(mails)} replies, {len(conversations)} conversations",
                f"{m['seconds']:.1f} s ({len(mails) / m['seconds']:.1f} mails/s)",
                m["queries"],
                (
                    f"{m['queries'] / len(mails):.0f} per mail; {new_disputes} disputes opened, "
                    f"{len(mails) - len(conversations)} updated, {ack_mails} acknowledgements queued"
                ),
            )
        )

        # 5. the dossier of one debtor
        debtor = debtors[0]
        entries = build_history(env, company, debtor, args.history)
        report_env = api.Environment(
            cr, managers[0].id, {"allowed_company_ids": [company.id], "credit_report_offline": True}
        )
        # the unpatched wkhtmltopdf warns about headers and footers on every run: said once, below the table
        logging.getLogger("odoo.addons.base.models.ir_actions_report").setLevel(logging.ERROR)
        Report = report_env["ir.actions.report"]
        name = "credit_dispute.action_report_credit_dossier"
        gather = report_env["report.credit_dispute.report_credit_dossier"]
        for label, fn in (
            ("gathering (_get_report_values)", lambda: gather._get_report_values(debtor.ids)),
            ("HTML (_render_qweb_html)", lambda: Report._render_qweb_html(name, debtor.ids)[0]),
            ("PDF (_render_qweb_pdf, offline)", lambda: Report._render_qweb_pdf(name, debtor.ids)[0]),
        ):
            report_env.invalidate_all()
            cold = meter(f"dossier {label}, first", fn)
            report_env.invalidate_all()
            warm = meter(f"dossier {label}", fn)
            out = warm["result"]
            if label.startswith("PDF"):
                check(out[:4] == b"%PDF", "the dossier is a PDF")
                size = f"{len(out) / 1024:.0f} KiB"
            elif label.startswith("HTML"):
                check(out.count(b"o_credit_dossier") >= 1, "the dossier HTML")
                size = f"{len(out) / 1024:.0f} KiB HTML"
            else:
                size = f"{len(out['dossiers'][0]['entries'])} entries"
            rows.append(
                (
                    f"dossier of 1 debtor, {entries} history entries: {label}",
                    f"{warm['seconds']:.2f} s (first {cold['seconds']:.2f} s)",
                    warm["queries"],
                    f"{size}; first call {cold['queries']} queries",
                )
            )
        check(entries >= args.history * 0.9, f"{entries} dossier entries")

    print()
    print(f"| dispute benchmark ({args.debtors} debtors, {args.invoices} invoices) | time | SQL queries | notes |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print(
        "\nCompare the engine run with bench.py's 1000x5000 first run (same data, no disputes). The PDF includes "
        "wkhtmltopdf's report.print_delay (1 s by default); Debian's unpatched wkhtmltopdf ignores headers and "
        "footers; rendered offline (no HTTP server to serve the CSS), as the engine renders letters then."
    )
    if check.failed:
        print(f"[bench] FAIL: {len(check.failed)} sanity check(s) failed: " + "; ".join(check.failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
