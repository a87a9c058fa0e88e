import logging

from odoo import Command, api, fields, models

from ..tools.followup_plan import Action

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
    costs_move_id = fields.Many2one(
        "account.move", string="Costs invoice", ondelete="set null", help="The invoice booking this notice's costs."
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
            engine.with_company(company)._handle_failures([action], logs[0].date, company)

    @api.model
    def _book_claimable_costs(self, company, date):
        """Book the collection costs and the statutory interest to date of every formal notice whose term has
        passed on ``date`` (step option *Book costs and interest*): one customer invoice per debtor and currency,
        in a fixed number of queries."""
        notices = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("notice_deadline", "<", date),
                ("costs_move_id", "=", False),
                ("step_id.book_costs", "=", True),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
            ]
        )
        if not notices:
            return self.env["account.move"]
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        groups = notices.grouped(lambda log: (log.partner_id, log.move_id.currency_id))
        vals_list, group_logs = [], []
        for (partner, currency), logs in groups.items():
            moves = logs.move_id
            principal = sum(moves.mapped("amount_residual"))
            principal_company = currency._convert(principal, company.currency_id, company, date)
            costs = company.credit_collection_costs(principal_company)
            costs += company._credit_collection_costs_vat(costs)
            costs = company.currency_id._convert(costs, currency, company, date)
            interest = currency.round(sum(move.credit_statutory_interest(date) for move in moves))
            lines = [
                Command.create(
                    {
                        "name": self.env._(
                            "Extrajudicial collection costs on %(invoices)s", invoices=", ".join(moves.mapped("name"))
                        ),
                        "quantity": 1,
                        "price_unit": costs,
                        "tax_ids": [Command.clear()],
                    }
                )
            ]
            if interest:
                lines.append(
                    Command.create(
                        {
                            "name": self.env._("Statutory interest up to %(date)s", date=date),
                            "quantity": 1,
                            "price_unit": interest,
                            "tax_ids": [Command.clear()],
                        }
                    )
                )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "currency_id": currency.id,
                    "invoice_date": date,
                    "invoice_date_due": date,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": lines,
                }
            )
            group_logs.append(logs)
        # sudo: the engine books on behalf of the company, like it writes its log
        invoices_sudo = self.env["account.move"].sudo().with_company(company).create(vals_list)
        invoices_sudo.action_post()
        for invoice, logs in zip(invoices_sudo, group_logs, strict=True):
            logs.sudo().costs_move_id = invoice  # engine bookkeeping
        return invoices_sudo
