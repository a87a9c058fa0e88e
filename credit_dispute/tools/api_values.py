"""JSON values of the CRM API (``/credit/api/v1``): plain Python, shared by the models' ``…_api_values`` methods and
the controller."""

from datetime import UTC

from odoo import fields
from odoo.tools import float_round, html2plaintext, plaintext2html


def date_value(value):
    return fields.Date.to_string(value) if value else None


def datetime_value(value):
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z") if value else None


def amount_value(value, currency):
    return float_round(value or 0.0, precision_rounding=currency.rounding) if currency else float(value or 0.0)


def named(record):
    return {"id": record.id, "name": record.display_name or ""} if record else None


def text_html(text):
    """A plain-text body field as HTML; NUL characters, which PostgreSQL text cannot hold, are dropped."""
    text = (text or "").replace("\x00", "")
    return plaintext2html(text) if text.strip() else False


def plain(html):
    return html2plaintext(html) if html else None


def step_ref(step):
    return {"id": step.id, "name": step.name, "channel": step.channel} if step else None


def dispute_ref(dispute):
    return {"id": dispute.id, "reference": dispute.name, "state": dispute.state} if dispute else None


def invoice_refs(moves):
    return [{"id": move.id, "number": move.name} for move in moves]
