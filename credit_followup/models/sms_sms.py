from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    credit_send_after = fields.Datetime(
        string="Not before",
        index="btree_not_null",
        readonly=True,
        help="A follow-up SMS waits in the queue until the company's sending hours start.",
    )

    @api.model
    def _process_queue(self, ids=None):
        """Odoo's SMS queue, without the follow-up SMS whose sending hours have not started yet."""
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "outgoing"),
            ("to_delete", "!=", True),
            "|",
            ("credit_send_after", "=", False),
            ("credit_send_after", "<=", now),
        ]
        if ids:
            domain.append(("id", "in", ids))
        ready = self.search(domain, limit=10000).ids
        if not ready:
            return None  # super() without ids would take every queued SMS, the waiting ones too
        return super()._process_queue(ids=ready)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """A provider that cannot be reached is not the debtor's failure: follow-up SMS stay queued."""
        res = super()._send(unlink_failed=unlink_failed, unlink_sent=unlink_sent, raise_exception=raise_exception)
        unreachable = self.exists().filtered(
            lambda sms: sms.credit_send_after and sms.state == "error" and sms.failure_type == "sms_server"
        )
        if unreachable:
            unreachable.action_set_outgoing()
        return res
