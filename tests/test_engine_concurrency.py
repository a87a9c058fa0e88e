"""The engine on a real, committed database: two workers at once, and a crash mid-run.

These need real transactions (commit per batch, row locks between two connections), which
Odoo's TransactionCase cannot give: the test installs credit_followup on a copy of the
template database and drives the engine in-process with two threads, each on its own cursor.
"""

import threading
import time
from datetime import date, timedelta
from unittest.mock import patch

import pytest

RUN_DATE = date(2026, 5, 4)
N_DEBTORS = 30


@pytest.fixture
def engine_db(fresh_db):
    rc, log = fresh_db.odoo("-i", "credit_followup")
    assert rc == 0, log[-3000:]
    import odoo
    from odoo.modules.registry import Registry

    if not odoo.tools.config.get("db_user"):  # parse Odoo's configuration once per pytest process
        odoo.tools.config.parse_config(["-c", fresh_db.conf, "--log-level=warn"])
    registry = Registry(fresh_db.name)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        company = env.company
        partners = env["res.partner"].create(
            [{"name": f"Concurrent {i}", "email": f"c{i}@example.com", "is_company": True} for i in range(N_DEBTORS)]
        )
        due = RUN_DATE - timedelta(days=10)
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=14),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        odoo.Command.create({"name": "x", "quantity": 1, "price_unit": 100, "tax_ids": []})
                    ],
                }
                for partner in partners
            ]
        )
        moves.action_post()
        cr.commit()
        ids = {"company": company.id, "moves": moves.ids}
    yield registry, ids
    Registry.delete(fresh_db.name)


def run_in_thread(registry, company_id, results, key):
    import odoo

    def target():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            results[key] = env["credit.followup.engine"].run(
                companies=env["res.company"].browse(company_id), date=RUN_DATE
            )

    thread = threading.Thread(target=target, name=f"worker-{key}")
    thread.start()
    return thread


def log_counts(registry, move_ids):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT move_id, count(*) FROM credit_followup_log WHERE move_id IN %s GROUP BY move_id",
            [tuple(move_ids)],
        )
        return dict(cr.fetchall())


def test_two_workers_never_process_the_same_debtor(engine_db):
    from odoo.addons.credit_followup.models import credit_followup_engine as engine_mod

    registry, ids = engine_db
    original = engine_mod.CreditFollowupEngine._process_batch

    def slow_batch(self, company, partners, day, run):
        stats = original(self, company, partners, day, run)
        time.sleep(0.1)  # keep the batch's row locks a moment, so the workers overlap
        return stats

    results = {}
    with (
        patch.object(engine_mod, "BATCH_SIZE", 3),
        patch.object(engine_mod.CreditFollowupEngine, "_process_batch", slow_batch),
    ):
        threads = [run_in_thread(registry, ids["company"], results, key) for key in ("a", "b")]
        for thread in threads:
            thread.join(120)
    assert set(results) == {"a", "b"}, "both workers finished"
    counts = log_counts(registry, ids["moves"])
    assert sorted(counts) == sorted(ids["moves"]), "every invoice was followed up"
    assert set(counts.values()) == {1}, "no invoice twice"
    assert results["a"]["partners"] > 0 and results["b"]["partners"] > 0, "both workers took debtors"
    assert results["a"]["partners"] + results["b"]["partners"] == N_DEBTORS, "disjoint debtors"
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM mail_mail WHERE email_to LIKE %s", ["%c%@example.com%"])
        assert cr.fetchone()[0] == N_DEBTORS, "one e-mail per debtor, none twice"


def test_crash_mid_run_keeps_committed_batches_and_rerun_completes(engine_db):
    from odoo.addons.credit_followup.models import credit_followup_engine as engine_mod

    registry, ids = engine_db
    original = engine_mod.CreditFollowupEngine._process_batch
    calls = []

    def crashing(self, company, partners, day, run):
        calls.append(len(partners))
        if len(calls) == 4:
            raise RuntimeError("worker killed mid-run")
        return original(self, company, partners, day, run)

    results = {}
    with (
        patch.object(engine_mod, "BATCH_SIZE", 5),
        patch.object(engine_mod.CreditFollowupEngine, "_process_batch", crashing),
    ):
        thread = run_in_thread(registry, ids["company"], results, "crash")
        thread.join(120)
    assert "crash" not in results, "the run died"
    counts = log_counts(registry, ids["moves"])
    assert len(counts) == 15, "the three batches committed before the crash stay done"
    with patch.object(engine_mod, "BATCH_SIZE", 5):
        thread = run_in_thread(registry, ids["company"], results, "rerun")
        thread.join(120)
    assert results["rerun"]["partners"] == N_DEBTORS - 15, "the rerun takes only what was left"
    counts = log_counts(registry, ids["moves"])
    assert sorted(counts) == sorted(ids["moves"]) and set(counts.values()) == {1}
