"""Status files from the agency: a good file, a file with bad rows (nothing written, line numbers),
the same file twice (nothing changes), XLSX through base_import, manual entry."""

import io
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import CreditCollectionCommon


@freeze_time("2026-03-02")
@tagged("post_install", "-at_install")
class TestStatusImport(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv1 = cls._invoice(cls.debtor, 60, amount=1000.0)
        cls.inv2 = cls._invoice(cls.debtor2, 60, amount=2000.0)
        cls.cases = cls.agency.hand_over(cls.inv1 | cls.inv2, date=date(2026, 1, 31))
        cls.case1 = cls.cases.filtered(lambda c: c.partner_id == cls.debtor)
        cls.case2 = cls.cases - cls.case1

    def _csv(self, *lines):
        return ("\r\n".join(["Case;Agency reference;Status;Collected;Fees;Date;Remark", *lines]) + "\r\n").encode()

    def _import(self, data, name="status.csv"):
        return self.env["credit.collection.import"].with_user(self.manager)._import_file(self.agency, data, name)

    def test_good_file(self):
        data = self._csv(
            f"{self.case1.name};AG-77;BETAALD;1.150,00;172,50;25-02-2026;Paid in full",
            f"{self.case2.name};AG-78;LOPEND;500,00;75,00;26-02-2026;Payment plan",
        )
        record, duplicate = self._import(data)
        self.assertFalse(duplicate)
        self.assertEqual((record.row_count, record.changed_count), (2, 2))
        self.assertEqual(self.case1.state, "paid")
        self.assertEqual(self.case1.amount_collected, 1150.0)
        self.assertEqual(self.case1.fee_amount, 172.5)
        self.assertEqual(self.case1.agency_reference, "AG-77")
        self.assertEqual(str(self.case1.date_closed), "2026-02-25")
        self.assertEqual(self.case1.days_to_collect, 25)  # handed over on 31 January
        self.assertEqual(self.case2.state, "in_progress")
        self.assertEqual(self.case2.status_note, "Payment plan")
        # the agency's figures
        self.assertEqual(self.agency.amount_collected, 1650.0)
        self.assertEqual(self.agency.fee_amount, 247.5)

    def test_bad_rows_reject_the_whole_file(self):
        data = self._csv(
            f"{self.case1.name};AG-77;BETAALD;1.150,00;172,50;25-02-2026;ok",
            "COLL/2099/9999;;BETAALD;1,00;0;25-02-2026;unknown case",
            f"{self.case2.name};;WHATEVER;abc;-3;31-31-2026;bad",
        )
        with self.assertRaises(UserError) as caught:
            self._import(data)
        message = caught.exception.args[0]
        self.assertIn("Nothing was imported", message)
        self.assertIn("Line 3: unknown case COLL/2099/9999", message)
        self.assertIn("Line 4: unknown status WHATEVER", message)
        self.assertIn("abc is not an amount", message)
        self.assertIn("negative amount -3", message)
        self.assertIn("31-31-2026 is not a date", message)
        self.assertNotIn("Line 2", message)
        self.assertEqual(self.case1.state, "handed_over")
        self.assertEqual(self.case1.amount_collected, 0.0)
        self.assertFalse(self.env["credit.collection.import"].search([("agency_id", "=", self.agency.id)]))

    def test_same_file_twice_changes_nothing(self):
        data = self._csv(f"{self.case1.name};AG-77;DEELS;400,00;60,00;25-02-2026;")
        self._import(data)
        self.assertEqual(self.case1.state, "partly_paid")
        messages = len(self.case1.message_ids)
        record, duplicate = self._import(data)
        self.assertTrue(duplicate)
        self.assertEqual(len(self.case1.message_ids), messages)
        # the same content in another file (other line ending) changes nothing either
        record, duplicate = self._import(data.replace(b"\r\n", b"\n"), "again.csv")
        self.assertFalse(duplicate)
        self.assertEqual(record.changed_count, 0)
        self.assertEqual(len(self.case1.message_ids), messages)

    def test_transitions_are_checked(self):
        self.case1.action_recall()
        data = self._csv(f"{self.case1.name};;LOPEND;0;0;;")
        with self.assertRaisesRegex(UserError, "Line 2: case .* cannot go from Recalled to In progress"):
            self._import(data)

    def test_header_must_match_the_format(self):
        with self.assertRaisesRegex(UserError, "needs a status"):
            self._import(b"Case;Amount\r\nX;1\r\n")
        with self.assertRaisesRegex(UserError, "cannot be read|Unable to read"):
            self._import(b"\x00\x01\x02garbage", "status.xlsx")

    def test_xlsx_file_by_agency_reference(self):
        import xlsxwriter

        self.case2.agency_reference = "AG-9"
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        for col, value in enumerate(["Agency reference", "Status", "Collected", "Fees"]):
            sheet.write_string(0, col, value)
        sheet.write_string(1, 0, "AG-9")
        sheet.write_string(1, 1, "paid")
        sheet.write_number(1, 2, 2000.5)
        sheet.write_number(1, 3, 300)
        book.close()
        wizard = (
            self.env["credit.collection.status.import"]
            .with_user(self.manager)
            .create(
                {
                    "agency_id": self.agency.id,
                    "file": __import__("base64").b64encode(buffer.getvalue()),
                    "file_name": "s.xlsx",
                }
            )
        )
        wizard.action_import()
        self.assertIn("1 rows read, 1 cases changed", wizard.result)
        self.assertEqual(self.case2.state, "paid")
        self.assertEqual(self.case2.amount_collected, 2000.5)

    def test_manual_entry(self):
        self.case1.with_user(self.manager).write({"amount_collected": 300.0, "fee_amount": 45.0})
        self.case1.with_user(self.manager).action_partly_paid()
        self.assertEqual(self.case1.state, "partly_paid")
        self.assertEqual(self.case1.amount_outstanding, 0.0)  # closed: nothing outstanding at the agency
