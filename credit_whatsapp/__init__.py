from . import controllers
from . import demo
from . import models
from . import wizards


def _credit_whatsapp_uninstall(env):
    """Steps on the WhatsApp channel take their fallback (else e-mail): the channel leaves with us."""
    steps = env["credit.followup.step"].with_context(active_test=False).search([("channel", "=", "whatsapp")])
    for step in steps:
        step.write({"channel": step.fallback_channel or "email", "fallback_channel": False})
    env["credit.followup.step"].with_context(active_test=False).search([("fallback_channel", "=", "whatsapp")]).write(
        {"fallback_channel": False}
    )
