import datetime
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import writers

FILE_TYPES = [("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("fixed", "Fixed-width text")]
DATE_DIRECTIVES = "dmyYbBj%"
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "fixed": "txt"}


class CreditCollectionFormat(models.Model):
    """A declarative file layout an agency wants: file type, text settings and ordered columns.

    ``purpose`` export: what we send (one row per invoice). ``status``: how we read the agency's return
    file (one row per case)."""

    _name = "credit.collection.format"
    _description = "Collection file format"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the format can be used by every company's agencies."
    )
    purpose = fields.Selection(
        [("export", "Hand-over file"), ("status", "Status file from the agency")],
        required=True,
        default="export",
        help="Hand-over file: the claims we send, one row per invoice. Status file: the agency's report on "
        "the cases, one row per case, read when importing.",
    )
    file_type = fields.Selection(FILE_TYPES, required=True, default="csv")
    encoding = fields.Selection(
        [("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (cp1252)")],
        required=True,
        default="utf-8",
        help="Characters the encoding cannot hold are written without their accent (Ł → L) or as '?'.",
    )
    delimiter = fields.Selection(
        [(";", "Semicolon ;"), (",", "Comma ,"), ("\t", "Tab"), ("|", "Pipe |")], default=";", required=True
    )
    quotechar = fields.Selection([('"', 'Double quote "'), ("'", "Single quote '")], string="Quote", default='"')
    quote_all = fields.Boolean(
        string="Quote every cell", help="Off: only cells that contain the delimiter, a quote or a line break."
    )
    decimal_separator = fields.Selection(
        [(",", "Comma ,"), (".", "Point ."), ("none", "None (implied decimals)")],
        default=",",
        required=True,
        help="None: the decimals are implied, e.g. 12.50 with 2 decimals is written 1250 (fixed-width files).",
    )
    date_format = fields.Char(
        default="%d-%m-%Y", required=True, help="Python strftime pattern, e.g. %d-%m-%Y, %Y%m%d or %Y-%m-%d."
    )
    header = fields.Boolean(string="Header row", default=True)
    line_ending = fields.Selection([("crlf", "Windows (CR LF)"), ("lf", "Unix (LF)")], default="crlf", required=True)
    sheet_name = fields.Char(default="Claims", help="Name of the worksheet (XLSX).")
    file_name_pattern = fields.Char(
        string="File name",
        default="claims-%(date)s",
        required=True,
        help="Without extension. Placeholders: %(date)s (YYYYMMDD), %(reference)s (case or batch), %(company)s.",
    )
    status_mapping = fields.Text(
        help="Status file: one line per agency status code, CODE=state, with state one of in_progress, paid, "
        "partly_paid, returned, written_off. Our own state codes are always understood.",
    )
    column_ids = fields.One2many("credit.collection.format.column", "format_id", string="Columns", copy=True)
    preview_move_ids = fields.Many2many(
        "account.move",
        string="Sample invoices",
        compute="_compute_preview",
        help="The newest open invoices of the current company, used for the preview.",
    )
    preview_html = fields.Html(string="Preview", compute="_compute_preview", sanitize=False)

    @api.constrains("date_format")
    def _check_date_format(self):
        for fmt in self:
            if set(re.findall(r"%(.)", fmt.date_format or "")) - set(DATE_DIRECTIVES):
                raise ValidationError(self.env._("The date format %(format)s is not valid.", format=fmt.date_format))

    @api.constrains("file_type", "column_ids", "purpose")
    def _check_fixed_widths(self):
        for fmt in self:
            if fmt.file_type == "fixed" and fmt.column_ids.filtered(lambda c: c.width <= 0):
                raise ValidationError(self.env._("Every column of a fixed-width format needs a width."))
            if fmt.purpose == "status" and fmt.file_type == "fixed":
                raise ValidationError(self.env._("Status files are read as CSV or XLSX."))

    # ------------------------------------------------------------------ layout
    def _layout(self):
        self.ensure_one()
        return writers.Layout(
            file_type=self.file_type,
            encoding=self.encoding,
            delimiter=self.delimiter or ";",
            quotechar=self.quotechar or '"',
            quote_all=self.quote_all,
            decimal_separator="" if self.decimal_separator == "none" else self.decimal_separator,
            date_format=self.date_format,
            header=self.header,
            line_ending="\r\n" if self.line_ending == "crlf" else "\n",
            sheet_name=self.sheet_name or "Claims",
        )

    def _columns(self):
        return [column._spec() for column in self.column_ids]

    def _file_name(self, reference=None, date=None):
        self.ensure_one()
        date = date or self.env.company._credit_today()
        values = {
            "date": date.strftime("%Y%m%d"),
            "reference": (reference or "").replace("/", "-"),
            "company": self.env.company.name or "",
        }
        try:
            stem = self.file_name_pattern % values  # the user's pattern uses %(name)s
        except (KeyError, ValueError, TypeError):
            stem = "claims-{date}".format(**values)
        return f"{stem}.{EXTENSIONS[self.file_type]}"

    # ------------------------------------------------------------------ export
    def export(self, moves, reference=None, date=None):
        """The hand-over file for ``moves``: one row per invoice, ordered by debtor, due date and number.

        Returns ``(file_name, bytes)``. The values are read for all invoices at once (the queries do not
        grow with the number of invoices, apart from the ORM reading 1,000 records per query)."""
        self.ensure_one()
        return self._export_many({reference or "": moves}, date)[reference or ""]

    def _export_many(self, groups, date=None):
        """``{key: moves}`` → ``{key: (file_name, bytes)}``, one file per key (a case or a reference), the
        values read once for all the invoices."""
        self.ensure_one()
        if self.purpose != "export":
            raise UserError(self.env._("%(format)s is a status file format, not a hand-over format.", format=self.name))
        if not self.column_ids:
            raise UserError(self.env._("The format %(format)s has no columns.", format=self.name))
        date = date or self.env.company._credit_today()
        all_moves = self.env["account.move"].union(*groups.values())
        rows = self.env["credit.collection.format.column"]._export_rows(self.column_ids, all_moves, date)
        row_of = dict(zip(all_moves.ids, rows, strict=True))
        layout = self._layout()
        columns = self._columns()
        created = datetime.datetime.combine(date, datetime.time())
        result = {}
        Column = self.env["credit.collection.format.column"]
        debtor = Column._field_values(all_moves, all_moves._fields["commercial_partner_id"])
        due = Column._path_values(all_moves, "invoice_date_due")
        number = Column._path_values(all_moves, "name")
        for key, moves in groups.items():
            ids = sorted(moves.ids, key=lambda mid: (debtor[mid] or 0, due[mid] or date, number[mid] or "", mid))
            moves = moves.browse(ids)
            try:
                data = writers.write(layout, columns, [row_of[mid] for mid in ids], created=created)
            except writers.FieldOverflow as exc:
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s: %(value)s does not fit in column %(column)s (%(width)s characters).",
                        invoice=moves[exc.row_index].name,
                        value=exc.value,
                        column=exc.column.header,
                        width=exc.column.width,
                    )
                ) from exc
            reference = key.name if isinstance(key, models.BaseModel) else key
            result[key] = (self._file_name(reference, date), data)
        return result

    def _mimetype(self):
        self.ensure_one()
        return {
            "csv": "text/csv",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "fixed": "text/plain",
        }[self.file_type]

    # ------------------------------------------------------------------ preview
    @api.depends_context("company")
    @api.depends("column_ids", "file_type", "decimal_separator", "date_format", "header", "delimiter", "encoding")
    def _compute_preview(self):
        Move = self.env["account.move"]
        samples = Move.search(self.env["credit.collection.case"]._open_invoice_domain(), order="id desc", limit=5)
        for fmt in self:
            fmt.preview_move_ids = samples
            fmt.preview_html = fmt._preview_html(samples) if fmt.purpose == "export" and samples else False

    def _preview_html(self, moves):
        """The first rows as they will be written: an HTML table for CSV/XLSX, the raw lines for fixed width."""
        self.ensure_one()
        date = self.env.company._credit_today()
        try:
            if self.file_type == "fixed":
                _name, data = self.export(moves, date=date)
                text = data.decode(self.encoding)
                return Markup("<pre class='small'>%s</pre>") % text
            columns = self._columns()
            layout = self._layout()
            rows = self.env["credit.collection.format.column"]._export_rows(self.column_ids, moves, date)
        except UserError as exc:
            return Markup("<div class='alert alert-warning'>%s</div>") % exc.args[0]
        head = Markup("").join(Markup("<th>%s</th>") % col.header for col in columns)
        body = Markup("")
        for row in rows:
            cells = Markup("").join(
                Markup("<td>%s</td>") % writers.format_value(value, col, layout)
                for col, value in zip(columns, row, strict=True)
            )
            body += Markup("<tr>%s</tr>") % cells
        return Markup(
            "<table class='table table-sm table-bordered'><thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (
            head,
            body,
        )

    # ------------------------------------------------------------------ status files
    def _status_map(self):
        """Agency status code (upper case) → our case state."""
        self.ensure_one()
        allowed = {"in_progress", "paid", "partly_paid", "returned", "written_off"}
        mapping = {code.upper(): code for code in allowed}
        for line in (self.status_mapping or "").splitlines():
            code, sep, state = line.partition("=")
            if sep and state.strip() in allowed and code.strip():
                mapping[code.strip().upper()] = state.strip()
        return mapping

    def _parse_number(self, text):
        """A number from a status file: the format's decimal separator, or a plain number from a spreadsheet."""
        text = (text or "").strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            return 0.0
        if self.decimal_separator == ",":
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
        return float(text)

    def _parse_date(self, text):
        text = (text or "").strip()
        if not text:
            return False
        for pattern in (self.date_format, "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(text)
