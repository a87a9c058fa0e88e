import logging
import re

from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker

HOOT_SUITE = "@credit_followup"
HOOT_PASSED_TEST = re.compile(r'Test "(@credit_followup/[^"]+)" passed')
HOOT_PASSED_TOTAL = re.compile(r"\[HOOT\] passed (\d+) tests")


def hoot_id(full_name):
    """Hoot's id of a suite or test (generateHash in web/static/lib/hoot/hoot_utils.js)."""
    value = 0
    for char in full_name:
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return f"{value:08x}"


class _ConsoleCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@tagged("post_install", "-at_install")
class TestTimelineWidget(HttpCase):
    def setUp(self):
        super().setUp()
        company = self.env.ref("base.user_admin").company_id
        Profile = self.env["credit.followup.profile"].with_context(active_test=False)
        if not Profile.search_count([("name", "=", "B2B standard"), ("company_id", "=", company.id)]):
            Profile.create(
                {
                    "name": "B2B standard",
                    "company_id": company.id,
                    "step_ids": [
                        (0, 0, {"name": "Courtesy reminder", "offset_days": -3, "channel": "email", "optional": True}),
                        (0, 0, {"name": "First reminder", "offset_days": 7, "channel": "email"}),
                        (0, 0, {"name": "Second reminder", "offset_days": 21, "channel": "letter"}),
                        (0, 0, {"name": "Final notice", "offset_days": 35, "channel": "letter", "final_step": True}),
                    ],
                }
            )

    def test_timeline_hoot(self):
        """Our hoot tests, and only ours, run and pass (hoot succeeds on an empty selection)."""
        collector = _ConsoleCollector()
        browser_logger = self._logger.getChild("browser")
        browser_logger.addHandler(collector)
        try:
            self.browser_js(
                f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&suite={hoot_id(HOOT_SUITE)}",
                "",
                "",
                login="admin",
                timeout=900,
                success_signal="[HOOT] test suite succeeded",
                error_checker=unit_test_error_checker,
            )
        finally:
            browser_logger.removeHandler(collector)
        totals = [int(n) for msg in collector.messages for n in HOOT_PASSED_TOTAL.findall(msg)]
        ours = {name for msg in collector.messages for name in HOOT_PASSED_TEST.findall(msg)}
        self.assertTrue(totals, "hoot did not report how many tests passed")
        self.assertGreater(totals[-1], 0, "no hoot test matched the credit_followup suite")
        self.assertEqual(
            totals[-1], len(ours), "tests outside the credit_followup suite ran, or their results were not logged"
        )
        self.assertTrue(
            any(name.startswith("@credit_followup/followup_timeline/") for name in ours),
            "the timeline widget's hoot tests did not run",
        )

    def test_timeline_tour(self):
        self.start_tour("/odoo", "credit_followup_timeline_tour", login="admin")
