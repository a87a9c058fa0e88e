"""CRM API: JSON over HTTP under /credit/api/v1/, authenticated with Odoo user API keys.

Every request runs as the key's user, so every read is limited by that user's access rights,
record rules and companies. The OpenAPI 3.1 document (``openapi.json`` next to this file) is the
contract: request bodies and query parameters are validated against it.
"""

import copy
import json
import logging
import math
import re
from contextlib import contextmanager
from urllib.parse import urlencode

from jsonschema.exceptions import best_match

from odoo import Command, fields, http
from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..models.credit_dispute import OPEN_STATES
from ..tools.api_values import (
    text_html,
)
from ..tools.openapi import (
    allowed_methods,
    document_path,
    error_field,
    openapi_document,
    resolve_ref,
    schema_validator,
    spec_file,
)

_logger = logging.getLogger(__name__)

API = "/credit/api/v1"
MAX_ID = 2**31 - 1  # PostgreSQL integer ids
MAX_BODY = 64 * 1024  # bytes: read no more before parsing (the largest valid body is about 41 KB)
BEARER_RE = re.compile(r"^bearer\s+(\S+)\s*$", re.IGNORECASE)
# the models' field names as the API's bodies call them (a refusal names the body's field)
API_FIELDS = {"move_ids": "invoice_ids", "category_id": "category", "dispute_category_id": "category"}


class ApiError(Exception):
    """An error answered as JSON: ``{"error": code, "message": ..., "field": ...}``."""

    CODES = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
        422: "unprocessable",
        500: "server_error",
    }

    def __init__(self, status, message, field=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def _json(data, status=200, headers=None):
    return request.make_json_response(data, status=status, headers=headers)


def _error_response(error, headers=None):
    headers = list(headers or [])
    if error.status == 401:
        headers.append(("WWW-Authenticate", 'Bearer realm="credit-api"'))
    body = {"error": ApiError.CODES[error.status], "message": error.message, "field": error.field}
    return _json(body, status=error.status, headers=headers or None)


def _method_not_allowed(document, template):
    allow = allowed_methods(document, template)
    return _error_response(
        ApiError(405, request.env._("Method not allowed; allowed: %(methods)s.", methods=allow)), [("Allow", allow)]
    )


def _options(document, template):
    """``OPTIONS``: which methods the path takes (no authentication: it tells nothing about data)."""
    response = request.make_response("", status=204)
    response.headers["Allow"] = allowed_methods(document, template)
    return response


def api_route(path, methods, write=False):
    """An API endpoint: authenticates the key, parses the query, answers errors as JSON.

    A GET that meets a record the user may not read answers 404 (never 403: no leak of existence);
    a POST answers 403 when the user's rights do not allow the operation.
    """

    def decorator(func):
        def wrapper(self, **kwargs):
            method = request.httprequest.method.lower()
            template = path.replace("<int:", "{").replace(">", "}")
            try:
                if method == "options":
                    return _options(spec_file(), template)
                if method == "head":
                    method = "get"  # the same answer without its body (werkzeug drops it)
                if method not in spec_file()["paths"][template]:
                    return _method_not_allowed(spec_file(), template)
                self._authenticate()
                document = openapi_document(request.env)
                query = self._parse_query(document, path, method)
                path_args = {k: v for k, v in kwargs.items() if f"<int:{k}>" in path}
                if any(not 0 < value <= MAX_ID for value in path_args.values()):
                    raise ApiError(404, request.env._("Not found."))  # not a database id
                if write:
                    # any refusal rolls back everything the operation wrote: an error answer writes nothing
                    with request.env.cr.savepoint():
                        return func(self, document, query, **path_args)
                return func(self, document, query, **path_args)
            except ApiError as error:
                return _error_response(error)
            except (AccessError, MissingError) as error:
                if write:  # the first paragraph: what is refused, without record ids and user id
                    message = (error.args[0] if error.args else "") or "Forbidden"
                    return _error_response(ApiError(403, message.split("\n\n")[0]))
                return _error_response(ApiError(404, request.env._("Not found.")))
            except (UserError, ValidationError) as error:
                # a schema-valid request that breaks a business rule (the model refused it)
                return _error_response(ApiError(422, error.args[0] if error.args else "Unprocessable request"))
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise  # Odoo retries the whole request
            except Exception:
                _logger.exception("CRM API: unexpected error on %s %s", method.upper(), request.httprequest.path)
                return _error_response(ApiError(500, "Internal server error."))

        # the endpoint's name and doc, not its signature: the wrapper takes the query string as **kwargs
        wrapper.__name__, wrapper.__qualname__, wrapper.__doc__ = func.__name__, func.__qualname__, func.__doc__
        return http.route(
            f"{API}{path}",
            type="http",
            auth="none",
            methods=methods,
            csrf=False,
            save_session=False,
            readonly=not write,
        )(wrapper)

    return decorator


class CreditApi(http.Controller):
    # ------------------------------------------------------------------ plumbing
    def _authenticate(self):
        """Run the request as the user of the bearer API key (401 without a valid one)."""
        env = request.env
        match = BEARER_RE.match(request.httprequest.headers.get("Authorization", ""))
        if not match:
            raise ApiError(401, env._("Send an API key as 'Authorization: Bearer <key>'."))
        try:
            uid = env["res.users.apikeys"]._check_credentials(scope="rpc", key=match.group(1))
        except AccessDenied:
            uid = None
        # the key's user decides the language and time zone of the answer; no other data is read
        user_sudo = env["res.users"].sudo().browse(uid).exists() if uid else env["res.users"]
        if not user_sudo or user_sudo.share:
            raise ApiError(401, env._("Invalid, expired or revoked API key."))
        # allowed companies default to all the user's companies (no allowed_company_ids in the context)
        request.update_env(user=user_sudo.id, context={"lang": user_sudo.lang, "tz": user_sudo.tz}, su=False)

    def _parse_query(self, document, path, method):
        """The query parameters of the operation, typed and checked against their schema (400 naming them)."""
        operation = document["paths"][path.replace("<int:", "{").replace(">", "}")][method]
        args = request.httprequest.args
        values = {}
        for parameter in (resolve_ref(document, p) for p in operation.get("parameters", [])):
            if parameter["in"] != "query":
                continue
            name, schema = parameter["name"], resolve_ref(document, parameter["schema"])
            raw = args.get(name)
            if raw is None:  # absent; an empty value is a value, checked like any other (minLength…)
                if "default" in schema:
                    values[name] = copy.deepcopy(schema["default"])
                continue
            value = self._coerce(raw, schema, name)
            error = best_match(schema_validator(document, schema).iter_errors(value))
            if error:
                raise ApiError(400, f"{name}: {error.message}", name)
            values[name] = value
        return values

    def _coerce(self, raw, schema, name):
        kind = schema.get("type")
        if kind == "array":
            if raw == "":
                return []
            return [self._coerce(part.strip(), schema.get("items", {}), name) for part in raw.split(",")]
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                raise ApiError(400, request.env._("%(name)s: not an integer", name=name), name) from None
        if kind == "boolean":
            if raw.lower() in ("true", "1"):
                return True
            if raw.lower() in ("false", "0"):
                return False
            raise ApiError(400, request.env._("%(name)s: use true or false", name=name), name)
        return raw

    def _json_body(self, document, path, method):
        """The request body, parsed and validated against the operation's request schema."""
        httprequest = request.httprequest
        if (httprequest.content_length or 0) > MAX_BODY:
            raise ApiError(413, request.env._("The body is larger than %(size)s bytes.", size=MAX_BODY))
        # bounded before parsing, also without a Content-Length (chunked): Odoo's request wrapper offers only
        # get_data(), which reads everything, so the body is read from werkzeug's own request, at most this much
        raw = httprequest._HTTPRequest__wrapped.stream.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            raise ApiError(413, request.env._("The body is larger than %(size)s bytes.", size=MAX_BODY))
        try:
            body = json.loads(raw or b"null", parse_constant=self._reject_constant, parse_float=self._finite_float)
        except ValueError as error:
            raise ApiError(400, request.env._("The body is not valid JSON: %(error)s", error=error)) from None
        operation = document["paths"][path][method]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        error = best_match(schema_validator(document, schema).iter_errors(body))
        if error:
            field, message = error_field(error)
            raise ApiError(400, f"{field}: {message}" if field else message, field)
        return body

    @staticmethod
    def _reject_constant(name):
        raise ValueError(f"{name} is not allowed")

    @staticmethod
    def _finite_float(text):
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(f"{text} is out of range")
        return value

    @staticmethod
    def _readable(model, record_id):
        """The record if it exists and the user may read it (rights, rules, companies), else empty."""
        record = request.env[model].browse(int(record_id)).exists()  # JSON Schema takes 7.0 for an integer
        return record if record and record.has_access("read") else record.browse()

    def _get_or_404(self, model, record_id, domain=None):
        record = self._readable(model, record_id)
        if not record or (domain and not record.filtered_domain(domain)):
            raise ApiError(404, request.env._("Not found."))
        return record

    def _body_partner(self, partner_id):
        partner = self._readable("res.partner", partner_id)
        if not partner:
            raise ApiError(422, request.env._("partner_id: no partner %(id)s", id=partner_id), "partner_id")
        return partner.commercial_partner_id

    def _body_invoices(self, invoice_ids):
        """The invoices of the body, each one the user may read, of one company. Whether they may be disputed or
        promised (posted customer invoices of the debtor, unpaid, no other open dispute) is the models' to say."""
        env = request.env
        moves = env["account.move"]
        for index, move_id in enumerate(invoice_ids):
            move = self._readable("account.move", move_id)
            if not move:
                field = f"invoice_ids[{index}]"
                raise ApiError(422, env._("%(field)s: no invoice %(id)s", field=field, id=move_id), field)
            moves |= move
        if len(moves.company_id) > 1:
            raise ApiError(422, env._("invoice_ids: the invoices belong to different companies"), "invoice_ids")
        return moves

    def _body_category(self, code, company, field="category"):
        if not code:
            return request.env["credit.issue.category"]
        category = request.env["credit.issue.category"]
        if "\x00" not in code:  # no code holds a NUL character (PostgreSQL text cannot)
            category = category.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if not category:
            raise ApiError(
                422, request.env._("%(field)s: unknown issue category %(code)r", field=field, code=code), field
            )
        return category

    @staticmethod
    @contextmanager
    def _refusals(body):
        """Write in a savepoint; a model's refusal (its constraints) answers 422 naming the body's field, with the
        index of the first invoice at fault for a refusal that names invoices."""
        try:
            with request.env.cr.savepoint():  # nothing half-written when the operation is refused
                yield
        except (UserError, ValidationError) as error:
            message = error.args[0] if error.args else "Unprocessable request"
            field = getattr(error, "field", None)  # set by the models' field_error
            field = API_FIELDS.get(field, field)
            records = getattr(error, "records", None)
            if field and records and isinstance(body.get(field), list):
                indexes = [index for index, value in enumerate(body[field]) if value in records.ids]
                field = f"{field}[{min(indexes)}]" if indexes else field
            raise ApiError(422, f"{field}: {message}" if field else message, field) from None

    @staticmethod
    def _check_create_right(model):
        if not request.env[model].has_access("create"):
            raise ApiError(403, request.env._("Your access rights do not allow this operation."))

    @staticmethod
    def _page(query, total, items, path):
        limit, offset = query["limit"], query["offset"]
        following = None
        if offset + limit < total:
            args = request.httprequest.args.to_dict()
            args.update(limit=limit, offset=offset + limit)
            following = f"{API}{path}?{urlencode(args)}"
        return {"total": total, "limit": limit, "offset": offset, "next": following, "items": items}

    # ------------------------------------------------------------------ endpoints
    @api_route("/invoices/<int:invoice_id>", ["GET"])
    def invoice_status(self, document, query, invoice_id):
        move = self._get_or_404("account.move", invoice_id, [("move_type", "=", "out_invoice")])
        return _json(move._credit_api_values())

    @api_route("/invoices/<int:invoice_id>/history", ["GET"])
    def invoice_history(self, document, query, invoice_id):
        move = self._get_or_404("account.move", invoice_id, [("move_type", "=", "out_invoice")])
        subtypes = request.env["mail.message.subtype"]._credit_subtypes()
        domain = [
            ("model", "=", "account.move"),
            ("res_id", "=", move.id),
            "|",
            ("subtype_id", "in", subtypes.ids),
            ("message_type", "=", "email"),  # incoming e-mail
        ]
        Message = request.env["mail.message"]
        total = Message.search_count(domain)
        messages = Message.search(domain, limit=query["limit"], offset=query["offset"], order="date desc, id desc")
        items = [message._credit_api_values() for message in messages]
        return _json(self._page(query, total, items, f"/invoices/{move.id}/history"))

    @api_route("/partners/<int:partner_id>/summary", ["GET"])
    def partner_summary(self, document, query, partner_id):
        env = request.env
        partner = self._get_or_404("res.partner", partner_id).commercial_partner_id
        if not partner.has_access("read") or not env["account.move"].has_access("read"):
            raise ApiError(404, env._("Not found."))  # amounts and status come from invoices
        company = env.company
        if query.get("company_id"):
            company = env.user.company_ids.filtered(lambda c: c.id == query["company_id"])
            if not company:
                raise ApiError(422, env._("company_id: not one of your companies"), "company_id")
        return _json(partner._credit_api_summary(company))

    @api_route("/disputes", ["GET"])
    def dispute_list(self, document, query):
        domain = [("state", "in", query["state"])]
        if query.get("partner_id"):
            partner = self._readable("res.partner", query["partner_id"])
            # an unknown or unreadable debtor has no disputes for this user: an empty page, as for any other
            domain.append(("partner_id", "parent_of", partner.id) if partner else ("id", "=", 0))
        if "category" in query:
            # no category code holds a NUL character (PostgreSQL text cannot): nothing matches
            category = query["category"]
            domain.append(("category_id.code", "=", category) if "\x00" not in category else ("id", "=", 0))
        if "overdue" in query:
            past_deadline = [
                ("state", "in", OPEN_STATES),
                ("date_deadline", "<", fields.Date.context_today(request.env.user)),
            ]
            if query["overdue"]:
                domain += past_deadline
            else:  # closed, without a deadline (to qualify) or not past it
                domain += [
                    "|",
                    "|",
                    ("state", "not in", OPEN_STATES),
                    ("date_deadline", "=", False),
                    ("date_deadline", ">=", past_deadline[1][2]),
                ]
        Dispute = request.env["credit.dispute"]
        if not Dispute.has_access("read"):
            return _json(self._page(query, 0, [], "/disputes"))
        total = Dispute.search_count(domain)
        disputes = Dispute.search(domain, limit=query["limit"], offset=query["offset"], order="date_open desc, id desc")
        return _json(self._page(query, total, [d._api_values() for d in disputes], "/disputes"))

    @api_route("/disputes/<int:dispute_id>", ["GET"])
    def dispute_get(self, document, query, dispute_id):
        return _json(self._get_or_404("credit.dispute", dispute_id)._api_values())

    @api_route("/disputes", ["POST"], write=True)
    def dispute_create(self, document, query):
        env = request.env
        body = self._json_body(document, "/disputes", "post")
        partner = self._body_partner(body["partner_id"])
        moves = self._body_invoices(body["invoice_ids"])
        company = moves.company_id
        category = self._body_category(body.get("category"), company)
        self._check_create_right("credit.dispute")
        with self._refusals(body):
            dispute = (
                env["credit.dispute"]
                .with_company(company)
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "move_ids": [Command.set(moves.ids)],
                        "category_id": category.id,
                        "channel": body.get("channel", "other"),
                        "description": text_html(body.get("description")),
                    }
                )
            )
        location = f"{API}/disputes/{dispute.id}"
        return _json(dispute._api_values(), status=201, headers=[("Location", location)])

    @api_route("/contacts", ["POST"], write=True)
    def contact_create(self, document, query):
        env = request.env
        body = self._json_body(document, "/contacts", "post")
        outcome = body["outcome"]
        partner = self._body_partner(body["partner_id"])
        moves = self._body_invoices(body.get("invoice_ids", []))
        company = moves.company_id or env.company
        vals = {
            "partner_id": partner.id,
            "company_id": company.id,
            "move_ids": [Command.set(moves.ids)],
            "channel": body["channel"],
            "direction": body.get("direction", "out"),
            "outcome": outcome,
            "note": text_html(body.get("note")),
        }
        if outcome == "promise":
            amount = body.get("promise_amount") or sum(moves.mapped("amount_residual"))
            vals.update(promise_date=fields.Date.to_date(body["promise_date"]), promise_amount=amount)
        if outcome == "dispute":
            vals["dispute_category_id"] = self._body_category(body.get("category"), company).id
        self._check_create_right("credit.followup.log.contact")
        with self._refusals(body):
            # the log-contact wizard holds the logic (promise, dispute, chatter posts): the API reuses it
            wizard = env["credit.followup.log.contact"].with_company(company).create(vals)
            contact = wizard._credit_log_contact().with_env(env)
        location = f"{API}/contacts/{contact.id}"
        return _json(contact._api_values(), status=201, headers=[("Location", location)])

    @http.route(f"{API}/openapi.json", type="http", auth="none", methods=["GET"], csrf=False, save_session=False)
    def openapi(self, **kwargs):
        # the document is public (it describes the API, no data): read the selections as superuser
        document = openapi_document(request.env(su=True))
        document["servers"] = [{"url": request.httprequest.url_root.rstrip("/") + API}]
        return _json(document)

    @http.route(
        [f"{API}", f"{API}/<path:rest>"],
        type="http",
        auth="none",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"],
        csrf=False,
        save_session=False,
    )
    def not_found(self, rest=None, **kwargs):
        """Any other method or path under the API: 405 with ``Allow`` on a documented path (``OPTIONS`` answers
        which methods it takes), else a JSON 404 (after authentication), never an HTML page."""
        document = spec_file()
        template = document_path(document, "/" + (rest or ""))
        method = request.httprequest.method.lower()
        if template:
            if method == "options":
                return _options(document, template)
            if (method if method != "head" else "get") not in document["paths"][template]:
                return _method_not_allowed(document, template)
            # a documented operation whose path parameter is no id (e.g. /disputes/abc): not found, as any unknown id
        try:
            self._authenticate()
        except ApiError as error:
            return _error_response(error)
        return _error_response(ApiError(404, request.env._("No such endpoint.")))
