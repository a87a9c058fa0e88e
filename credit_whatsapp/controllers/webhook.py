"""The WhatsApp Cloud API webhook: verification handshake (GET) and signed event posts (POST)."""

import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # Meta's event posts are a few kB


class CreditWhatsappWebhook(http.Controller):
    def _account_sudo(self, account_id):
        # sudo: Meta calls without a user; the account's secrets are read to check the call, nothing else
        return request.env["credit.whatsapp.account"].sudo().with_context(active_test=False).browse(account_id).exists()

    @http.route(
        "/credit_whatsapp/webhook/<int:account_id>",
        type="http",
        auth="public",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def credit_whatsapp_verify(self, account_id, **params):
        """Meta's verification: hub.mode=subscribe and our verify token → the challenge as plain text."""
        account_sudo = self._account_sudo(account_id)
        challenge = params.get("hub.challenge")
        if (
            account_sudo
            and params.get("hub.mode") == "subscribe"
            and challenge
            and account_sudo._check_verify_token(params.get("hub.verify_token"))
        ):
            return request.make_response(challenge, headers=[("Content-Type", "text/plain; charset=utf-8")])
        return request.make_response("Forbidden", headers=[("Content-Type", "text/plain")], status=403)

    @http.route(
        "/credit_whatsapp/webhook/<int:account_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def credit_whatsapp_event(self, account_id, **_params):
        """A signed event (messages, statuses): stored at once, matched later by the queue job."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            return request.make_response("Too large", status=413)
        body = httprequest.get_data(cache=True)
        account_sudo = self._account_sudo(account_id)
        if not account_sudo or not account_sudo._check_signature(body, httprequest.headers.get("X-Hub-Signature-256")):
            _logger.info("WhatsApp webhook %s: refused a post without a valid signature", account_id)
            return request.make_response("Forbidden", headers=[("Content-Type", "text/plain")], status=403)
        try:
            payload = json.loads(body)
            account_sudo.with_company(account_sudo.company_id)._webhook_receive(payload)
        except (ValueError, TypeError, AttributeError, KeyError):
            request.env.cr.rollback()
            _logger.warning("WhatsApp webhook %s: a signed post that is not a WhatsApp event", account_id)
            return request.make_response("Bad request", headers=[("Content-Type", "text/plain")], status=400)
        return request.make_response("OK", headers=[("Content-Type", "text/plain")])
