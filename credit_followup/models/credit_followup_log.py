import logging

from odoo import api, fields, models

from .credit_followup_engine import Action

_logger = logging.getLogger(__name__)


class CreditFollowupLog(models.Model):
    """The engine's memory: one row per step (and channel) executed per invoice.

    Written in the same transaction as the action it records; the unique constraint makes
    a second execution of the same step on the same invoice impossible.
    """

    _name = "credit.followup.log"
    _description = "Follow-up log"
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    step_id = fields.Many2one("credit.followup.step", required=True, ondelete="restrict", index=True)
    profile_id = fields.Many2one(related="step_id.profile_id", store=True)
    channel = fields.Selection(
        selection=lambda self: self.env["credit.followup.step"]._credit_followup_channels(), required=True
    )
    date = fields.Date(required=True, index=True)
    state = fields.Selection(
        [
            ("to_approve", "Waiting for approval"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        required=True,
        default="done",
        index=True,
    )
    run_id = fields.Many2one("credit.followup.run", ondelete="set null", index=True)
    recipient_id = fields.Many2one("res.partner", string="Sent to")
    amount_residual = fields.Monetary(string="Open amount", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency")
    mail_message_id = fields.Many2one("mail.message", string="Message", ondelete="set null", index="btree_not_null")
    mail_id = fields.Many2one("mail.mail", string="Queued e-mail", ondelete="set null", index="btree_not_null")
    message_id = fields.Char(
        string="Message-ID", index="btree_not_null", help="Message-Id of the reminder e-mail, to match replies."
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    attachment_id = fields.Many2one("ir.attachment", string="Letter", ondelete="set null")
    failure_reason = fields.Char()
    notice_deadline = fields.Date(
        string="Notice term ends",
        help="A formal 14-day notice: the last day the debtor could pay without collection costs.",
    )
    is_fallback = fields.Boolean(help="Executed on the step's fallback channel after a failure.")

    _sql_constraints = [
        (
            "move_step_channel_uniq",
            "unique(move_id, step_id, channel)",
            "This follow-up step was already executed on this invoice for this channel.",
        ),
    ]

    @api.depends("move_id", "step_id")
    def _compute_display_name(self):
        for log in self:
            log.display_name = f"{log.move_id.name} – {log.step_id.name}"

    def _credit_mark_failed(self, reason):
        """A delivery failed for good after the fact (hard bounce, recipient refused, SMS error).

        Called from Odoo's mail queue, SMS queue and bounce processing (and WhatsApp's webhook): it never
        raises into them. Rows already failed are left alone. A failed primary row takes its step's fallback
        channel once; a failed fallback row ends the chain with one activity asking to fix the contact data.
        Nothing is sent again for that step: the next one follows when it is due.

        :return: True when rows were marked failed
        """
        logs = self.filtered(lambda log: log.state == "done")
        if not logs:
            return False
        try:
            with self.env.cr.savepoint():
                logs._fail_and_fall_back(reason)
        except Exception:
            _logger.exception("credit follow-up: handling the failure of log rows %s failed", logs.ids)
            try:
                with self.env.cr.savepoint():
                    logs.write({"state": "failed", "failure_reason": reason})
            except Exception:
                _logger.exception("credit follow-up: could not mark log rows %s failed", logs.ids)
        return True

    def _fail_and_fall_back(self, reason):
        self.write({"state": "failed", "failure_reason": reason})
        engine = self.env["credit.followup.engine"].sudo()  # failure handling runs from the mail and SMS queues
        for (partner, company, channel, is_fallback), logs in self.grouped(
            lambda log: (log.partner_id, log.company_id, log.channel, log.is_fallback)
        ).items():
            action = Action(
                partner,
                channel,
                logs.recipient_id[:1] or partner,
                [(log.move_id, log.step_id) for log in logs],
                is_fallback=is_fallback,
            )
            action.result = {"state": "failed", "failure_reason": reason}
            engine.with_company(company)._credit_handle_failures([action], logs[0].date, company)
