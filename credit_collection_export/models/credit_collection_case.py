import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.credit_followup.models.res_partner import OPEN_INVOICE_DOMAIN

CASE_STATES = [
    ("handed_over", "Handed over"),
    ("in_progress", "In progress"),
    ("paid", "Paid"),
    ("partly_paid", "Partly paid"),
    ("returned", "Returned"),
    ("written_off", "Written off"),
    ("recalled", "Recalled"),
]
OPEN_STATES = ("handed_over", "in_progress")
# where a case may go from each state (buttons, status files)
TRANSITIONS = {
    "handed_over": {"in_progress", "paid", "partly_paid", "returned", "written_off", "recalled"},
    "in_progress": {"paid", "partly_paid", "returned", "written_off", "recalled"},
    "partly_paid": {"paid"},
}
REMINDER_CHANNELS_EXCLUDED = ("phone", "task")


class CreditCollectionCase(models.Model):
    """The claims of one debtor (in one currency) handed to one agency on one day."""

    _name = "credit.collection.case"
    _description = "Collection case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_handed_over desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    agency_id = fields.Many2one(
        "credit.collection.agency", required=True, readonly=True, index=True, check_company=True, tracking=True
    )
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    move_ids = fields.Many2many(
        "account.move",
        "credit_collection_case_move_rel",
        "case_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    move_count = fields.Integer(string="Invoice count", compute="_compute_move_count")
    state = fields.Selection(CASE_STATES, required=True, default="handed_over", tracking=True, copy=False, index=True)
    date_handed_over = fields.Date(string="Handed over on", required=True, readonly=True, index=True)
    date_closed = fields.Date(string="Closed on", tracking=True, copy=False)
    principal = fields.Monetary(readonly=True, help="The open amount of the invoices on the day of hand-over.")
    costs = fields.Monetary(
        string="Collection costs", readonly=True, help="Extrajudicial collection costs, excluding VAT."
    )
    costs_note = fields.Char(string="About the costs", readonly=True)
    interest = fields.Monetary(readonly=True, help="Statutory interest up to the hand-over.")
    amount_total = fields.Monetary(string="Claim", compute="_compute_amounts", store=True)
    amount_collected = fields.Monetary(string="Collected", tracking=True, help="What the agency reports collected.")
    fee_amount = fields.Monetary(string="Agency fees", tracking=True)
    amount_paid_direct = fields.Monetary(
        string="Paid to us",
        compute="_compute_amounts",
        store=True,
        help="Payments registered on the invoices in Odoo since the hand-over.",
    )
    amount_outstanding = fields.Monetary(string="Outstanding", compute="_compute_amounts", store=True)
    days_to_collect = fields.Integer(compute="_compute_days_to_collect", store=True, aggregator="avg")
    agency_reference = fields.Char(string="Agency's reference", tracking=True, copy=False, index="btree_not_null")
    status_date = fields.Date(string="Last status", readonly=True)
    status_note = fields.Char(string="Agency's remark")
    export_attachment_id = fields.Many2one("ir.attachment", string="Hand-over file", readonly=True, copy=False)
    export_file = fields.Binary(related="export_attachment_id.datas", string="File")
    export_file_name = fields.Char(related="export_attachment_id.name", string="File name")
    dossier_attachment_id = fields.Many2one("ir.attachment", string="Dossier", readonly=True, copy=False)
    push_ids = fields.One2many("credit.collection.push", "case_id", string="Sent to the agency")

    _sql_constraints = [("name_company_uniq", "unique(name, company_id)", "A case reference is unique per company.")]

    @api.depends("move_ids")
    def _compute_move_count(self):
        for case in self:
            case.move_count = len(case.move_ids)

    @api.depends("principal", "costs", "interest", "amount_collected", "state", "move_ids.amount_residual")
    def _compute_amounts(self):
        for case in self:
            case.amount_total = case.principal + case.costs + case.interest
            residual = sum(case.move_ids.mapped("amount_residual"))
            case.amount_paid_direct = max(case.principal - residual, 0.0) if case.move_ids else 0.0
            open_amount = case.amount_total - case.amount_collected - case.amount_paid_direct
            case.amount_outstanding = max(open_amount, 0.0) if case.state in OPEN_STATES else 0.0

    @api.depends("state", "date_closed", "date_handed_over")
    def _compute_days_to_collect(self):
        for case in self:
            if case.state in ("paid", "partly_paid") and case.date_closed:
                case.days_to_collect = (case.date_closed - case.date_handed_over).days
            else:
                case.days_to_collect = False

    def _dossier_file_name(self):
        """The dossier's file name on the case (credit_dispute installed), else False."""
        if not self or not self._dossier_report():
            return False
        return self._dossier_name_of(self.name)

    @api.model
    def _dossier_name_of(self, case_name):
        return f"{case_name.replace('/', '-')}-dossier.pdf" if case_name else None

    @api.model
    def _dossier_report(self):
        """credit_dispute's invoice dossier report when that module is installed (detected at run time)."""
        return self.env.ref("credit_dispute.action_report_credit_dossier_move", raise_if_not_found=False)

    # ------------------------------------------------------------------ amounts
    @api.model
    def _open_invoice_domain(self):
        return OPEN_INVOICE_DOMAIN + [("company_id", "=", self.env.company.id)]

    @api.model
    def _statutory_interest(self, move, date):
        """The one place interest is read: credit_followup's account.move.credit_statutory_interest."""
        return move.credit_statutory_interest(date)

    @api.model
    def _collection_costs(self, company, principal):
        """The one place collection costs are read: credit_followup's res.company.credit_collection_costs."""
        return company.credit_collection_costs(principal)

    @api.model
    def _is_consumer(self, partner):
        partner = partner.commercial_partner_id
        kind = partner._fields.get("credit_interest_kind") and partner.credit_interest_kind
        return kind == "consumer" if kind else not partner.is_company

    @api.model
    def _notice_proven(self, moves, date):
        """Ids of ``moves`` on which collection costs may be charged: credit_followup's log shows a formal
        14-day notice that went out and whose term ended before ``date`` — the rule of
        ``account.move._credit_collection_costs_claimable``, read for all invoices in one query."""
        logs = (
            self.env["credit.followup.log"]
            .sudo()  # sudo: the proof is read for the hand-over, whoever may read the engine's log
            ._read_group(
                [
                    ("move_id", "in", moves.ids),
                    ("state", "=", "done"),
                    ("notice_deadline", "!=", False),
                    ("notice_deadline", "<", date),
                ],
                ["move_id"],
            )
        )
        return {move.id for (move,) in logs}

    @api.model
    def _claims(self, moves, date):
        """{move id: {principal, interest, costs, costs_note}} on ``date``.

        Costs are computed once per debtor and currency on the sum of the principals (the scale is
        degressive) and shared out pro rata, the rounding difference on the last invoice. A consumer owes
        costs only on invoices whose 14-day notice is proven (see :meth:`_notice_proven`)."""
        result = {}
        proven = None
        moves = moves.with_context(credit_rate_table_cache={})
        Column = self.env["credit.collection.format.column"]
        keys = [
            Column._field_values(moves, moves._fields[name])
            for name in ("commercial_partner_id", "currency_id", "company_id")
        ]
        residual = Column._field_values(moves, moves._fields["amount_residual"])
        grouped = {}
        for mid in moves.ids:
            grouped.setdefault(tuple(values[mid] for values in keys), []).append(mid)
        # browsed with the prefetch of all invoices and debtors: a field read once for all, not per debtor
        partners = self.env["res.partner"].browse({key[0] for key in grouped})
        Currency, Company = self.env["res.currency"], self.env["res.company"]
        for (partner_id, currency_id, company_id), ids in grouped.items():
            partner = partners.browse(partner_id).with_prefetch(partners._prefetch_ids)
            currency, company = Currency.browse(currency_id), Company.browse(company_id)
            group = moves.browse(ids).with_prefetch(moves._prefetch_ids)
            consumer = self._is_consumer(partner)
            if consumer and proven is None:
                proven = self._notice_proven(moves, date)
            eligible = [mid for mid in ids if not consumer or mid in proven]
            note = False
            if consumer and len(eligible) < len(ids):
                note = self.env._(
                    "Consumer: no costs on invoices without a proven 14-day notice whose term has passed."
                )
            for move in group:
                result[move.id] = {
                    "principal": residual[move.id],
                    "interest": self._statutory_interest(move, date),
                    "costs": 0.0,
                    "costs_note": note,
                }
            base = sum(residual[mid] for mid in eligible)
            if base <= 0:
                continue
            base_company = currency._convert(base, company.currency_id, company, date)
            costs = company.currency_id._convert(self._collection_costs(company, base_company), currency, company, date)
            shared = 0.0
            for index, mid in enumerate(eligible):
                if index == len(eligible) - 1:
                    share = currency.round(costs - shared)
                else:
                    share = currency.round(costs * residual[mid] / base)
                shared += share
                result[mid]["costs"] = share
        return result

    @api.model
    def _reminders_sent(self, moves):
        rows = self.env["credit.followup.log"]._read_group(
            [("move_id", "in", moves.ids), ("state", "=", "done"), ("channel", "not in", REMINDER_CHANNELS_EXCLUDED)],
            ["move_id"],
            ["__count"],
        )
        return {move.id: count for move, count in rows}

    @api.model
    def _last_contact_dates(self, moves):
        """The newest message of a contact subtype (reminder, letter, call, …) on each invoice."""
        rows = (
            self.env["mail.message"]
            .sudo()  # sudo: a grouped read of dates on invoices the user may read (checked by the caller)
            ._read_group(
                [("model", "=", "account.move"), ("res_id", "in", moves.ids), ("subtype_id.credit_contact", "=", True)],
                ["res_id"],
                ["date:max"],
            )
        )
        return {res_id: value.date() for res_id, value in rows if value}

    @api.model
    def _disputed_moves(self, moves):
        """Ids of ``moves`` with an open dispute (credit_dispute installed), else an empty set."""
        Move = self.env["account.move"]
        if "credit_dispute_id" not in Move._fields:
            return set()
        return set(Move.search([("id", "in", moves.ids), ("credit_dispute_id", "!=", False)]).ids)

    # ------------------------------------------------------------------ hand-over
    @api.model
    def _hand_over(self, agency, moves, include_disputed=False, date=None):
        self.check_access("create")
        agency.check_access("read")
        if not moves:
            raise UserError(self.env._("Select the invoices to hand over."))
        company = agency.company_id
        if not agency.active:
            raise UserError(self.env._("The agency %(agency)s is archived.", agency=agency.name))
        if moves.company_id != company:
            raise UserError(
                self.env._(
                    "Only invoices of %(company)s can go to %(agency)s.", company=company.name, agency=agency.name
                )
            )
        Case = self.with_company(company)
        date = date or company._credit_today()
        moves = moves.with_company(company)
        not_open = moves - moves.filtered_domain(OPEN_INVOICE_DOMAIN)
        if not_open:
            raise UserError(
                self.env._(
                    "Only open posted customer invoices can be handed over: %(invoices)s",
                    invoices=", ".join(not_open.mapped("display_name")),
                )
            )
        at_agency = moves.filtered(lambda m: m.credit_followup_state == "collection")
        if at_agency:
            raise UserError(
                self.env._("Already at a collection agency: %(invoices)s", invoices=", ".join(at_agency.mapped("name")))
            )
        disputed = Case._disputed_moves(moves)
        if disputed and not include_disputed:
            raise UserError(
                self.env._(
                    "These invoices are disputed; confirm to hand them over anyway: %(invoices)s",
                    invoices=", ".join(moves.filtered(lambda m: m.id in disputed).mapped("name")),
                )
            )
        claims = Case._claims(moves, date)
        groups = moves.grouped(lambda m: (m.commercial_partner_id, m.currency_id))
        too_small = []
        for (partner, currency), group in groups.items():
            principal = sum(claims[m.id]["principal"] for m in group)
            if currency._convert(principal, company.currency_id, company, date) < agency.min_amount:
                too_small.append(partner.display_name)
        if too_small:
            raise UserError(
                self.env._(
                    "Under the agency's minimum claim of %(amount)s: %(debtors)s",
                    amount=agency.min_amount,
                    debtors=", ".join(too_small),
                )
            )
        vals_list = []
        for (partner, currency), group in groups.items():
            lines = [claims[m.id] for m in group]
            vals_list.append(
                {
                    "company_id": company.id,
                    "agency_id": agency.id,
                    "partner_id": partner.id,
                    "currency_id": currency.id,
                    "move_ids": [fields.Command.set(group.ids)],
                    "date_handed_over": date,
                    "principal": sum(line["principal"] for line in lines),
                    "interest": currency.round(sum(line["interest"] for line in lines)),
                    "costs": currency.round(sum(line["costs"] for line in lines)),
                    "costs_note": next((line["costs_note"] for line in lines if line["costs_note"]), False),
                }
            )
        cases = Case.create(vals_list)
        for case in cases:
            case.move_ids.write({"credit_followup_state": "collection", "credit_collection_case_id": case.id})
        cases._post_hand_over()
        cases._attach_files(date)
        cases._send_to_agency("hand_over")
        return cases

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("credit.collection.case") or "/"
                )
        return super().create(vals_list)

    def _post_hand_over(self):
        """ "Handed over to <agency>" on each invoice, the debtor and the case: the contact history."""
        for case in self:
            case._post_on_claim(
                self.env._(
                    "Handed over to %(agency)s in case %(case)s: %(invoices)s; claim %(amount)s %(currency)s.",
                    agency=case.agency_id.name,
                    case=case.name,
                    invoices=", ".join(case.move_ids.mapped("name")),
                    amount="%.2f" % case.amount_total,  # noqa: UP031 - babel cannot read f-strings in _()
                    currency=case.currency_id.name,
                )
            )

    def _post_on_claim(self, text):
        """One line on the case, the debtor and each invoice (the contact history), in one batched create."""
        engine = self.env["credit.followup.engine"]
        author = {"author_id": self.env.user.partner_id.id, "email_from": self.env.user.email_formatted or False}
        vals_list = []
        for case in self:
            body = Markup("<p>%s</p>") % text
            for record in [case, case.partner_id, *case.move_ids]:
                vals_list.append(
                    engine._message_vals(
                        record, body, "credit_collection_export.mt_credit_collection", case.company_id, **author
                    )
                )
        # sudo: a credit manager may write cases but not every debtor; the rights on the case were checked
        self.env["mail.message"].sudo().create(vals_list)

    def _attach_files(self, date):
        """The export file (one per case, values read once for all cases) and, with credit_dispute, the
        dossier PDF of the case's invoices."""
        Attachment = self.env["ir.attachment"]
        for fmt, cases in self.grouped(lambda c: c.agency_id.format_id).items():
            files = fmt._export_many({case: case.move_ids for case in cases}, date)
            attachments = Attachment.create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "res_model": self._name,
                        "res_id": case.id,
                        "mimetype": fmt._mimetype(),
                    }
                    for case, (name, data) in files.items()
                ]
            )
            for case, attachment in zip(cases, attachments, strict=True):
                case.export_attachment_id = attachment
        report = self._dossier_report()
        if report:
            for case in self:
                pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(report, case.move_ids.ids)
                case.dossier_attachment_id = Attachment.create(
                    {
                        "name": case._dossier_file_name(),
                        "raw": pdf,
                        "res_model": self._name,
                        "res_id": case.id,
                        "mimetype": "application/pdf",
                    }
                )

    # ------------------------------------------------------------------ telling the agency
    def _send_to_agency(self, event, amount=0.0):
        """Tell the agency: a queued push when it has an API, else a queued e-mail to its contact address."""
        push_cases = self.filtered(lambda c: c.agency_id.push_method != "none")
        if push_cases:
            self.env["credit.collection.push"]._enqueue(push_cases, event, amount=amount)
        templates = {
            "hand_over": "credit_collection_export.mail_template_credit_collection_hand_over",
            "payment": "credit_collection_export.mail_template_credit_collection_payment",
            "recall": "credit_collection_export.mail_template_credit_collection_recall",
        }
        template = self.env.ref(templates[event])
        for case in (self - push_cases).filtered(lambda c: c.agency_id.email):
            attachments = (case.export_attachment_id | case.dossier_attachment_id).ids if event == "hand_over" else []
            template.with_context(credit_amount=amount).send_mail(
                case.id, email_values={"attachment_ids": attachments}, force_send=False
            )

    def _notify_direct_payment(self, amounts):
        """A payment registered in Odoo on invoices of open cases: on the case, and the agency is told."""
        for case in self:
            amount = amounts.get(case.id, 0.0)
            case.message_post(
                body=self.env._(
                    "Payment of %(amount)s %(currency)s registered on the invoices; the agency is told.",
                    amount="%.2f" % amount,  # noqa: UP031 - babel cannot read f-strings in _()
                    currency=case.currency_id.name,
                ),
                subtype_xmlid="credit_collection_export.mt_credit_collection",
            )
            case._send_to_agency("payment", amount=amount)

    # ------------------------------------------------------------------ lifecycle
    def _set_state(self, state, date=None, resume=True):
        """Move the cases to ``state`` (checked against TRANSITIONS) and update their invoices."""
        date = date or self.env.company._credit_today()
        for case in self:
            if case.state == state:
                continue
            if state not in TRANSITIONS.get(case.state, ()):
                states = dict(CASE_STATES)
                raise UserError(
                    self.env._(
                        "Case %(case)s cannot go from %(old)s to %(new)s.",
                        case=case.name,
                        old=states[case.state],
                        new=states[state],
                    )
                )
        changing = self.filtered(lambda c: c.state != state)
        vals = {"state": state}
        if state not in OPEN_STATES:
            vals["date_closed"] = date
        changing.write(vals)
        moves = changing.move_ids.filtered(
            lambda m: m.credit_followup_state == "collection" and m.credit_collection_case_id in changing
        )
        if state in ("returned", "recalled"):
            if resume:
                moves.write({"credit_followup_state": "active", "credit_followup_planned": False})
            else:
                moves.write(
                    {
                        "credit_followup_state": "paused",
                        "credit_pause_reason": "manual",
                        "credit_followup_note": self.env._("Back from the collection agency"),
                    }
                )
        elif state == "written_off":
            moves.write({"credit_followup_state": "excluded", "credit_followup_note": self.env._("Written off")})
        return changing

    def action_start(self):
        self._set_state("in_progress")

    def action_paid(self):
        self._set_state("paid")

    def action_partly_paid(self):
        self._set_state("partly_paid")

    def action_return(self):
        self._set_state("returned")

    def action_write_off(self):
        self._set_state("written_off")

    def action_recall(self, resume=True):
        """Take the cases back from the agency: follow-up resumes (or stays paused), the agency is told."""
        open_cases = self.filtered(lambda c: c.state in OPEN_STATES)
        if self - open_cases:
            raise UserError(self.env._("Only cases at the agency (handed over or in progress) can be recalled."))
        open_cases._set_state("recalled", resume=resume)
        open_cases._send_to_agency("recall")
        for case in open_cases:
            case._post_on_claim(
                self.env._("Recalled from %(agency)s (case %(case)s).", agency=case.agency_id.name, case=case.name)
            )
        return True

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_download(self):
        self.ensure_one()
        if not self.export_attachment_id:
            raise UserError(self.env._("This case has no hand-over file."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.export_attachment_id.id}?download=true",
            "target": "self",
        }

    def _payload(self, event, amount=0.0):
        """The JSON the agency's API receives (documented in readme/USAGE.md)."""
        self.ensure_one()
        partner = self.partner_id
        payload = {
            "event": event,
            "case": self.name,
            "agency_reference": self.agency_reference or None,
            "date": fields.Date.to_string(self.date_handed_over),
            "currency": self.currency_id.name,
            "principal": self.principal,
            "costs": self.costs,
            "interest": self.interest,
            "debtor": {
                "name": partner.name,
                "vat": partner.vat or None,
                "street": partner.street or None,
                "zip": partner.zip or None,
                "city": partner.city or None,
                "country": partner.country_id.code or None,
                "email": partner.email or None,
                "phone": partner.phone or partner.mobile or None,
                "is_company": partner.is_company,
            },
            "invoices": [
                {
                    "number": move.name,
                    "date": fields.Date.to_string(move.invoice_date),
                    "due_date": fields.Date.to_string(move.invoice_date_due),
                    "amount_total": move.amount_total,
                    "amount_open": move.amount_residual,
                }
                for move in self.move_ids
            ],
        }
        if event == "payment":
            payload["payment_amount"] = amount
        if event == "hand_over" and self.export_attachment_id:
            payload["file"] = {
                "name": self.export_attachment_id.name,
                "content_base64": base64.b64encode(self.export_attachment_id.raw or b"").decode(),
            }
        return payload
