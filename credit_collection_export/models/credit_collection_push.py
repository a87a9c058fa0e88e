import json
import logging
import threading
from datetime import timedelta

import requests
from markupsafe import Markup

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

TIMEOUT = 20
RETRY_STATUS = (408, 425, 429, 500, 502, 503, 504)
MAX_DELAY = timedelta(hours=24)


class CreditCollectionPush(models.Model):
    """One message to an agency's API (hand-over, payment, recall), sent by a cron job with retries.

    Transient failures (network, timeouts, HTTP 408/425/429/5xx) are retried after the agency's first
    retry delay, doubling each time (and never before a Retry-After the agency gives), until its number
    of attempts; any other answer is final. Each result is logged on the case."""

    _name = "credit.collection.push"
    _description = "Push to a collection agency"
    _order = "id desc"
    _check_company_auto = True

    case_id = fields.Many2one("credit.collection.case", required=True, ondelete="cascade", index=True)
    agency_id = fields.Many2one(related="case_id.agency_id", store=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    event = fields.Selection([("hand_over", "Hand-over"), ("payment", "Payment"), ("recall", "Recall")], required=True)
    amount = fields.Float(help="Payment: the amount registered.")
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Sent"), ("failed", "Failed")], default="queued", required=True, index=True
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt = fields.Datetime(default=fields.Datetime.now, index=True)
    date_done = fields.Datetime(string="Sent on", readonly=True)
    response_code = fields.Integer(readonly=True)
    last_error = fields.Char(readonly=True)

    @api.model
    def _enqueue(self, cases, event, amount=0.0):
        pushes = self.create([{"case_id": case.id, "event": event, "amount": amount} for case in cases])
        self.env.ref("credit_collection_export.ir_cron_credit_collection_push")._trigger()
        return pushes

    @api.model
    def _cron_send(self, now=None, limit=100):
        """Send the queued pushes that are due; commits after each one outside tests."""
        now = now or fields.Datetime.now()
        pushes = self.search(
            [("state", "=", "queued"), ("next_attempt", "<=", now)], limit=limit, order="next_attempt, id"
        )
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        for done, push in enumerate(pushes, 1):
            push._send(now)
            if auto_commit:
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(pushes) - done)
                self.env.cr.commit()  # pylint: disable=invalid-commit  # one push per transaction: never sent twice
        return pushes

    def _send(self, now):
        self.ensure_one()
        case = self.case_id
        agency = case.agency_id
        agency_sudo = agency.sudo()  # sudo: the endpoint and credentials are readable by credit managers only
        headers, auth = agency._request_auth()
        payload = case._payload(self.event, amount=self.amount)
        self.attempt_count += 1
        retry_after = None
        try:
            if agency.push_method == "file" and self.event == "hand_over" and case.export_attachment_id:
                file = payload.pop("file")
                attachment = case.export_attachment_id
                response = requests.post(
                    agency_sudo.endpoint_url,
                    data={"event": self.event, "case": case.name, "payload": json.dumps(payload)},
                    files={"file": (file["name"], attachment.raw, attachment.mimetype)},
                    headers=headers,
                    auth=auth,
                    timeout=TIMEOUT,
                )
            else:
                response = requests.post(
                    agency_sudo.endpoint_url, json=payload, headers=headers, auth=auth, timeout=TIMEOUT
                )
        except requests.RequestException as exc:
            self._failed(now, str(exc) or exc.__class__.__name__, retry=True)
            return
        self.response_code = response.status_code
        if 200 <= response.status_code < 300:
            reference = None
            try:
                reference = (response.json() or {}).get("reference")
            except ValueError:
                _logger.info("agency %s answered without JSON", agency.name)
            self.write({"state": "done", "date_done": now, "last_error": False})
            if reference and not case.agency_reference:
                case.agency_reference = str(reference)[:64]
            case.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "%(event)s sent to %(agency)s (HTTP %(code)s).",
                    event=dict(self._fields["event"]._description_selection(self.env))[self.event],
                    agency=agency.name,
                    code=response.status_code,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        if response.status_code == 429 or response.status_code == 503:
            retry_after = response.headers.get("Retry-After")
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        self._failed(now, error, retry=response.status_code in RETRY_STATUS, retry_after=retry_after)

    def _failed(self, now, error, retry, retry_after=None):
        agency = self.case_id.agency_id
        if retry and self.attempt_count < max(agency.push_max_attempts, 1):
            delay = timedelta(minutes=max(agency.push_retry_minutes, 1) * 2 ** (self.attempt_count - 1))
            if retry_after and retry_after.isdigit():
                delay = max(delay, timedelta(seconds=int(retry_after)))
            delay = min(delay, MAX_DELAY)
            self.write({"last_error": error, "next_attempt": now + delay})
            body = self.env._(
                "Sending to %(agency)s failed (attempt %(attempt)s): %(error)s. Next attempt at %(when)s UTC.",
                agency=agency.name,
                attempt=self.attempt_count,
                error=error,
                when=fields.Datetime.to_string(now + delay),
            )
        else:
            self.write({"state": "failed", "last_error": error})
            body = self.env._(
                "Sending to %(agency)s failed for good after %(attempt)s attempt(s): %(error)s. Send the file by hand "
                "or retry.",
                agency=agency.name,
                attempt=self.attempt_count,
                error=error,
            )
        _logger.info("credit collection push %s: %s", self.id, error)
        self.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_retry(self):
        self.filtered(lambda p: p.state == "failed").write(
            {"state": "queued", "next_attempt": fields.Datetime.now(), "attempt_count": 0}
        )
        self.env.ref("credit_collection_export.ir_cron_credit_collection_push")._trigger()
