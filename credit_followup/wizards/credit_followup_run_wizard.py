from odoo import fields, models


class CreditFollowupRunWizard(models.TransientModel):
    """Run follow-up now for the current company ("Run follow-up now")."""

    _name = "credit.followup.run.wizard"
    _description = "Run follow-up now"

    date = fields.Date(required=True, default=lambda self: self.env.company._credit_today())
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )

    def action_run(self):
        self.ensure_one()
        summary = self.env["credit.followup.engine"].run(companies=self.company_id, date=self.date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.followup.run",
            "res_id": summary["run_ids"][-1],
            "view_mode": "form",
            "target": "current",
        }

    def action_preview(self):
        self.ensure_one()
        preview = self.env["credit.followup.preview"].create({"date": self.date, "company_id": self.company_id.id})
        return preview.action_compute()
