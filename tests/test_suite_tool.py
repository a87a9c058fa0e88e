"""tools/suite.py reads test results as a person would: the final summaries, every failure counted."""

import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

spec = importlib.util.spec_from_file_location("suite", ROOT / "tools" / "suite.py")
suite = importlib.util.module_from_spec(spec)
spec.loader.exec_module(suite)


def test_pytest_summary_is_the_final_line():
    out = "\n".join(  # noqa: FLY002 - one log line per item
        [
            "tests/test_a.py ....F.E",
            "INFO some log line: 12 passed earlier, 0 failed",
            "FAILED tests/test_a.py::test_x - AssertionError",
            "1 failed, 5 passed, 1 error in 12.31s",
        ]
    )
    assert suite.pytest_counts(out) == {"failed": 1, "passed": 5, "error": 1}


def test_pytest_summary_with_banners_and_errors_only():
    assert suite.pytest_counts("===== 2 errors in 0.40s =====") == {"error": 2}
    assert suite.pytest_counts("== 40 passed, 3 skipped, 2 warnings in 91.02s (0:01:31) ==") == {
        "passed": 40,
        "skipped": 3,
        "warning": 2,
    }
    assert suite.pytest_counts("collected 0 items\nsomething crashed") is None


def test_warnings_while_demo_data_loads_are_problems():
    log = "\n".join(  # noqa: FLY002 - one log line per item
        [
            "2026-03-02 10:00:00,000 1 INFO db odoo.modules.loading: loading credit_followup/views/menus.xml",
            "2026-03-02 10:00:00,000 1 INFO db odoo.modules.loading: Module credit_followup: loading demo",
            "2026-03-02 10:00:01,000 1 WARNING db odoo.addons.credit_followup.models.credit_followup_demo: no IBAN",
            "2026-03-02 10:00:01,000 1 WARNING db odoo.addons.base.models.ir_actions_report: wkhtmltopdf: switch",
            "2026-03-02 10:00:02,000 1 INFO db odoo.addons.credit_followup.tests.test_x: Starting TestX.test_y ...",
            "2026-03-02 10:00:03,000 1 WARNING db odoo.addons.credit_followup.tests.test_x: expected in a test",
        ]
    )
    problems = suite.demo_problems(log)
    assert len(problems) == 1
    assert "no IBAN" in problems[0]


def test_run_says_when_odoo_never_answers():
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(suite.SuiteError, match="did not answer on port 18199"):
            suite.wait_for_port(idle, 18199, 2, "odoo.log")
    finally:
        idle.kill()
        idle.wait()
