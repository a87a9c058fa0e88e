"""Each module installs alone (with its dependencies) and uninstalls cleanly; all six install together."""

import pytest
from conftest import MODULES, OUR_PROBLEM, manifest


def credit_deps(module):
    """Our modules that `module` needs, itself included."""
    todo, seen = [module], set()
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        todo += [d for d in manifest(mod)["depends"] if d.startswith("credit_")]
    return sorted(seen)


@pytest.mark.parametrize("module", MODULES)
def test_install_alone_and_uninstall(fresh_db, module):
    rc, log = fresh_db.odoo("-i", module)
    assert rc == 0, log[-3000:]
    assert not OUR_PROBLEM.findall(log), "\n".join(m.group(0) for m in OUR_PROBLEM.finditer(log))
    assert "has no access rules" not in log
    assert fresh_db.installed() == credit_deps(module)

    rc, log = fresh_db.shell(
        f"env['ir.module.module'].search([('name', '=', '{module}')]).button_immediate_uninstall()\nenv.cr.commit()\n"
    )
    assert rc == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    assert not OUR_PROBLEM.findall(log), "\n".join(m.group(0) for m in OUR_PROBLEM.finditer(log))
    assert module not in fresh_db.installed()
    # uninstalling removed the module's own tables' models from the registry data
    leftovers = fresh_db.sql(
        "SELECT m.model FROM ir_model m JOIN ir_model_data d ON d.res_id = m.id AND d.model = 'ir.model' "
        f"WHERE d.module = '{module}'"
    )
    assert not leftovers


def test_install_all_six_together(fresh_db):
    rc, log = fresh_db.odoo("-i", ",".join(MODULES))
    assert rc == 0, log[-3000:]
    assert not OUR_PROBLEM.findall(log), "\n".join(m.group(0) for m in OUR_PROBLEM.finditer(log))
    assert "has no access rules" not in log
    assert fresh_db.installed() == sorted(MODULES)
    groups = fresh_db.sql(
        "SELECT name FROM ir_model_data WHERE module = 'credit_followup' AND model = 'res.groups' ORDER BY name"
    )
    assert [g[0] for g in groups] == ["group_credit_dispute_resolver", "group_credit_manager", "group_credit_reporting"]


def test_uninstall_dispute_resumes_its_paused_invoices(fresh_db):
    """A dispute's pause reason leaves with credit_dispute: its invoices go back to follow-up."""
    rc, log = fresh_db.odoo("-i", "credit_dispute")
    assert rc == 0, log[-3000:]
    rc, log = fresh_db.shell(
        "partner = env['res.partner'].create({'name': 'Disputing BV', 'is_company': True})\n"
        "move = env['account.move'].create({'move_type': 'out_invoice', 'partner_id': partner.id,"
        " 'invoice_line_ids': [(0, 0, {'name': 'x', 'quantity': 1, 'price_unit': 50, 'tax_ids': []})]})\n"
        "move.action_post()\n"
        "env['credit.dispute'].create({'partner_id': partner.id, 'move_ids': [(6, 0, move.ids)]})\n"
        "print('PAUSED', move.id, move.credit_followup_state, move.credit_pause_reason)\n"
        "env.cr.commit()\n"
    )
    assert rc == 0 and "Traceback" not in log, log[-3000:]
    move_id = int(log.split("PAUSED ")[1].split()[0])
    assert f"PAUSED {move_id} paused dispute" in log
    rc, log = fresh_db.shell(
        "env['ir.module.module'].search([('name', '=', 'credit_dispute')]).button_immediate_uninstall()\n"
        "env.cr.commit()\n"
    )
    assert rc == 0 and "Traceback" not in log, log[-3000:]
    state = fresh_db.sql(f"SELECT credit_followup_state, credit_pause_reason FROM account_move WHERE id = {move_id}")
    assert state == [("active", None)]
