import base64

from odoo import api, fields, models


class CreditCollectionStatusImport(models.TransientModel):
    """Upload an agency's status file; all rows are applied or none."""

    _name = "credit.collection.status.import"
    _description = "Import an agency status file"
    _check_company_auto = True

    agency_id = fields.Many2one(
        "credit.collection.agency", required=True, check_company=True, domain="[('company_id', '=', company_id)]"
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    status_format_id = fields.Many2one(related="agency_id.status_format_id")
    file = fields.Binary(required=True, attachment=False)
    file_name = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    result = fields.Char(readonly=True)
    import_id = fields.Many2one("credit.collection.import", readonly=True)

    @api.model
    def action_open(self, agency=None):
        wizard = self.create({"agency_id": agency.id if agency else False}) if agency else self.browse()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import a status file"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "context": {"default_agency_id": agency.id if agency else False},
        }

    def action_import(self):
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        record, duplicate = self.env["credit.collection.import"]._import_file(self.agency_id, data, self.file_name)
        if duplicate:
            result = self.env._(
                "This file was already imported on %(date)s; nothing changed.",
                date=fields.Datetime.to_string(record.create_date),
            )
        else:
            result = self.env._(
                "%(rows)s rows read, %(changed)s cases changed.", rows=record.row_count, changed=record.changed_count
            )
        self.write({"state": "done", "result": result, "import_id": record.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
