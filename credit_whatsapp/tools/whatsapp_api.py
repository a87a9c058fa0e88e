"""A small client of the WhatsApp Business Cloud API (Meta Graph API) and the webhook helpers.

Plain Python, no ORM: the models build a :class:`WhatsAppApi` from an account and interpret its
answers. Every error of the API becomes a :class:`WhatsAppApiError` that says what to do with it
(``kind``): ``retry`` (rate limits, temporary errors, network trouble), ``token`` (the access token
expired or was revoked: nothing can be sent until someone replaces it) or ``permanent``.

The access token is sent in the ``Authorization`` header only; it is never part of what
:meth:`WhatsAppApi.send` returns for logging.
"""

import hashlib
import hmac
import json
import re

import phonenumbers
import requests

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_VERSION = "v21.0"
TIMEOUT = 15
LOG_LIMIT = 4000

# Meta's error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
ERROR_UNDELIVERABLE = 131026  # not on WhatsApp, old app, or undeliverable
ERROR_WINDOW = 131047  # re-engagement: more than 24 hours since the user's last message
ERROR_TEMPLATE_PARAMS = 132000  # number of parameters does not match the template
ERROR_TEMPLATE_MISSING = 132001  # template name does not exist in this language
ERROR_RATE_LIMIT = 130429  # throughput reached
ERROR_PAIR_RATE_LIMIT = 131056  # too many messages to this user in a short time
ERROR_TOKEN = 190  # access token expired or invalid
RETRY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004}
TOKEN_CODES = {ERROR_TOKEN}


class WhatsAppApiError(Exception):
    """An error answer of the Cloud API (or no answer at all)."""

    def __init__(self, message, code=None, http_status=None, details=None, request_log=None, response_log=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.details = details
        self.request_log = request_log
        self.response_log = response_log

    @property
    def kind(self):
        if self.code in TOKEN_CODES:
            return "token"
        if self.code in RETRY_CODES or self.code is None or (self.http_status or 0) >= 500:
            return "retry"
        return "permanent"


def signature(app_secret, body):
    """The ``X-Hub-Signature-256`` header value Meta sends for ``body`` (bytes)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(app_secret, body, header):
    """Constant-time check of ``X-Hub-Signature-256`` against the raw body."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(signature(app_secret, body).encode(), header.strip().encode())


def check_verify_token(expected, given):
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def normalize_number(number, country_code=None):
    """A phone number in E.164 (``+31612345678``), or False.

    Accepts international (``+31 6 1234 5678``, ``0031-6-12345678``) and national (``06 12345678``, read
    with ``country_code``) forms, with spaces, dashes, dots and brackets.
    """
    if not number:
        return False
    text = str(number).strip()
    if not text:
        return False
    try:
        parsed = phonenumbers.parse(text, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return False
    if not phonenumbers.is_possible_number(parsed):
        return False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def wa_id_to_e164(wa_id):
    """Meta's ``wa_id`` / ``from`` (digits of the international number) in E.164, or False."""
    digits = re.sub(r"\D", "", wa_id or "")
    return normalize_number("+" + digits) if digits else False


def template_parameter_count(components):
    """How many ``{{n}}`` parameters the template's header and body take."""
    count = 0
    for component in components or []:
        if component.get("type") in ("HEADER", "BODY") and component.get("text"):
            count += len(set(re.findall(r"\{\{\s*(\d+)\s*\}\}", component["text"])))
    return count


def template_body(components):
    for component in components or []:
        if component.get("type") == "BODY":
            return component.get("text") or ""
    return ""


def fill_template(text, params):
    """A template's text with ``{{1}}``, ``{{2}}``… replaced by ``params``."""
    values = {str(index): str(value) for index, value in enumerate(params, start=1)}
    return re.sub(r"\{\{\s*(\d+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), text)


def _truncate(text):
    text = text or ""
    return text if len(text) <= LOG_LIMIT else text[:LOG_LIMIT] + "…"


class WhatsAppApi:
    """Calls of one WhatsApp Business account (one phone number)."""

    def __init__(self, access_token, phone_number_id, business_account_id=None, base_url=None, version=None):
        self.access_token = access_token or ""
        self.phone_number_id = phone_number_id
        self.business_account_id = business_account_id
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.version = (version or DEFAULT_VERSION).strip("/")

    def _url(self, *parts):
        return "/".join([self.base_url, self.version, *[str(p) for p in parts]])

    def _headers(self):
        return {"Authorization": f"Bearer {self.access_token}"}

    def _request(self, method, url, payload=None, params=None, raw=False):
        request_log = json.dumps({"method": method, "url": url, "params": params, "json": payload}, ensure_ascii=False)
        try:
            response = requests.request(
                method, url, json=payload, params=params, headers=self._headers(), timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            raise WhatsAppApiError(
                f"no answer from the WhatsApp API: {exc.__class__.__name__}", request_log=request_log
            ) from None
        response_log = _truncate(f"HTTP {response.status_code} {response.text if not raw else ''}".strip())
        if raw and response.ok:
            return response, request_log, response_log
        try:
            data = response.json()
        except ValueError:
            data = None
        if not response.ok or not isinstance(data, dict) or "error" in data:
            error = (data or {}).get("error") or {} if isinstance(data, dict) else {}
            details = (error.get("error_data") or {}).get("details")
            raise WhatsAppApiError(
                error.get("message") or f"HTTP {response.status_code}",
                code=error.get("code"),
                http_status=response.status_code,
                details=details,
                request_log=request_log,
                response_log=response_log,
            )
        return data, request_log, response_log

    # ------------------------------------------------------------------ messages
    def send(self, payload):
        """POST a message; returns ``(wamid, request_log, response_log)``.

        A 200 answer without a message id is an error, not a sent message.
        """
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **payload}
        data, request_log, response_log = self._request("POST", self._url(self.phone_number_id, "messages"), payload)
        messages = data.get("messages") or []
        wamid = messages[0].get("id") if messages and isinstance(messages[0], dict) else None
        if not wamid:
            raise WhatsAppApiError(
                "the WhatsApp API answered without a message id",
                http_status=200,
                request_log=request_log,
                response_log=response_log,
            )
        return wamid, request_log, response_log

    @staticmethod
    def recipient(number=None, user_id=None):
        """``to`` (digits of the E.164 number) or, for a user who hides their number, ``recipient`` (BSUID)."""
        if number:
            return {"to": re.sub(r"\D", "", number)}
        return {"recipient": user_id}

    def send_template(self, name, language, params, number=None, user_id=None):
        components = []
        if params:
            components.append(
                {"type": "body", "parameters": [{"type": "text", "text": str(value)} for value in params]}
            )
        return self.send(
            {
                **self.recipient(number, user_id),
                "type": "template",
                "template": {"name": name, "language": {"code": language}, "components": components},
            }
        )

    def send_text(self, body, number=None, user_id=None):
        return self.send(
            {**self.recipient(number, user_id), "type": "text", "text": {"preview_url": False, "body": body}}
        )

    # ------------------------------------------------------------------ templates
    def list_templates(self):
        """Every message template of the business account (follows the paging)."""
        url = self._url(self.business_account_id, "message_templates")
        params = {"fields": "name,language,status,category,components", "limit": 100}
        templates = []
        for _page in range(50):
            data, _req, _resp = self._request("GET", url, params=params)
            templates += [t for t in data.get("data") or [] if isinstance(t, dict)]
            after = ((data.get("paging") or {}).get("cursors") or {}).get("after")
            if not (data.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": after}
        return templates

    # ------------------------------------------------------------------ media
    def download_media(self, media_id, max_size=16 * 1024 * 1024):
        """``(content, mimetype)`` of an incoming image or document."""
        info, _req, _resp = self._request("GET", self._url(media_id))
        url = info.get("url")
        if not url:
            raise WhatsAppApiError("the WhatsApp API gave no download address for this media")
        if int(info.get("file_size") or 0) > max_size:
            raise WhatsAppApiError("the file is too large", code=0)
        response, _req, _resp = self._request("GET", url, raw=True)
        content = response.content
        if len(content) > max_size:
            raise WhatsAppApiError("the file is too large", code=0)
        return content, info.get("mime_type") or response.headers.get("Content-Type") or "application/octet-stream"
