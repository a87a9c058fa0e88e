"""Links in texts the follow-up engine posts."""

import re

from markupsafe import Markup

# "?access_token=…" or "&access_token=…" in a link (portal links of invoices, payment links)
ACCESS_TOKEN_RE = re.compile(r"([?&])access_token=[^&\"'\s<>#]*(&?)")


def strip_access_tokens(body):
    """``body`` (HTML or text) without the access tokens of its links; a Markup stays a Markup."""
    if not body or "access_token=" not in body:
        return body
    stripped = ACCESS_TOKEN_RE.sub(lambda m: m.group(1) if m.group(2) else "", str(body))
    return Markup(stripped) if isinstance(body, Markup) else stripped
