from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import writers

# The documented computed values a column can hold (README, "Export formats").
COMPUTED_SOURCES = [
    ("open_amount", "Open amount"),
    ("days_overdue", "Days overdue"),
    ("interest", "Statutory interest to date"),
    ("costs", "Collection costs"),
    ("claim_total", "Total claim (open amount + interest + costs)"),
    ("reminders_sent", "Reminders sent"),
    ("last_contact_date", "Last contact date"),
    ("dispute", "Dispute flag"),
    ("dossier_name", "Dossier file name"),
    ("case_reference", "Case reference"),
    ("constant", "Fixed text"),
]
KIND_OF_SOURCE = {
    "open_amount": "number",
    "interest": "number",
    "costs": "number",
    "claim_total": "number",
    "days_overdue": "integer",
    "reminders_sent": "integer",
    "last_contact_date": "date",
    "dispute": "boolean",
    "dossier_name": "text",
    "case_reference": "text",
    "constant": "text",
}
KIND_OF_FIELD_TYPE = {
    "float": "number",
    "monetary": "number",
    "integer": "integer",
    "date": "date",
    "datetime": "date",
    "boolean": "boolean",
}
STATUS_FIELDS = [
    ("case", "Case reference"),
    ("agency_reference", "Agency's reference"),
    ("state", "Status"),
    ("amount_collected", "Amount collected"),
    ("fee_amount", "Fees"),
    ("date", "Status date"),
    ("note", "Remark"),
]


class CreditCollectionFormatColumn(models.Model):
    _name = "credit.collection.format.column"
    _description = "Collection file column"
    _order = "sequence, id"

    format_id = fields.Many2one("credit.collection.format", required=True, ondelete="cascade", index=True)
    purpose = fields.Selection(related="format_id.purpose")
    file_type = fields.Selection(related="format_id.file_type")
    sequence = fields.Integer(default=10)
    header = fields.Char(string="Header label", required=True, translate=True)
    source = fields.Selection(
        [("field", "Field of the invoice or debtor"), *COMPUTED_SOURCES],
        default="field",
        help="A field path on the invoice (e.g. name, invoice_date_due, partner_id.vat, "
        "commercial_partner_id.street) or one of the computed values.",
    )
    field_path = fields.Char(help="Dotted path from the invoice, e.g. commercial_partner_id.vat or currency_id.name.")
    constant_value = fields.Char(string="Fixed text")
    status_field = fields.Selection(STATUS_FIELDS, string="Reads", help="Status file: what this column holds.")
    kind = fields.Selection(
        [(k, k.capitalize()) for k in writers.KINDS],
        compute="_compute_kind",
        store=True,
        readonly=False,
        help="How the value is written: text, number (with decimals), integer, date or boolean (1/0).",
    )
    width = fields.Integer(help="Fixed width: characters. XLSX: column width (0: from the header).")
    align = fields.Selection([("left", "Left"), ("right", "Right")], default="left")
    pad = fields.Char(string="Padding", default=" ", size=1, help="Fixed width: the character that fills the column.")
    decimals = fields.Integer(default=2)
    sign = fields.Selection(
        [
            ("minus", "Minus sign in front when negative"),
            ("plus_minus", "Always a sign in front (+/-)"),
            ("trailing", "Sign after the number (- or space)"),
            ("none", "No sign (absolute value)"),
        ],
        default="minus",
    )

    @api.depends("source", "field_path")
    def _compute_kind(self):
        Move = self.env["account.move"]
        for column in self:
            if column.source == "field":
                field = column._path_field(Move, column.field_path) if column.field_path else None
                column.kind = KIND_OF_FIELD_TYPE.get(field.type, "text") if field else "text"
            else:
                column.kind = KIND_OF_SOURCE.get(column.source, "text")

    @staticmethod
    def _path_field(model, path):
        """The last field of ``path`` from ``model``, or None when the path is not valid."""
        field = None
        for part in path.split("."):
            field = model._fields.get(part)
            if field is None:
                return None
            if field.relational:
                model = model.env[field.comodel_name]
        return field

    @api.constrains("source", "field_path", "status_field", "format_id")
    def _check_source(self):
        Move = self.env["account.move"]
        for column in self:
            if column.format_id.purpose == "status":
                if not column.status_field:
                    raise ValidationError(self.env._("Column %(column)s: say what it reads.", column=column.header))
                continue
            if column.source == "field" and not (column.field_path and self._path_field(Move, column.field_path)):
                raise ValidationError(
                    self.env._(
                        "Column %(column)s: %(path)s is not a field path on the invoice.",
                        column=column.header,
                        path=column.field_path or "",
                    )
                )

    def _spec(self):
        self.ensure_one()
        return writers.Column(
            header=self.header or "",
            kind=self.kind or "text",
            width=self.width,
            align=self.align or "left",
            pad=self.pad or " ",
            decimals=self.decimals,
            sign=self.sign or "minus",
        )

    # ------------------------------------------------------------------ values
    @api.model
    def _export_rows(self, columns, moves, date):
        """One list of values per invoice, in column order; every computed value is read for all invoices
        at once."""
        sources = set(columns.mapped("source"))
        Case = self.env["credit.collection.case"]
        claims = Case._claims(moves, date) if sources & {"interest", "costs", "claim_total"} else {}
        reminders = Case._reminders_sent(moves) if "reminders_sent" in sources else {}
        contacts = Case._last_contact_dates(moves) if "last_contact_date" in sources else {}
        disputed = Case._disputed_moves(moves) if "dispute" in sources else set()
        getters = []
        for column in columns:
            source = column.source
            if source == "field":
                getters.append(self._field_getter(column.field_path))
            elif source == "open_amount":
                getters.append(lambda m: m.amount_residual)
            elif source == "days_overdue":
                getters.append(lambda m: (date - m.invoice_date_due).days if m.invoice_date_due else 0)
            elif source == "interest":
                getters.append(lambda m: claims[m.id]["interest"])
            elif source == "costs":
                getters.append(lambda m: claims[m.id]["costs"])
            elif source == "claim_total":
                getters.append(lambda m: claims[m.id]["principal"] + claims[m.id]["interest"] + claims[m.id]["costs"])
            elif source == "reminders_sent":
                getters.append(lambda m: reminders.get(m.id, 0))
            elif source == "last_contact_date":
                getters.append(lambda m: contacts.get(m.id))
            elif source == "dispute":
                getters.append(lambda m: m.id in disputed)
            elif source == "dossier_name":
                getters.append(lambda m: m.credit_collection_case_id._dossier_file_name() or None)
            elif source == "case_reference":
                getters.append(lambda m: m.credit_collection_case_id.name or None)
            else:
                value = column.constant_value or ""
                getters.append(lambda m, value=value: value)
        return [[getter(move) for getter in getters] for move in moves]

    def _field_getter(self, path):
        parts = path.split(".")
        field = self._path_field(self.env["account.move"], path)
        labels = dict(field._description_selection(self.env)) if field.type == "selection" else {}

        def getter(move):
            record = move
            for part in parts[:-1]:
                record = record[part][:1]
            value = record[parts[-1]]
            if field.relational:
                return value[:1].display_name or None
            if field.type == "selection":
                return labels.get(value) if value else None
            if value is False and field.type != "boolean":
                return None
            return value

        return getter
