"""format.export(moves) on real invoices: the file byte for byte, the documented computed values, the
shipped formats, the preview, and queries that do not grow with the number of invoices."""

import datetime
import io
from pathlib import Path

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import CreditCollectionCommon

EXPECTED = Path(__file__).parent / "expected"


@freeze_time("2026-03-02")
@tagged("post_install", "-at_install")
class TestExport(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor.write({"name": "Bakkerij Süß & Zonen", "vat": "NL123456789B01"})
        cls.formula = cls._debtor("=SUM(A1:A9) Trading", "sum@example.com")
        cls.inv1 = cls._invoice(cls.debtor, 46, amount=1000.0)
        cls.inv2 = cls._invoice(cls.debtor, 12, amount=1500.0)
        cls.inv3 = cls._invoice(cls.formula, 400, amount=250000.0)
        cls.inv4 = cls._invoice(cls.consumer, -5, amount=99.99)
        cls.moves = cls.inv1 | cls.inv2 | cls.inv3 | cls.inv4
        Log = cls.env["credit.followup.log"].sudo()  # the engine writes the log, not users
        for step in (cls.steps["First reminder"], cls.steps["Second reminder"], cls.steps["Call"]):
            Log.create(
                {
                    "move_id": cls.inv1.id,
                    "partner_id": cls.debtor.id,
                    "company_id": cls.company.id,
                    "step_id": step.id,
                    "channel": step.channel,
                    "date": datetime.date(2026, 2, 1),
                    "state": "done",
                }
            )
        cls.env["mail.message"].create(
            {
                "model": "account.move",
                "res_id": cls.inv1.id,
                "body": "Reminder",
                "message_type": "notification",
                "subtype_id": cls.env.ref("credit_followup.mt_credit_reminder_email").id,
                "date": datetime.datetime(2026, 2, 20, 9, 30),
            }
        )
        cls.format = cls.env["credit.collection.format"].create(
            {
                "name": "Test CSV",
                "file_type": "csv",
                "encoding": "cp1252",
                "delimiter": ";",
                "decimal_separator": ",",
                "date_format": "%d-%m-%Y",
                "line_ending": "crlf",
                "file_name_pattern": "claims-%(reference)s-%(date)s",
                "column_ids": [
                    Command.create({"header": header, "source": source, "field_path": path, "constant_value": value})
                    for header, source, path, value in [
                        ("Invoice", "field", "name", False),
                        ("Debtor", "field", "commercial_partner_id.name", False),
                        ("VAT", "field", "commercial_partner_id.vat", False),
                        ("Due", "field", "invoice_date_due", False),
                        ("Open", "open_amount", False, False),
                        ("Days", "days_overdue", False, False),
                        ("Interest", "interest", False, False),
                        ("Costs", "costs", False, False),
                        ("Claim", "claim_total", False, False),
                        ("Reminders", "reminders_sent", False, False),
                        ("Last contact", "last_contact_date", False, False),
                        ("Disputed", "dispute", False, False),
                        ("Record", "constant", False, "CLM"),
                    ]
                ],
            }
        )

    def test_csv_byte_for_byte(self):
        name, data = self.format.export(self.moves, reference="TEST", date=self.today)
        self.assertEqual(name, "claims-TEST-20260302.csv")
        self.assertEqual(data, (EXPECTED / "invoices_cp1252.csv").read_bytes())

    def test_computed_values_by_hand(self):
        rows = {row[0]: row for row in self._rows()}
        inv1 = rows[self.inv1.name]
        self.assertEqual(inv1[4:6], [1000.0, 46])
        # commercial interest 10.15 % from 2025-07-01: 1,000 × 10.15 % × 46 / 365 = 12.79
        self.assertAlmostEqual(inv1[6], 12.79, places=2)
        # WIK on the debtor's 2,500: 15 % = 375.00, shared 1,000 : 1,500 → 150.00 and 225.00
        self.assertAlmostEqual(inv1[7], 150.0, places=2)
        self.assertAlmostEqual(rows[self.inv2.name][7], 225.0, places=2)
        self.assertEqual(inv1[9], 2)  # two reminders (e-mails), the call is not a reminder
        self.assertEqual(inv1[10], datetime.date(2026, 2, 20))
        # 250,000: 375 + 250 + 250 + 1,900 + 250 = 3,025.00 (WIK), whatever the interest
        self.assertAlmostEqual(rows[self.inv3.name][7], 3025.0, places=2)
        # a consumer without a proven 14-day notice owes no costs; not yet due: negative days, no interest
        self.assertEqual(rows[self.inv4.name][5:8], [-5, 0.0, 0.0])

    def _rows(self):
        return self.env["credit.collection.format.column"]._export_rows(self.format.column_ids, self.moves, self.today)

    def test_consumer_costs_need_the_proven_notice(self):
        consumer_inv = self._invoice(self.consumer, 60, amount=400.0)
        Case = self.env["credit.collection.case"]
        self.assertEqual(Case._claims(consumer_inv, self.today)[consumer_inv.id]["costs"], 0.0)
        # letter sent 17 days ago: received after 2 working days, 14 days after that → term not yet passed
        log = self._notice_log(consumer_inv, 17)
        self.assertEqual(Case._claims(consumer_inv, self.today)[consumer_inv.id]["costs"], 0.0)
        sent = self.today - datetime.timedelta(days=19)
        log.write({"date": sent, "notice_deadline": self.company._credit_notice_deadline(sent, "letter")})
        self.assertEqual(Case._claims(consumer_inv, self.today)[consumer_inv.id]["costs"], 60.0)  # 15 % of 400
        log.state = "failed"  # a failed notice proves nothing
        self.assertEqual(Case._claims(consumer_inv, self.today)[consumer_inv.id]["costs"], 0.0)

    def test_shipped_formats(self):
        name, data = self.format_csv.export(self.moves, reference="X", date=self.today)
        self.assertTrue(name.endswith(".csv"))
        text = data.decode("utf-8")
        lines = text.split("\r\n")
        self.assertEqual(len(lines), 6)  # header, four invoices, end
        self.assertTrue(lines[0].startswith("Invoice;Invoice date;Due date;Debtor;VAT number;"))
        self.assertIn("'=SUM(A1:A9) Trading", text)
        import openpyxl

        name, data = self.format_xlsx.export(self.moves, date=self.today)
        self.assertTrue(name.endswith(".xlsx"))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet.max_row, 5)
        self.assertEqual(sheet["D5"].value, "=SUM(A1:A9) Trading")
        self.assertEqual(sheet["D5"].data_type, "s")

    def test_dutch_headers_of_the_shipped_format(self):
        _name, data = self.format_csv.with_context(lang="nl_NL").export(self.inv1, date=self.today)
        self.assertTrue(data.decode().startswith("Factuur;Factuurdatum;Vervaldatum;Debiteur;"))

    def test_fixed_width_export(self):
        fixed = self.format.copy({"name": "Fixed", "decimal_separator": "none", "header": False})
        widths = [16, 30, 14, 10, 12, 5, 10, 10, 12, 3, 10, 1, 3]
        for column, width in zip(fixed.column_ids, widths, strict=True):
            column.width = width
            if column.kind in ("number", "integer"):
                column.write({"align": "right", "pad": "0"})
        fixed.file_type = "fixed"
        _name, data = fixed.export(self.moves, date=self.today)
        lines = data.split(b"\r\n")[:-1]
        self.assertEqual({len(line) for line in lines}, {sum(widths)})
        self.assertEqual(len(lines), 4)
        self.assertIn(b"000100000", lines[0])  # 1,000.00 with implied decimals, zero padded
        self.assertIn("Bakkerij Süß & Zonen".encode("cp1252"), lines[0])
        fixed.column_ids[4].width = 4
        with self.assertRaisesRegex(Exception, "does not fit"):
            fixed.export(self.moves, date=self.today)

    def test_preview_and_validation(self):
        self.assertIn("<table", self.format.preview_html)
        self.assertIn(self.inv1.name, self.format.preview_html)
        with self.assertRaises(ValidationError):
            self.format.column_ids[0].field_path = "partner_id.no_such_field"
        with self.assertRaises(ValidationError):
            self.format.date_format = "%Q"

    def test_queries_do_not_grow_with_invoices(self):
        many = self.env["account.move"]
        for i in range(40):
            many |= self._invoice(self.debtor if i % 2 else self.formula, 30 + i, amount=100.0 + i)
        counts = {}
        for _round in range(2):  # the first round also fills Odoo's caches (access rules, users)
            for moves in (many[:8], many):
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                self.format.export(moves, date=self.today)
                counts[len(moves)] = self.env.cr.sql_log_count - before
        counts = [counts[8], counts[40]]
        self.assertEqual(counts[0], counts[1], "export queries must not depend on the number of invoices")
