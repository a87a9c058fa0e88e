"""Format writers for collection exports: plain Python, no Odoo.

A layout is a :class:`Layout` (file-level settings) and a list of :class:`Column` (one per output
column, in order). Rows are lists of Python values — ``str``, ``int``, ``float``, ``datetime.date``,
``bool`` or ``None`` — in column order. Each writer returns the file as ``bytes``.

Rules every writer shares:

- numbers are rounded half away from zero to the column's decimals and written with the layout's
  decimal separator (an empty separator writes the decimals implied: 12.50 with 2 decimals → ``1250``);
- dates use the layout's ``strftime`` pattern (XLSX: real date cells with the equivalent number format);
- booleans are written ``1`` / ``0``; ``None`` is an empty cell;
- text that the encoding cannot hold is transliterated (``Łódź`` → ``Lodz`` in cp1252), never dropped;
- CSV text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading ``'`` so
  a spreadsheet never runs them as a formula; numbers are never touched (``-12.50`` stays a number);
- XLSX text is always written as a string cell (never a formula);
- fixed width: text is cut to the width, a number that does not fit raises :class:`FieldOverflow`.
"""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("text", "number", "integer", "date", "boolean")
SIGNS = ("minus", "plus_minus", "trailing", "none")


class FieldOverflow(ValueError):
    """A value does not fit a fixed-width column."""

    def __init__(self, column, value, row_index):
        self.column = column
        self.value = value
        self.row_index = row_index
        super().__init__(f"{value!r} does not fit in {column.width} characters (column {column.header!r})")


@dataclass
class Column:
    header: str
    kind: str = "text"  # one of KINDS
    width: int = 0  # fixed width: characters; XLSX: column width (0 = from the header)
    align: str = "left"  # fixed width: left / right
    pad: str = " "  # fixed width: padding character
    decimals: int = 2
    sign: str = "minus"  # one of SIGNS


@dataclass
class Layout:
    file_type: str = "csv"  # csv / xlsx / fixed
    encoding: str = "utf-8"
    delimiter: str = ";"
    quotechar: str = '"'
    quote_all: bool = False
    decimal_separator: str = ","
    date_format: str = "%d-%m-%Y"
    header: bool = True
    line_ending: str = "\r\n"
    sheet_name: str = "Claims"


# ------------------------------------------------------------------ values
def round_half_up(value, decimals):
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_number(value, column, layout):
    """The number as text without its sign decision applied to padding (see :func:`number_parts`)."""
    sign, digits = number_parts(value, column, layout)
    if column.sign == "trailing":
        return digits + (sign or "")
    return (sign or "") + digits


def number_parts(value, column, layout):
    """(sign text, digits text) of a number for the column's decimals, sign style and separator."""
    decimals = 0 if column.kind == "integer" else max(column.decimals, 0)
    number = round_half_up(value or 0, decimals)
    negative = number < 0
    number = abs(number)
    if layout.decimal_separator:
        digits = f"{number:.{decimals}f}".replace(".", layout.decimal_separator)
    else:  # implied decimals
        digits = str(int(number.scaleb(decimals)))
    if column.sign == "none":
        return "", digits
    if column.sign == "plus_minus":
        return ("-" if negative else "+"), digits
    if column.sign == "trailing":
        return ("-" if negative else " "), digits
    return ("-" if negative else ""), digits


def format_value(value, column, layout):
    """The text of one cell for CSV and fixed width."""
    if value is None or (value is False and column.kind != "boolean"):
        return ""
    if column.kind == "boolean":
        return "1" if value else "0"
    if column.kind in ("number", "integer"):
        return format_number(value, column, layout)
    if column.kind == "date":
        if isinstance(value, datetime.date):
            return value.strftime(layout.date_format)
        return str(value)
    return str(value)


def _encodable(text, encoding):
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def transliterate(text, encoding):
    """``text`` made encodable in ``encoding``: accents dropped where needed, other characters as ``?``."""
    if _encodable(text, encoding):
        return text
    out = []
    for char in text:
        if _encodable(char, encoding):
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        base = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ı": "i"}.get(char, base)
        out.append((base or "?") if _encodable(base, encoding) else "?")
    return "".join(out)


def neutralize(text):
    """A text cell a spreadsheet will not run as a formula."""
    if text and text.startswith(FORMULA_START):
        return "'" + text
    return text


def _encode(text, layout):
    return transliterate(text, layout.encoding).encode(layout.encoding)


# ------------------------------------------------------------------ CSV
def write_csv(layout, columns, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=layout.delimiter,
        quotechar=layout.quotechar or '"',
        quoting=csv.QUOTE_ALL if layout.quote_all else csv.QUOTE_MINIMAL,
        lineterminator=layout.line_ending,
    )
    if layout.header:
        writer.writerow([neutralize(col.header) for col in columns])
    for row in rows:
        cells = []
        for col, value in zip(columns, row, strict=True):
            text = format_value(value, col, layout)
            cells.append(neutralize(text) if col.kind in ("text", "date") else text)
        writer.writerow(cells)
    return _encode(buffer.getvalue(), layout)


# ------------------------------------------------------------------ fixed width
def fixed_cell(value, column, layout, row_index=0):
    width = column.width
    pad = column.pad or " "
    if column.kind in ("number", "integer") and value not in (None, False):
        sign, digits = number_parts(value, column, layout)
        if pad != " " and column.align == "right" and column.sign != "trailing":
            text = sign + digits.rjust(width - len(sign), pad)
        else:
            text = digits + sign if column.sign == "trailing" else sign + digits
            text = text.rjust(width, pad) if column.align == "right" else text.ljust(width, pad)
        if len(text) > width:
            raise FieldOverflow(column, value, row_index)
        return text
    text = transliterate(format_value(value, column, layout).replace("\r", " ").replace("\n", " "), layout.encoding)
    text = text[:width]
    return text.rjust(width, pad) if column.align == "right" else text.ljust(width, pad)


def write_fixed(layout, columns, rows):
    lines = []
    if layout.header:
        lines.append("".join(fixed_cell(col.header, Column(col.header, width=col.width), layout) for col in columns))
    for index, row in enumerate(rows):
        lines.append("".join(fixed_cell(v, col, layout, index) for col, v in zip(columns, row, strict=True)))
    text = "".join(line + layout.line_ending for line in lines)
    return _encode(text, layout)


# ------------------------------------------------------------------ XLSX
STRFTIME_TO_EXCEL = (("%Y", "yyyy"), ("%y", "yy"), ("%m", "mm"), ("%d", "dd"), ("%b", "mmm"), ("%B", "mmmm"))


def excel_date_format(pattern):
    for py, xl in STRFTIME_TO_EXCEL:
        pattern = pattern.replace(py, xl)
    return pattern


def write_xlsx(layout, columns, rows, created=None):
    """An XLSX workbook built in memory. ``created`` (a datetime) fixes the document's creation date so
    the same data gives the same bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties({"created": created or datetime.datetime(2000, 1, 1)})
    sheet = workbook.add_worksheet((layout.sheet_name or "Sheet1")[:31])
    bold = workbook.add_format({"bold": True})
    date_fmt = workbook.add_format({"num_format": excel_date_format(layout.date_format)})
    number_fmts = {}
    for col in columns:
        if col.kind == "number" and col.decimals not in number_fmts:
            number_fmts[col.decimals] = workbook.add_format(
                {"num_format": "0." + "0" * col.decimals if col.decimals > 0 else "0"}
            )
    for index, col in enumerate(columns):
        sheet.set_column(index, index, col.width or max(len(col.header) + 2, 10))
    row_index = 0
    if layout.header:
        for index, col in enumerate(columns):
            sheet.write_string(0, index, col.header, bold)
        row_index = 1
    write_string, write_number, write_datetime, write_blank = (
        sheet.write_string,
        sheet.write_number,
        sheet.write_datetime,
        sheet.write_blank,
    )
    for row in rows:
        for index, (col, value) in enumerate(zip(columns, row, strict=True)):
            kind = col.kind
            if value is None or (value is False and kind != "boolean"):
                write_blank(row_index, index, None)
            elif kind == "number":
                write_number(row_index, index, float(round_half_up(value, col.decimals)), number_fmts[col.decimals])
            elif kind == "integer":
                write_number(row_index, index, int(value))
            elif kind == "boolean":
                write_number(row_index, index, 1 if value else 0)
            elif kind == "date" and isinstance(value, datetime.date):
                if not isinstance(value, datetime.datetime):
                    value = datetime.datetime.combine(value, datetime.time())
                write_datetime(row_index, index, value, date_fmt)
            else:
                write_string(row_index, index, str(value))
        row_index += 1
    workbook.close()
    return buffer.getvalue()


WRITERS = {"csv": write_csv, "fixed": write_fixed}


def write(layout, columns, rows, created=None):
    """The file for ``layout.file_type`` as bytes."""
    if layout.file_type == "xlsx":
        return write_xlsx(layout, columns, rows, created=created)
    return WRITERS[layout.file_type](layout, columns, rows)
