from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditFollowupStep(models.Model):
    _name = "credit.followup.step"
    _description = "Follow-up step"
    _order = "profile_id, offset_days, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Order of steps with the same offset.")
    profile_id = fields.Many2one("credit.followup.profile", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="profile_id.company_id", store=True, index=True)
    offset_days = fields.Integer(
        string="Days after due date",
        required=True,
        help="When the step is due, counted from the invoice's due date. Negative: before the due date "
        "(a courtesy reminder).",
    )
    channel = fields.Selection(selection="_selection_channel", required=True, default="email")
    fallback_channel = fields.Selection(
        selection="_selection_channel",
        help="Used when the channel fails: no address for it, or the message bounced.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail template",
        domain=[("model", "=", "res.partner")],
        help="Rendered in the debtor's language. Used by the e-mail channel.",
    )
    sms_template_id = fields.Many2one("sms.template", string="SMS template", domain=[("model", "=", "res.partner")])
    letter_intro = fields.Html(
        string="Letter text", translate=True, sanitize=True, help="The letter's text above the list of invoices."
    )
    activity_note = fields.Html(translate=True, help="Instructions for the person who gets the call or task.")
    needs_approval = fields.Boolean(
        help="The engine prepares this step but a credit manager must approve it before it is executed."
    )
    attach_invoices = fields.Boolean(string="Attach invoice PDFs")
    attach_statement = fields.Boolean(
        string="Attach the statement of account",
        help="The debtor's statement of account (every open invoice, credit note and payment) as a PDF with the "
        "e-mail.",
    )
    formal_notice = fields.Boolean(
        string="Formal 14-day notice",
        help="Dutch formal notice to consumers (BW 6:96 lid 6): the message states the exact collection costs and "
        "the last day to pay, 14 days from the day after the debtor receives it. Collection costs become "
        "claimable only once such a notice was sent and its term has passed.",
    )
    book_costs = fields.Boolean(
        string="Book costs and interest",
        help="Once the notice's term has passed without payment, the engine books the collection costs and the "
        "statutory interest to date as a customer invoice to the debtor, so they appear in the ledger and on the "
        "statement of account.",
    )
    state_costs = fields.Boolean(
        string="State collection costs and interest",
        help="The message states the collection costs and the statutory interest to date per currency "
        "(e.g. a business final notice).",
    )
    include_payment_link = fields.Boolean(
        string="Payment link and QR code",
        default=True,
        help="Link to each invoice's portal page (pay online) and an EPC/SEPA QR code when the company has an IBAN.",
    )
    min_amount = fields.Monetary(
        string="Minimum overdue amount",
        currency_field="currency_id",
        help="The step waits while the debtor's total overdue amount (in this company) is below it.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    optional = fields.Boolean(help="Skipped once a later step is due (e.g. a courtesy reminder before the due date).")
    min_days_after_previous = fields.Integer(
        string="Minimum days after previous step",
        default=0,
        help="Never sooner than this many days after the previous step, also when the invoice is late for "
        "several steps at once.",
    )
    final_step = fields.Boolean(help="After this step the debtor shows as ready for collection.")
    activity_user = fields.Selection(
        [
            ("manager", "Credit manager"),
            ("salesperson", "Invoice's salesperson"),
            ("responsible", "Debtor's follow-up responsible"),
        ],
        string="Activity for",
        default="responsible",
        help="Who gets the call or task activity. Falls back to the credit manager when empty.",
    )
    activity_manager_id = fields.Many2one(
        "res.users", string="Credit manager", help="The credit manager for this step's activities."
    )

    @api.model
    def _credit_followup_channels(self):
        """Channels a step can use; other modules add theirs with super()."""
        return [
            ("email", self.env._("E-mail")),
            ("letter", self.env._("Letter")),
            ("sms", self.env._("SMS")),
            ("phone", self.env._("Phone call")),
            ("task", self.env._("Task")),
        ]

    @api.model
    def _selection_channel(self):
        return self._credit_followup_channels()

    @api.constrains("channel", "fallback_channel")
    def _check_fallback(self):
        for step in self:
            if step.fallback_channel and step.fallback_channel == step.channel:
                raise ValidationError(
                    self.env._("The fallback channel of step %s must differ from its channel.", step.name)
                )

    @api.constrains("min_days_after_previous", "min_amount")
    def _check_positive(self):
        for step in self:
            if step.min_days_after_previous < 0 or step.min_amount < 0:
                raise ValidationError(
                    self.env._("Minimum days and minimum amount cannot be negative (step %s).", step.name)
                )

    def _activity_user(self, move, responsible):
        """The user who gets this step's activity for ``move``."""
        self.ensure_one()
        if self.activity_user == "salesperson" and move.invoice_user_id:
            return move.invoice_user_id
        if self.activity_user == "responsible" and responsible:
            return responsible
        return self.activity_manager_id or responsible or move.invoice_user_id or self.env.user

    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        steps.profile_id._replan()
        return steps

    def write(self, vals):
        res = super().write(vals)
        if {"offset_days", "min_days_after_previous", "optional", "min_amount", "sequence"} & set(vals):
            self.profile_id._replan()
        return res
