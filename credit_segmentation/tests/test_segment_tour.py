import logging
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker

HOOT_SUITE = "@credit_segmentation"
HOOT_PASSED_TEST = re.compile(r'Test "(@credit_segmentation/[^"]+)" passed')
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
class TestSegmentTour(HttpCase):
    def test_risk_badge_hoot(self):
        """The badge widget's hoot tests, and only ours, run and pass (hoot succeeds on an empty selection)."""
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
        self.assertEqual(totals[-1], 2, "both badge tests, and nothing else")
        self.assertEqual(len(ours), 2)
        self.assertTrue(all(name.startswith("@credit_segmentation/risk_badge/") for name in ours), ours)

    def test_simulate_from_the_segment_form(self):
        company = self.env.ref("base.user_admin").company_id
        env = self.env(context={"allowed_company_ids": company.ids, "tracking_disable": True})
        Segment = env["credit.segment"]
        Segment.search([("company_id", "=", company.id)]).active = False  # only the tour's segments
        risky = Segment.create({"name": "Tour risky", "company_id": company.id, "risk_min": 90, "sequence": 1})
        rest = Segment.create({"name": "Tour rest", "company_id": company.id, "is_default": True})
        debtor = env["res.partner"].create({"name": "Tour Segment Debtor BV", "is_company": True})
        today = fields.Date.today()
        move = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": today - timedelta(days=60),
                    "invoice_date_due": today - timedelta(days=30),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": "Beans", "quantity": 1, "price_unit": 250.0, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        self.assertEqual(debtor.with_company(company).credit_segment_id, rest)
        Segment.sudo().assign(companies=company)  # the other debtors (demo data) into the tour's segments too
        self.start_tour("/odoo", "credit_segmentation_tour", login="admin")
        debtor.invalidate_recordset()
        self.assertEqual(debtor.with_company(company).credit_segment_id, rest, "the simulation moved nobody")
        self.assertEqual(risky.risk_min, 90)
