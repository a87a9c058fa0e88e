import hashlib
import mimetypes

from odoo import api, fields, models
from odoo.exceptions import UserError

from .credit_collection_case import CASE_STATES, TRANSITIONS

MAX_ERRORS_SHOWN = 20


class CreditCollectionImport(models.Model):
    """One status file read from an agency: what it changed, and its checksum so the same file is never
    applied twice."""

    _name = "credit.collection.import"
    _description = "Agency status file"
    _order = "id desc"
    _check_company_auto = True

    agency_id = fields.Many2one("credit.collection.agency", required=True, index=True, check_company=True)
    company_id = fields.Many2one(related="agency_id.company_id", store=True)
    file_name = fields.Char(required=True)
    checksum = fields.Char(required=True, index=True)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, required=True)
    row_count = fields.Integer(string="Rows")
    changed_count = fields.Integer(string="Cases changed")

    _sql_constraints = [
        ("agency_checksum_uniq", "unique(agency_id, checksum)", "This status file was already imported.")
    ]

    @api.model
    def _import_file(self, agency, data, file_name):
        """Apply an agency's status file to its cases, all or nothing.

        Returns ``(import record, duplicate)``; a file imported before changes nothing. Raises UserError
        listing every bad row by its line number (the header is line 1), and then nothing is written."""
        agency.check_access("read")
        self.env["credit.collection.case"].check_access("write")
        fmt = agency.status_format_id
        if not fmt:
            raise UserError(self.env._("Set the agency's status file format first."))
        if not data:
            raise UserError(self.env._("The file is empty."))
        checksum = hashlib.sha256(data).hexdigest()
        previous = self.search([("agency_id", "=", agency.id), ("checksum", "=", checksum)], limit=1)
        if previous:
            return previous, True
        rows = self._read_rows(fmt, data, file_name)
        changes, errors = self._check_rows(agency, fmt, rows)
        if errors:
            shown = errors[:MAX_ERRORS_SHOWN]
            more = len(errors) - len(shown)
            message = self.env._("Nothing was imported; the file has errors:") + "\n" + "\n".join(shown)
            if more:
                message += "\n" + self.env._("… and %(count)s more.", count=more)
            raise UserError(message)
        changed = self.env["credit.collection.case"]
        with self.env.cr.savepoint():
            for case, vals, state, status_date in changes:
                if state and state != case.state:
                    case._set_state(state, date=status_date)
                    changed |= case
                vals = {key: value for key, value in vals.items() if case[key] != value}
                if vals:
                    case.write(vals)
                    changed |= case
            record = self.create(
                {
                    "agency_id": agency.id,
                    "file_name": file_name or "status",
                    "checksum": checksum,
                    "row_count": len(rows) - 1,
                    "changed_count": len(changed),
                }
            )
        return record, False

    @api.model
    def _read_rows(self, fmt, data, file_name):
        """The rows of the file (header first) through base_import's readers (CSV, XLSX, XLS, ODS)."""
        mimetype = mimetypes.guess_type(file_name or "")[0] or ("text/csv" if fmt.file_type == "csv" else "")
        importer = self.env["base_import.import"].create(
            {"res_model": "credit.collection.case", "file": data, "file_name": file_name, "file_type": mimetype}
        )
        options = {"quoting": fmt.quotechar or '"', "separator": fmt.delimiter, "encoding": fmt.encoding}
        try:
            _length, rows = importer._read_file(options)
        except (ValueError, UnicodeDecodeError) as exc:
            raise UserError(self.env._("The file cannot be read: %(error)s", error=exc)) from exc
        except UserError:
            raise
        except Exception as exc:  # the readers raise what their libraries raise on a bad file
            raise UserError(self.env._("The file cannot be read: %(error)s", error=exc)) from exc
        if not rows:
            raise UserError(self.env._("The file is empty."))
        return [list(row) for row in rows]

    @api.model
    def _check_rows(self, agency, fmt, rows):
        """(changes, errors): every row checked before anything is written."""
        header = [cell.strip().lower() for cell in rows[0]]
        index = {}
        for column in fmt.column_ids:
            label = (column.header or "").strip().lower()
            if label in header:
                index[column.status_field] = header.index(label)
        missing = []
        if "case" not in index and "agency_reference" not in index:
            missing.append(self.env._("a case reference"))
        if "state" not in index:
            missing.append(self.env._("a status"))
        if missing:
            raise UserError(
                self.env._(
                    "The file's header does not match the format %(format)s: it needs %(missing)s.",
                    format=fmt.name,
                    missing=", ".join(missing),
                )
            )
        cases = self.env["credit.collection.case"].search([("agency_id", "=", agency.id)])
        by_name = {case.name.lower(): case for case in cases}
        by_reference = {case.agency_reference.lower(): case for case in cases if case.agency_reference}
        status_map = fmt._status_map()
        states = dict(CASE_STATES)
        seen = set()
        changes, errors = [], []

        context = {
            "index": index,
            "by_name": by_name,
            "by_reference": by_reference,
            "status_map": status_map,
            "states": states,
            "seen": seen,
        }
        for line, row in enumerate(rows[1:], 2):
            change, problems = self._check_row(fmt, row, context)
            if problems:
                errors.append(self.env._("Line %(line)s: %(problems)s", line=line, problems="; ".join(problems)))
            else:
                seen.add(change[0].id)
                changes.append(change)
        return changes, errors

    @api.model
    def _check_row(self, fmt, row, context):
        """((case, vals, state, status date), problems) of one row."""
        index = context["index"]

        def cell(key):
            position = index.get(key)
            return row[position].strip() if position is not None and position < len(row) else ""

        problems = []
        ref = cell("case")
        agency_ref = cell("agency_reference")
        if ref:
            case = context["by_name"].get(ref.lower())
        else:
            case = context["by_reference"].get(agency_ref.lower()) if agency_ref else None
        if case is None:
            problems.append(self.env._("unknown case %(ref)s", ref=ref or agency_ref or "-"))
        elif case.id in context["seen"]:
            problems.append(self.env._("case %(case)s appears twice", case=case.name))
        code = cell("state")
        state = context["status_map"].get(code.upper())
        states = context["states"]
        if not state:
            problems.append(self.env._("unknown status %(status)s", status=code or "-"))
        elif case is not None and state != case.state and state not in TRANSITIONS.get(case.state, ()):
            problems.append(
                self.env._(
                    "case %(case)s cannot go from %(old)s to %(new)s",
                    case=case.name,
                    old=states[case.state],
                    new=states[state],
                )
            )
        vals = self._check_row_amounts(fmt, cell, index, case, problems)
        status_date = False
        if "date" in index:
            try:
                status_date = fmt._parse_date(cell("date"))
            except ValueError:
                problems.append(self.env._("%(value)s is not a date", value=cell("date")))
        if case is not None:
            if agency_ref and ref:
                vals["agency_reference"] = agency_ref
            if "note" in index:
                vals["status_note"] = cell("note") or False
            if status_date:
                vals["status_date"] = status_date
        return (case, vals, state, status_date or None), problems

    @api.model
    def _check_row_amounts(self, fmt, cell, index, case, problems):
        vals = {}
        for key in ("amount_collected", "fee_amount"):
            if key not in index:
                continue
            try:
                value = fmt._parse_number(cell(key))
            except ValueError:
                problems.append(self.env._("%(value)s is not an amount", value=cell(key)))
                continue
            if value < 0:
                problems.append(self.env._("negative amount %(value)s", value=cell(key)))
            elif case is not None:
                vals[key] = case.currency_id.round(value)
        if case is not None and vals.get("amount_collected", 0.0) > case.amount_total + 0.005:
            problems.append(self.env._("collected %(amount)s is more than the claim", amount=cell("amount_collected")))
        return vals
