import hashlib
import re
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import consteq
from odoo.tools.misc import hmac as hmac_tool

from .credit_dispute import LINK_ACTIONS, LINK_PERMIT, OPEN_STATES

TOKEN_SCOPE = "credit_dispute.action"
DEFAULT_VALID_DAYS = 14
MAX_GENERATIONS = 50  # older link generations recognised (for a clear message) after reopening/reassigning
# <dispute id>.<action>.<responsible id>.<expiry, unix time>.<HMAC-SHA256, hex>
TOKEN_RE = re.compile(r"^([1-9]\d{0,9})\.(solved|not_solved|reject)\.([1-9]\d{0,9})\.(\d{1,12})\.([0-9a-f]{64})$")


class CreditDisputeToken(models.Model):
    """The e-mail action links of a dispute ("Solved", "Not solved yet", "Reject").

    A link carries a token signed with HMAC-SHA256 over the dispute, the action, the responsible and the
    expiry, keyed with the database secret; nothing is stored when it is sent. A record of this model is
    a token that was used: a link works once.
    """

    _name = "credit.dispute.token"
    _description = "Used dispute action link"
    _order = "id desc"
    _rec_name = "dispute_id"

    token_hash = fields.Char(required=True, readonly=True, index=True, help="SHA-256 of the link's signature.")
    dispute_id = fields.Many2one("credit.dispute", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="dispute_id.company_id", store=True, index=True)
    action = fields.Selection(
        [("solved", "Solved"), ("not_solved", "Not solved yet"), ("reject", "Reject")],
        required=True,
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Used by", required=True, readonly=True, ondelete="cascade")
    date = fields.Datetime(string="Used on", required=True, readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("token_hash_unique", "UNIQUE(token_hash)", "This link was already used."),
    ]

    # ------------------------------------------------------------------ signing
    @api.model
    def _valid_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param("credit_dispute.link_valid_days")
        try:
            days = int(value or DEFAULT_VALID_DAYS)
        except ValueError:
            days = DEFAULT_VALID_DAYS
        return max(days, 1)

    @api.model
    def _signature(self, dispute_id, action, user_id, expiry, generation=0):
        """HMAC-SHA256 over the link's fields and the dispute's link generation (not in the link itself: a
        reopened or reassigned dispute has a new generation, so its older links stop working)."""
        message = (int(dispute_id), action, int(user_id), int(expiry))
        if generation:
            message += (int(generation),)
        # sudo: the key is the database secret, which only the superuser may read
        return hmac_tool(self.env(su=True), TOKEN_SCOPE, message)

    @api.model
    def _make(self, dispute, action, expiry=None):
        """The token of ``action`` on ``dispute`` for its current responsible, valid until ``expiry`` (unix time)."""
        dispute.ensure_one()
        if self.env.context.get("credit_dispute_link_permit") is not LINK_PERMIT:
            # a template preview, the chatter composer or any other render must not sign a working link
            raise AccessError(self.env._("Dispute action links are made only for the responsible's own e-mail."))
        if action not in LINK_ACTIONS:
            raise ValueError(f"Unknown dispute link action {action!r}")
        if expiry is None:
            expiry = int(time.time()) + self._valid_days() * 86400
        expiry = int(expiry)
        user_id = dispute.user_id.id
        signature = self._signature(dispute.id, action, user_id, expiry, dispute.sudo().credit_link_generation)
        return f"{dispute.id}.{action}.{user_id}.{expiry}.{signature}"

    # ------------------------------------------------------------------ checking
    @api.model
    def _may_act(self, user, dispute):
        """An archived user, a portal user or one who left the dispute's company cannot act through a link."""
        return user.active and not user.share and dispute.company_id in user.company_ids

    @api.model
    def _verify(self, token):
        """Check ``token``; changes nothing.

        Returns a dict: ``error`` (False, ``invalid``, ``expired``, ``used``, ``reassigned``, ``outdated`` or
        ``closed``),
        and once the signature is right also ``dispute`` (as superuser: the caller is anonymous), ``action``,
        ``user`` and ``token_hash``.
        """
        match = TOKEN_RE.match(token or "")
        if not match:
            return {"error": "invalid"}
        dispute_id, action, user_id, expiry, signature = match.groups()
        # sudo: only the dispute's link generation is read before the signature is checked
        dispute_sudo = self.env["credit.dispute"].sudo().browse(int(dispute_id)).exists()
        if not dispute_sudo:
            return {"error": "invalid"}
        generation = dispute_sudo.credit_link_generation
        expected = self._signature(dispute_id, action, user_id, expiry, generation)
        if not consteq(signature, expected):
            # a genuine link of before the dispute was reopened or reassigned: say so, change nothing
            older = any(
                consteq(signature, self._signature(dispute_id, action, user_id, expiry, previous))
                for previous in range(max(generation - MAX_GENERATIONS, 0), generation)
            )
            if not older:
                return {"error": "invalid"}
            result = {"error": "outdated", "dispute": dispute_sudo, "action": action}
            result["user"] = self.env["res.users"].sudo().browse(int(user_id))
            if dispute_sudo.user_id.id != int(user_id):
                result["error"] = "reassigned"
            return result
        token_hash = hashlib.sha256(expected.encode()).hexdigest()
        result = {
            "error": False,
            "dispute": dispute_sudo,
            "action": action,
            "user": self.env["res.users"].sudo().browse(int(user_id)),
            "token_hash": token_hash,
        }
        if self.sudo().search_count([("token_hash", "=", token_hash)], limit=1):
            result["error"] = "used"
        elif int(expiry) < time.time():
            result["error"] = "expired"
        elif dispute_sudo.user_id.id != int(user_id) or not self._may_act(result["user"], dispute_sudo):
            result["error"] = "reassigned"
        elif dispute_sudo.state not in OPEN_STATES:
            result["error"] = "closed"
        return result
