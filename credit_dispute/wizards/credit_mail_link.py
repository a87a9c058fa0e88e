from odoo import Command, api, fields, models


class CreditMailLink(models.TransientModel):
    """Triage: link an e-mail from an unknown sender to a debtor and invoices, as if it had been matched."""

    _name = "credit.mail.link"
    _description = "Link an incoming e-mail to a debtor"

    inbox_id = fields.Many2one("credit.mail.inbox", string="E-mail", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="inbox_id.company_id")
    email_from = fields.Char(related="inbox_id.email_from")
    partner_id = fields.Many2one(
        "res.partner",
        string="Debtor",
        required=True,
        domain="[('parent_id', '=', False), ('company_id', 'in', [False, company_id])]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
        help="The e-mail is posted on these invoices; a dispute to qualify is opened for the open ones.",
    )
    add_contact = fields.Boolean(
        string="Add the sender address as a contact of the debtor",
        compute="_compute_add_contact",
        store=True,
        readonly=False,
        help="Next e-mails from this address are then matched to the debtor automatically.",
    )
    acknowledge = fields.Boolean(
        string="Send the acknowledgement",
        default=True,
        help="The sender gets the automatic acknowledgement (unless the e-mail was automatic or one was sent "
        "already in this conversation).",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        inbox = self.env["credit.mail.inbox"].browse(values.get("inbox_id") or self.env.context.get("active_id"))
        if inbox.exists() and "partner_id" in fields_list and not values.get("partner_id"):
            partner, moves = inbox._suggestion()
            values.setdefault("inbox_id", inbox.id)
            if partner:
                values["partner_id"] = partner.id
                values["move_ids"] = [Command.set(moves.ids)]
        return values

    @api.depends("partner_id", "inbox_id")
    def _compute_add_contact(self):
        for wizard in self:
            email = wizard.inbox_id.email_normalized
            known = (
                wizard.partner_id
                and email
                and self.env["res.partner"].search_count(
                    [
                        ("email_normalized", "=", email),
                        ("commercial_partner_id", "=", wizard.partner_id.commercial_partner_id.id),
                    ],
                    limit=1,
                )
            )
            wizard.add_contact = bool(email) and not known

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        self.move_ids = self.move_ids.filtered(
            lambda m: m.commercial_partner_id == self.partner_id.commercial_partner_id
        )

    def action_link(self):
        self.ensure_one()
        self.inbox_id._action_link(
            self.partner_id, self.move_ids, add_contact=self.add_contact, acknowledge=self.acknowledge
        )
        return {"type": "ir.actions.act_window_close"}
