"""The API's OpenAPI 3.1 document and JSON Schema validation: plain Python, no ORM, no request."""

import copy
import functools
import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_FILE = Path(__file__).parent.parent / "controllers" / "openapi.json"


SPEC_URI = "urn:credit-api:openapi"


HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


# Enumerations of the document that follow selection fields, so a module adding a channel or an
# outcome keeps the document (and the request validation) right: (JSON pointer, model, field, nullable).
SELECTION_ENUMS = [
    ("/paths/~1disputes/get/parameters/0/schema/items/enum", "credit.dispute", "state", False),
    ("/components/schemas/DisputeRef/properties/state/enum", "credit.dispute", "state", False),
    ("/components/schemas/Dispute/properties/state/enum", "credit.dispute", "state", False),
    ("/components/schemas/Dispute/properties/channel/enum", "credit.dispute", "channel", False),
    ("/components/schemas/DisputeCreate/properties/channel/enum", "credit.dispute", "channel", False),
    ("/components/schemas/Contact/properties/channel/enum", "credit.followup.contact", "channel", False),
    ("/components/schemas/ContactCreate/properties/channel/enum", "credit.followup.contact", "channel", False),
    ("/components/schemas/Contact/properties/outcome/enum", "credit.followup.contact", "outcome", False),
    ("/components/schemas/ContactCreate/properties/outcome/enum", "credit.followup.contact", "outcome", False),
    ("/components/schemas/Promise/properties/state/enum", "credit.followup.promise", "state", False),
    ("/components/schemas/FollowupStatus/properties/state/enum", "account.move", "credit_followup_state", True),
    (
        "/components/schemas/PartnerSummary/properties/followup_status/enum",
        "res.partner",
        "credit_followup_status",
        True,
    ),
]


@functools.cache
def spec_file():
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


def pointer_parent(document, pointer):
    *parents, last = [part.replace("~1", "/").replace("~0", "~") for part in pointer.lstrip("/").split("/")]
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, last


def openapi_document(env):
    """The OpenAPI document, with the enumerations of selection fields as installed."""
    document = copy.deepcopy(spec_file())
    for pointer, model, field_name, nullable in SELECTION_ENUMS:
        if model not in env:
            continue
        parent, key = pointer_parent(document, pointer)
        values = list(env[model]._fields[field_name].get_values(env))
        parent[key] = [*values, None] if nullable else values
    return document


def resolve_ref(document, node):
    """Follow a local ``$ref`` (``#/components/...``) of the document."""
    while isinstance(node, dict) and "$ref" in node:
        parent, key = pointer_parent(document, node["$ref"].removeprefix("#"))
        node = parent[key]
    return node


def schema_validator(document, schema):
    """A JSON Schema 2020-12 validator for ``schema``, whose ``$ref``s point into ``document``."""
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{schema['$ref'][1:]}"} if "$ref" in schema else {"$id": SPEC_URI + "/inline", **schema},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def error_field(error):
    """The name of the field a jsonschema error is about, as ``invoice_ids[1]`` or ``partner_id``."""
    path = list(error.absolute_path)
    message = error.message
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            path.append(missing[0])
            message = "is required"
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        extra = sorted(name for name in error.instance if name not in known)
        if extra:
            path.append(extra[0])
            message = "unknown field"
    field = ""
    for part in path:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return field or None, message


def document_path(document, path):
    """The document's path template matching ``path`` (``/disputes/12`` → ``/disputes/{dispute_id}``), or None."""
    for template in document["paths"]:
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def allowed_methods(document, template):
    """The Allow header of a documented path: its operations, HEAD with GET, and OPTIONS."""
    methods = [method.upper() for method in HTTP_METHODS if method in document["paths"][template]]
    if "GET" in methods:
        methods.append("HEAD")
    return ", ".join([*methods, "OPTIONS"])
