"""Refusals that name what they refuse."""

from odoo.exceptions import ValidationError


def field_error(message, field, records=None):
    """A ``ValidationError`` that names the field it refuses and, for a relational field, the records at fault.

    The web client shows it as any other ValidationError; callers that answer per field (the CRM API of
    credit_dispute) read ``error.field`` and ``error.records`` to say which part of the request it refuses.
    """
    error = ValidationError(message)
    error.field = field
    error.records = records
    return error
