from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditMailPublicDomain(models.Model):
    """A public mail provider (gmail.com, ziggo.nl…): anyone can have an address there, so a sender's domain on this
    list never tells which debtor writes; only exact contact addresses and replies to our own e-mails do."""

    _name = "credit.mail.public.domain"
    _description = "Public mail provider"
    _order = "name"

    name = fields.Char(string="Mail domain", required=True, help="The part after the @, e.g. gmail.com.")
    company_id = fields.Many2one(
        "res.company", help="Empty: for all companies (the shipped list). Set: an extra domain of one company."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_company_unique", "UNIQUE(name, company_id)", "This mail domain is already listed.")]

    @api.model
    def _normalize(self, domain):
        return (domain or "").strip().lower().lstrip("@").rstrip(".")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "name" in vals:
                vals["name"] = self._normalize(vals["name"])
        return super().create(vals_list)

    def write(self, vals):
        if "name" in vals:
            vals["name"] = self._normalize(vals["name"])
        return super().write(vals)

    @api.constrains("name")
    def _check_name(self):
        for record in self:
            if "@" in record.name or "." not in record.name or " " in record.name:
                raise ValidationError(self.env._("%(name)s is not a mail domain (e.g. gmail.com).", name=record.name))

    @api.model
    def _is_public_provider(self, domain, company):
        """Whether ``domain`` is a public mail provider for ``company`` (read as the gateway: sudo by the caller)."""
        domain = self._normalize(domain)
        if not domain:
            return True
        return bool(
            self.search_count(
                [("name", "=", domain), "|", ("company_id", "=", False), ("company_id", "=", company.id)], limit=1
            )
        )
