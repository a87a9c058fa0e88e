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
        """One list of values per invoice (in the order of ``moves``), in column order. Every value is read
        for all invoices at once: field paths hop by hop over the distinct records of each hop, computed
        values by one grouped query each."""
        sources = set(columns.mapped("source"))
        Case = self.env["credit.collection.case"]
        claims = Case._claims(moves, date) if sources & {"interest", "costs", "claim_total"} else {}
        reminders = Case._reminders_sent(moves) if "reminders_sent" in sources else {}
        contacts = Case._last_contact_dates(moves) if "last_contact_date" in sources else {}
        disputed = Case._disputed_moves(moves) if "dispute" in sources else set()
        paths = {}

        def path(name):
            if name not in paths:
                paths[name] = self._path_values(moves, name)
            return paths[name]

        getters = []
        for column in columns:
            source = column.source
            if source == "field":
                getters.append(path(column.field_path).get)
            elif source == "open_amount":
                getters.append(path("amount_residual").get)
            elif source == "days_overdue":
                due = path("invoice_date_due")
                getters.append(lambda mid, due=due: (date - due[mid]).days if due.get(mid) else 0)
            elif source in ("interest", "costs"):
                getters.append(lambda mid, key=source: claims[mid][key])
            elif source == "claim_total":
                getters.append(lambda mid: claims[mid]["principal"] + claims[mid]["interest"] + claims[mid]["costs"])
            elif source == "reminders_sent":
                getters.append(lambda mid: reminders.get(mid, 0))
            elif source == "last_contact_date":
                getters.append(contacts.get)
            elif source == "dispute":
                getters.append(lambda mid: mid in disputed)
            elif source in ("dossier_name", "case_reference"):
                names = path("credit_collection_case_id.name")
                with_dossier = source == "dossier_name" and bool(Case._dossier_report())
                getters.append(
                    lambda mid, names=names, dossier=with_dossier, source=source: (
                        (Case._dossier_name_of(names[mid]) if dossier else None)
                        if source == "dossier_name"
                        else names.get(mid)
                    )
                )
            else:
                value = column.constant_value or ""
                getters.append(lambda mid, value=value: value)
        return [[getter(mid) for getter in getters] for mid in moves.ids]

    @api.model
    def _path_values(self, moves, path):
        """``{move id: value}`` of a field path from the invoices: each hop reads its field for the distinct
        records of that hop at once (ORM fetch and cache), so 10,000 invoices of 2,000 debtors read the debtors'
        fields 2,000 times, not 10,000. Relational leaves give their display name, selections their label,
        empty values None (booleans stay booleans)."""
        parts = path.split(".")
        current = {mid: mid for mid in moves.ids}
        model = moves.browse()
        field = None
        for index, part in enumerate(parts):
            field = model._fields[part]
            records = model.browse({v for v in current.values() if v})
            values = self._field_values(records, field)
            current = {mid: values.get(rid) if rid else None for mid, rid in current.items()}
            if field.relational and index < len(parts) - 1:
                model = self.env[field.comodel_name]
        if field.relational:
            targets = self.env[field.comodel_name].browse({v for v in current.values() if v})
            names = {record.id: record.display_name for record in targets}
            return {mid: names.get(rid) if rid else None for mid, rid in current.items()}
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return {mid: labels.get(value) if value else None for mid, value in current.items()}
        if field.type == "boolean":
            return {mid: bool(value) for mid, value in current.items()}
        return {mid: None if value is False else value for mid, value in current.items()}

    @api.model
    def _field_values(self, records, field):
        """``{id: value}`` of one field for ``records``; relational values as one id (or None)."""
        if not records:
            return {}
        if field.store and not field.company_dependent and field.type not in ("one2many", "many2many", "binary"):
            records.fetch([field.name])
            cached = records.env.cache.get_until_miss(records, field)
            if len(cached) == len(records):
                if field.type == "many2one":
                    cached = [value.id if isinstance(value, models.BaseModel) else value for value in cached]
                return dict(zip(records._ids, cached, strict=True))
        if field.relational:
            return {record.id: record[field.name][:1].id or None for record in records}
        return {record.id: record[field.name] for record in records}
