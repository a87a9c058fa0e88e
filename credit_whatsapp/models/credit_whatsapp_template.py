from odoo import api, fields, models

from ..tools import whatsapp_api


class CreditWhatsappTemplate(models.Model):
    """A message template as Meta approved it (read by "Sync templates"), one per name and language."""

    _name = "credit.whatsapp.template"
    _description = "WhatsApp template"
    _order = "account_id, name, language"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, index=True)
    language = fields.Char(required=True, readonly=True, help="Meta's language code, e.g. nl, en_US.")
    category = fields.Char(readonly=True)
    status = fields.Char(readonly=True, index=True, help="APPROVED templates can be sent.")
    parameter_count = fields.Integer(string="Parameters", readonly=True)
    body = fields.Text(readonly=True)
    account_id = fields.Many2one("credit.whatsapp.account", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True, help="Archived when the template is no longer in the business account.")

    _sql_constraints = [
        ("name_lang_uniq", "unique(account_id, name, language)", "A template exists once per name and language.")
    ]

    @api.depends("name", "language", "status")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.name} ({template.language})"

    @api.model
    def _sync(self, account, templates):
        """Create, update and archive the account's templates to what the API listed."""
        existing = {
            (t.name, t.language): t
            for t in self.with_context(active_test=False).search([("account_id", "=", account.id)])
        }
        seen = self.browse()
        to_create = []
        for data in templates:
            key = (data.get("name"), data.get("language"))
            if not all(key):
                continue
            components = data.get("components") or []
            vals = {
                "category": data.get("category") or False,
                "status": data.get("status") or False,
                "parameter_count": whatsapp_api.template_parameter_count(components),
                "body": whatsapp_api.template_body(components) or False,
                "active": True,
            }
            if key in existing:
                existing[key].write(vals)
                seen |= existing[key]
            else:
                to_create.append({"account_id": account.id, "name": key[0], "language": key[1], **vals})
        seen |= self.create(to_create)
        (self.browse([t.id for t in existing.values()]) - seen).write({"active": False})
        return seen

    def _for_lang(self, lang):
        """The approved variant of this template (same name, same account) for an Odoo language code."""
        self.ensure_one()
        variants = self.search(
            [("account_id", "=", self.account_id.id), ("name", "=", self.name), ("status", "=", "APPROVED")]
        )
        if not variants:
            return self.browse()
        lang = lang or ""
        by_code = {v.language: v for v in variants}
        for code in (lang, lang.split("_")[0]):
            if code in by_code:
                return by_code[code]
        for variant in variants:
            if variant.language.split("_")[0] == lang.split("_")[0]:
                return variant
        return self if self in variants else variants[0]
