import base64

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools import consteq, hash_sign, verify_hash_signed
from odoo.tools.misc import hmac

TOKEN_SCOPE = "credit_portal"
CODE_SCOPE = "credit_portal.code"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from a letter


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_portal_generation = fields.Integer(
        copy=False,
        default=0,
        groups="base.group_system",
        help="Signed into the debtor's portal links and letter codes; raised to revoke every one sent so far.",
    )

    # ------------------------------------------------------------------ links
    def _credit_portal_generation(self):
        """(commercial partner, generation): nothing is written, so reminders of a whole batch cost no query each."""
        self.ensure_one()
        partner_sudo = self.commercial_partner_id.sudo()  # the generation is readable by administrators only
        return partner_sudo, partner_sudo.credit_portal_generation or 0

    def _credit_portal_token(self):
        """A signed, expiring token opening this debtor's /my/credit pages (company setting for the lifetime)."""
        partner_sudo, generation = self._credit_portal_generation()
        days = (partner_sudo.company_id or self.env.company).credit_portal_token_days or 60
        return hash_sign(self.env(su=True), TOKEN_SCOPE, {"p": partner_sudo.id, "g": generation}, None, days * 24)

    def _credit_portal_url(self, path="/my/credit"):
        self.ensure_one()
        base_url = self.commercial_partner_id.get_base_url()
        return f"{base_url}{path}?access_token={self._credit_portal_token()}"

    def _credit_portal_code(self):
        """The code printed on a letter: the debtor's id and 8 signed characters (revoked with the links)."""
        partner_sudo, generation = self._credit_portal_generation()
        digest = hmac(self.env(su=True), CODE_SCOPE, f"{partner_sudo.id}:{generation}")
        return f"{partner_sudo.id}-" + "".join(CODE_ALPHABET[int(digest[i : i + 2], 16) % 32] for i in range(0, 16, 2))

    def _credit_portal_letter(self):
        """Short URL, code to type there and a QR code opening the open-invoice (payment) page."""
        self.ensure_one()
        url = self._credit_portal_url("/my/credit/invoices")
        png = self.env["ir.actions.report"].barcode("QR", url, width=240, height=240, quiet=0)
        return {
            "short_url": f"{self.commercial_partner_id.get_base_url()}/my/credit/code",
            "code": self._credit_portal_code(),
            "qr": "data:image/png;base64," + base64.b64encode(png).decode(),
        }

    def _credit_portal_partner_from_token(self, token):
        """The commercial partner (sudo) a portal token was made for; empty when forged, expired or revoked."""
        Partner = self.env["res.partner"]
        if not token or not isinstance(token, str) or len(token) > 1000:
            return Partner
        try:
            payload = verify_hash_signed(self.env(su=True), TOKEN_SCOPE, token)
        except (ValueError, TypeError, UnicodeDecodeError):
            return Partner
        if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
            return Partner
        partner_sudo = Partner.sudo().browse(payload["p"]).exists()  # reading the generation to compare it
        if not partner_sudo or partner_sudo.commercial_partner_id != partner_sudo:
            return Partner
        if payload.get("g") != (partner_sudo.credit_portal_generation or 0):
            return Partner
        return partner_sudo  # the caller shows the debtor's name and address to the token's bearer

    def _credit_portal_partner_from_code(self, code):
        """The debtor whose letter code this is (spaces and case do not matter); empty when wrong or revoked."""
        code = "".join(ch for ch in (code or "").upper() if ch.isalnum() or ch == "-")[:40]
        partner_id, _sep, _sign = code.partition("-")
        if not partner_id.isdigit() or len(partner_id) > 12:
            return self.env["res.partner"]
        partner = self.env["res.partner"].sudo().browse(int(partner_id)).exists()  # checked by the signature below
        if not partner or partner.commercial_partner_id != partner or not consteq(partner._credit_portal_code(), code):
            return self.env["res.partner"]
        return partner

    def action_credit_portal_revoke(self):
        """Every portal link and letter code of these debtors stops working; new reminders carry new ones."""
        if not self.env.user.has_group("credit_followup.group_credit_manager"):
            raise AccessError(self.env._("Only credit managers revoke a debtor's portal links."))
        for partner in self.commercial_partner_id.sudo():  # the generation is readable by administrators only
            partner.credit_portal_generation = (partner.credit_portal_generation or 0) + 1
        return True
