"""A local stand-in for Meta's WhatsApp Cloud API (Graph API), for the tests.

An HTTP server on 127.0.0.1 that checks what our client sends as the real API does — bearer token,
JSON body of a text or template message, a known template with the right number of parameters, the
24-hour rule for free text — and answers with Meta's shapes, error answers included:

- ``POST /<version>/<phone_number_id>/messages`` → ``{"messaging_product", "contacts", "messages": [{"id"}]}``
- ``GET /<version>/<waba_id>/message_templates`` → ``{"data": [...], "paging": {...}}`` (two pages)
- ``GET /<version>/<media_id>`` → the media's URL, MIME type, size; ``GET /media/<media_id>`` → the bytes

Errors: 190 (bad or expired token), 131026 (numbers in ``undeliverable``), 131047 (free text to a
number without an open window), 132000 (parameter count), 132001 (unknown template or language),
130429 / 131056 (queued with :meth:`FakeCloudApi.fail_next`), and a 200 without message id
(``broken_success``).
"""

import hashlib
import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ERRORS = {
    190: (401, "OAuthException", "Error validating access token: Session has expired."),
    131026: (400, "OAuthException", "(#131026) Message undeliverable"),
    131047: (400, "OAuthException", "(#131047) Re-engagement message"),
    132000: (400, "OAuthException", "(#132000) Number of parameters does not match the expected number of params"),
    132001: (404, "OAuthException", "(#132001) Template name does not exist in the translation"),
    130429: (429, "OAuthException", "(#130429) Rate limit hit"),
    131056: (400, "OAuthException", "(#131056) (Business Account, Consumer Account) pair rate limit hit"),
    100: (400, "OAuthException", "(#100) Invalid parameter"),
}


def error_body(code, details=None):
    status, kind, message = ERRORS[code]
    return status, {
        "error": {
            "message": message,
            "type": kind,
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": "AbCdEfGh123",
        }
    }


class FakeCloudApi:
    """Start with :meth:`start`, stop with :meth:`stop`; ``requests`` lists what it received."""

    def __init__(self, token="test-token", phone_number_id="1000001", waba_id="2000002", version="v21.0"):
        self.token = token
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.version = version
        self.templates = [
            {
                "name": "credit_reminder",
                "language": "nl",
                "status": "APPROVED",
                "category": "UTILITY",
                "id": "9001",
                "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "Betalingsherinnering"},
                    {"type": "BODY", "text": "Beste {{1}}, facturen {{2}} staan open: {{3}}. Betaal via {{4}}."},
                ],
            },
            {
                "name": "credit_reminder",
                "language": "en_US",
                "status": "APPROVED",
                "category": "UTILITY",
                "id": "9002",
                "components": [
                    {"type": "BODY", "text": "Dear {{1}}, invoices {{2}} are open: {{3}}. Pay at {{4}}."},
                ],
            },
            {
                "name": "credit_ack",
                "language": "nl",
                "status": "APPROVED",
                "category": "UTILITY",
                "id": "9003",
                "components": [{"type": "BODY", "text": "Dank u {{1}}, {{2}} neemt uw bericht in behandeling."}],
            },
            {
                "name": "credit_promo",
                "language": "en_US",
                "status": "REJECTED",
                "category": "MARKETING",
                "id": "9004",
                "components": [{"type": "BODY", "text": "Buy more!"}],
            },
        ]
        self.media = {"media-1": (b"\x89PNG\r\n\x1a\nfake image bytes", "image/png")}
        self.undeliverable = set()
        self.open_windows = set()
        self.broken_success = False
        self.requests = []
        self._fail_next = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.server = None
        self.thread = None

    # ------------------------------------------------------------------ control
    @property
    def base_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, *codes):
        """The next send calls answer with these error codes, in order."""
        self._fail_next.extend(codes)

    def start(self, port=0):
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                api._handle(self, "GET")

            def do_POST(self):
                api._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def sent(self):
        """The message bodies successfully posted (JSON dicts)."""
        return [r["json"] for r in self.requests if r.get("answered") == 200 and r["path"].endswith("/messages")]

    # ------------------------------------------------------------------ requests
    def _reply(self, handler, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
        return status

    def _handle(self, handler, method):
        url = urlparse(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        record = {
            "method": method,
            "path": url.path,
            "query": parse_qs(url.query),
            "headers": dict(handler.headers),
            "raw": raw,
        }
        with self._lock:
            self.requests.append(record)
        if handler.headers.get("Authorization") != f"Bearer {self.token}":
            record["answered"] = self._reply(handler, *error_body(190))
            return
        parts = [p for p in url.path.split("/") if p]
        if method == "GET" and len(parts) == 2 and parts[0] == "media":
            content, mimetype = self.media.get(parts[1], (None, None))
            if content is None:
                record["answered"] = self._reply(handler, 404, b"not found", "text/plain")
            else:
                record["answered"] = self._reply(handler, 200, content, mimetype)
            return
        if not parts or parts[0] != self.version:
            record["answered"] = self._reply(handler, *error_body(100, "unknown API version"))
            return
        if method == "POST" and parts[1:] == [self.phone_number_id, "messages"]:
            record["answered"] = self._send(handler, raw, record)
        elif method == "GET" and parts[1:] == [self.waba_id, "message_templates"]:
            record["answered"] = self._templates(handler, record["query"])
        elif method == "GET" and len(parts) == 2 and parts[1] in self.media:
            content, mimetype = self.media[parts[1]]
            record["answered"] = self._reply(
                handler,
                200,
                {
                    "messaging_product": "whatsapp",
                    "url": f"{self.base_url}/media/{parts[1]}",
                    "mime_type": mimetype,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "file_size": len(content),
                    "id": parts[1],
                },
            )
        else:
            record["answered"] = self._reply(handler, *error_body(100, f"unsupported {method} {url.path}"))

    def _send(self, handler, raw, record):
        if "application/json" not in (handler.headers.get("Content-Type") or ""):
            return self._reply(handler, *error_body(100, "the body must be JSON"))
        try:
            body = json.loads(raw)
        except ValueError:
            return self._reply(handler, *error_body(100, "invalid JSON"))
        record["json"] = body
        to = body.get("to") or body.get("recipient")
        if body.get("messaging_product") != "whatsapp" or not to:
            return self._reply(handler, *error_body(100, "messaging_product and to are required"))
        if body.get("to") and not re.fullmatch(r"\d{8,15}", body["to"]):
            return self._reply(handler, *error_body(100, "to must be an international number without +"))
        if self._fail_next:
            return self._reply(handler, *error_body(self._fail_next.pop(0)))
        if to in self.undeliverable:
            return self._reply(handler, *error_body(131026))
        kind = body.get("type")
        if kind == "text":
            if not (body.get("text") or {}).get("body"):
                return self._reply(handler, *error_body(100, "text.body is required"))
            if to not in self.open_windows:
                return self._reply(handler, *error_body(131047))
        elif kind == "template":
            template = body.get("template") or {}
            lang = (template.get("language") or {}).get("code")
            known = next(
                (
                    t
                    for t in self.templates
                    if t["name"] == template.get("name") and t["language"] == lang and t["status"] == "APPROVED"
                ),
                None,
            )
            if not known:
                return self._reply(handler, *error_body(132001))
            expected = len(set(re.findall(r"\{\{(\d+)\}\}", " ".join(c.get("text", "") for c in known["components"]))))
            given = [
                p
                for c in template.get("components") or []
                if c.get("type") == "body"
                for p in c.get("parameters") or []
                if p.get("type") == "text" and str(p.get("text") or "").strip()
            ]
            if len(given) != expected:
                return self._reply(handler, *error_body(132000))
        else:
            return self._reply(handler, *error_body(100, f"unsupported type {kind}"))
        if self.broken_success:
            return self._reply(handler, 200, {"messaging_product": "whatsapp", "messages": []})
        wamid = f"wamid.FAKE{next(self._ids):08d}"
        return self._reply(
            handler,
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            },
        )

    def _templates(self, handler, query):
        fields = (query.get("fields") or [""])[0]
        if "name" not in fields or "components" not in fields:
            return self._reply(handler, *error_body(100, "fields must list name and components"))
        after = (query.get("after") or [None])[0]
        page = self.templates[2:] if after == "CURSOR2" else self.templates[:2]
        body = {"data": page, "paging": {"cursors": {"before": "CURSOR1", "after": "CURSOR2"}}}
        if after != "CURSOR2":
            body["paging"]["next"] = f"{self.base_url}/{self.version}/{self.waba_id}/message_templates?after=CURSOR2"
        return self._reply(handler, 200, body)
