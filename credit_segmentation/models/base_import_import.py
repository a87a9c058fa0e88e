from odoo import models


class BaseImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        """Mark the "Test" run: what it creates is rolled back, so it scores and assigns nothing."""
        if dryrun:
            self = self.with_context(credit_import_dryrun=True)  # noqa: PLW0642
        return super().execute_import(fields, columns, options, dryrun=dryrun)
