"""The writers byte for byte against files in tests/expected/, written by hand-checked rules:
UTF-8 and cp1252, separators, fixed widths, non-ASCII names, negative and large amounts, formula-like names."""

import datetime
import io
from pathlib import Path

from odoo.tests import BaseCase, tagged

from odoo.addons.credit_collection_export.tools import writers

EXPECTED = Path(__file__).parent / "expected"

COLUMNS = [
    writers.Column("Invoice", "text", width=14),
    writers.Column("Debtor", "text", width=20),
    writers.Column("Due date", "date", width=8),
    writers.Column("Open amount", "number", width=12, align="right", pad="0", decimals=2, sign="plus_minus"),
    writers.Column("Days", "integer", width=5, align="right", sign="minus"),
    writers.Column("Disputed", "boolean", width=1),
]
ROWS = [
    ["INV/2026/0001", "Bakkerij Süß & Zonen", datetime.date(2026, 1, 15), 1234.5, 46, False],
    ["INV/2026/0002", '=HYPERLINK("http://x.example")', datetime.date(2026, 2, 1), -250.0, 29, True],
    ["INV/2026/0003", 'Łódź Trading; "Best" Co', datetime.date(2026, 3, 10), 1234567.891, -8, False],
    ["INV/2026/0004", "+31 Handel", None, 0.005, 0, None],
    ["INV/2026/0005", "@risk BV", datetime.date(2026, 12, 31), -0.004, 120, True],
    ["INV/2026/0006", "-Minus Café", datetime.date(2026, 6, 30), -98765.43, -1, False],
]
LAYOUTS = {
    "utf8_semicolon.csv": writers.Layout("csv", "utf-8", ";", '"', False, ",", "%d-%m-%Y", True, "\r\n"),
    "cp1252_comma_quoted.csv": writers.Layout("csv", "cp1252", ",", '"', True, ".", "%Y-%m-%d", True, "\n"),
    "cp1252_fixed.txt": writers.Layout("fixed", "cp1252", ";", '"', False, "", "%Y%m%d", False, "\r\n"),
    "utf8_fixed_header.txt": writers.Layout("fixed", "utf-8", ";", '"', False, ",", "%d%m%y", True, "\n"),
    "claims.xlsx": writers.Layout("xlsx", "utf-8", ";", '"', False, ",", "%d-%m-%Y", True, "\r\n", "Claims"),
}
CREATED = datetime.datetime(2026, 3, 2)


@tagged("post_install", "-at_install")
class TestWriters(BaseCase):
    def test_files_byte_for_byte(self):
        for name, layout in LAYOUTS.items():
            with self.subTest(file=name):
                data = writers.write(layout, COLUMNS, ROWS, created=CREATED)
                self.assertEqual(data, (EXPECTED / name).read_bytes())

    def test_csv_cells_never_run_as_formulas(self):
        text = writers.write(LAYOUTS["utf8_semicolon.csv"], COLUMNS, ROWS).decode()
        self.assertIn('"\'=HYPERLINK(""http://x.example"")"', text)
        self.assertIn(";'+31 Handel;", text)
        self.assertIn(";'@risk BV;", text)
        self.assertIn(";'-Minus Café;", text)
        # numbers keep their sign: they are numbers, not formulas
        self.assertIn(";-250,00;", text)
        self.assertIn(";-98765,43;", text)

    def test_cp1252_transliterates_what_it_cannot_hold(self):
        data = writers.write(LAYOUTS["cp1252_comma_quoted.csv"], COLUMNS, ROWS)
        self.assertIn('"Lódz Trading; ""Best"" Co"'.encode("cp1252"), data)  # Ł and ź are not in cp1252
        self.assertIn("Bakkerij Süß & Zonen".encode("cp1252"), data)  # ü and ß exist in cp1252

    def test_fixed_width_lines_have_the_same_length(self):
        lines = (EXPECTED / "cp1252_fixed.txt").read_bytes().split(b"\r\n")[:-1]
        self.assertEqual({len(line) for line in lines}, {sum(c.width for c in COLUMNS)})
        self.assertEqual(lines[2][42:54], b"+00123456789")  # 1,234,567.891 rounded, decimals implied
        self.assertEqual(lines[5][42:54], b"-00009876543")

    def test_fixed_width_number_overflow_is_an_error(self):
        column = writers.Column("Amount", "number", width=6, align="right")
        with self.assertRaises(writers.FieldOverflow):
            writers.write(LAYOUTS["cp1252_fixed.txt"], [column], [[1234567.0]])

    def test_xlsx_cells(self):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO((EXPECTED / "claims.xlsx").read_bytes()))
        sheet = book["Claims"]
        self.assertEqual([c.value for c in sheet[1]], [c.header for c in COLUMNS])
        self.assertEqual(sheet["B3"].value, '=HYPERLINK("http://x.example")')
        self.assertEqual(sheet["B3"].data_type, "s")  # a string, never a formula
        self.assertEqual(sheet["D4"].value, 1234567.89)
        self.assertEqual(sheet["D7"].value, -98765.43)
        self.assertEqual(sheet["C2"].value, datetime.datetime(2026, 1, 15))
        self.assertEqual(sheet["E4"].value, -8)
        self.assertEqual(sheet["B4"].value, 'Łódź Trading; "Best" Co')
