from odoo import api, fields, models
from odoo.osv import expression

from ..tools import whatsapp_api


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_mobile_e164 = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_credit_e164",
        store=True,
        index="btree_not_null",
        help="The mobile number in international form: incoming WhatsApp messages are matched on it.",
    )
    credit_phone_e164 = fields.Char(
        string="Phone (E.164)", compute="_compute_credit_e164", store=True, index="btree_not_null"
    )
    credit_whatsapp_user_id = fields.Char(
        string="WhatsApp user ID",
        index="btree_not_null",
        copy=False,
        help="Meta's business-scoped id of this contact on WhatsApp, kept from their messages: it still finds them "
        "when they hide their number.",
    )
    credit_whatsapp_count = fields.Integer(string="WhatsApp", compute="_compute_credit_whatsapp_count")

    @api.depends("mobile", "phone", "country_id")
    def _compute_credit_e164(self):
        for partner in self:
            partner.credit_mobile_e164 = partner._credit_e164(partner.mobile)
            partner.credit_phone_e164 = partner._credit_e164(partner.phone)

    def _credit_e164(self, number):
        """Odoo's formatting (phone_validation), else any possible number: metadata lags behind new ranges."""
        if not number:
            return False
        country = self.country_id or self.env.company.country_id
        return self._phone_format(number=number) or whatsapp_api.normalize_number(number, country.code)

    def _compute_credit_whatsapp_count(self):
        rows = self.env["credit.whatsapp.message"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in rows}
        for partner in self:
            partner.credit_whatsapp_count = counts.get(partner.commercial_partner_id.id, 0)

    @api.model
    def _credit_whatsapp_candidates(self, company, user_ids, numbers):
        """Partners (of ``company`` or shared) with one of these WhatsApp user ids or E.164 numbers: one query."""
        domains = []
        if user_ids:
            domains.append([("credit_whatsapp_user_id", "in", list(set(user_ids)))])
        if numbers:
            numbers = list(set(numbers))
            domains += [[("credit_mobile_e164", "in", numbers)], [("credit_phone_e164", "in", numbers)]]
        if not domains:
            return self.browse()
        partners = self.search(
            expression.AND(
                [expression.OR(domains), [("company_id", "in", [False, company.id]), ("partner_share", "=", True)]]
            )
        )
        # never one of our own companies or employees
        return partners - self.env["res.company"].sudo().search([]).partner_id  # sudo: all companies' partners

    def _credit_whatsapp_number(self):
        """The E.164 number WhatsApp messages go to: mobile first, then phone."""
        self.ensure_one()
        return self.credit_mobile_e164 or self.credit_phone_e164 or False

    def _credit_whatsapp_opted_out(self, number=None):
        """Opted out of WhatsApp: ``number`` (default: the contact's) or one of the contact's numbers on the
        phone blacklist (credit_followup's ``_credit_opted_out``)."""
        number = number or (self and self._credit_whatsapp_number())
        if number and self.env["phone.blacklist"].sudo().search_count([("number", "=", number)], limit=1):
            return True  # sudo: the blacklist is technical data every sender must respect
        return bool(self and self[:1]._credit_opted_out("whatsapp"))

    def action_credit_whatsapp_compose(self):
        self.ensure_one()
        return self.env["credit.whatsapp.compose"]._credit_action_open(self.commercial_partner_id, contact=self)

    def action_credit_whatsapp_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_whatsapp.action_credit_whatsapp_message")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
