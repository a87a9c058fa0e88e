from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MANAGER = "credit_followup.group_credit_manager"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class CreditCollectionAgency(models.Model):
    """A collection agency, bailiff or lawyer that takes over claims, in the file format it wants."""

    _name = "credit.collection.agency"
    _description = "Collection agency"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(related="partner_id.name", store=True, readonly=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True, tracking=True
    )
    partner_id = fields.Many2one("res.partner", string="Agency", required=True, tracking=True, check_company=True)
    kind = fields.Selection(
        [("agency", "Collection agency"), ("bailiff", "Bailiff"), ("lawyer", "Lawyer")],
        required=True,
        default="agency",
        help="Dutch collection agencies must be registered (Wet kwaliteit incassodienstverlening, since 2024); "
        "bailiffs and lawyers are exempt.",
    )
    registration_number = fields.Char(
        tracking=True, help="Number in the Dutch register of collection agencies (Justis)."
    )
    format_id = fields.Many2one(
        "credit.collection.format",
        string="Hand-over format",
        required=True,
        check_company=True,
        domain="[('purpose', '=', 'export'), '|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        tracking=True,
    )
    status_format_id = fields.Many2one(
        "credit.collection.format",
        string="Status file format",
        check_company=True,
        domain="[('purpose', '=', 'status'), '|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="How to read the status files this agency sends back.",
    )
    email = fields.Char(string="Contact e-mail", help="Hand-overs, payments and recalls are e-mailed here.")
    portal_url = fields.Char(string="Portal URL")
    fee_percentage = fields.Float(string="Fee (%)", help="The agency's fee as a share of what it collects.")
    min_amount = fields.Monetary(
        string="Minimum claim", currency_field="currency_id", help="Debtors owing less are not handed over."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # the direct link to the agency's portal
    push_method = fields.Selection(
        [("none", "No (e-mail or upload by hand)"), ("file", "Upload the file"), ("json", "Send JSON")],
        string="Send to the agency's API",
        default="none",
        required=True,
        tracking=True,
    )
    endpoint_url = fields.Char(
        string="Endpoint", groups=MANAGER, help="HTTPS address of the agency's API that receives hand-overs."
    )
    auth_type = fields.Selection(
        [("bearer", "Bearer token"), ("basic", "User name and password")], default="bearer", groups=MANAGER
    )
    api_user = fields.Char(string="API user", groups=MANAGER)
    api_secret = fields.Char(string="API token or password", groups=MANAGER, copy=False)
    push_max_attempts = fields.Integer(string="Attempts", default=5, help="Attempts before a push is given up.")
    push_retry_minutes = fields.Integer(
        string="First retry after (minutes)", default=5, help="Each further retry waits twice as long."
    )
    case_ids = fields.One2many("credit.collection.case", "agency_id", string="Cases")
    case_count = fields.Integer(compute="_compute_results")
    amount_outstanding = fields.Monetary(string="Outstanding", compute="_compute_results", currency_field="currency_id")
    amount_handed_over = fields.Monetary(string="Handed over", compute="_compute_results", currency_field="currency_id")
    amount_collected = fields.Monetary(string="Collected", compute="_compute_results", currency_field="currency_id")
    fee_amount = fields.Monetary(string="Fees", compute="_compute_results", currency_field="currency_id")
    success_rate = fields.Float(
        string="Success rate (%)", compute="_compute_results", help="Collected as a share of what was handed over."
    )
    avg_days_to_collect = fields.Float(string="Average days to collect", compute="_compute_results")

    @api.constrains("kind", "registration_number")
    def _check_registration(self):
        for agency in self:
            if agency.kind == "agency" and not agency.registration_number:
                raise ValidationError(
                    self.env._(
                        "A collection agency must have its registration number (bailiffs and lawyers are exempt)."
                    )
                )

    @api.constrains("push_method", "endpoint_url")
    def _check_endpoint(self):
        for agency in self.sudo():  # sudo: the endpoint is a managers-only field, checked for anyone saving
            if agency.push_method == "none":
                continue
            url = urlparse(agency.endpoint_url or "")
            if not url.hostname or (
                url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOCAL_HOSTS)
            ):
                raise ValidationError(self.env._("The agency's endpoint must be an https:// address."))

    @api.depends_context("company")
    def _compute_results(self):
        Case = self.env["credit.collection.case"]
        rows = Case._read_group(
            [("agency_id", "in", self.ids)],
            ["agency_id"],
            ["__count", "amount_total:sum", "amount_collected:sum", "fee_amount:sum", "amount_outstanding:sum"],
        )
        stats = {agency.id: values for agency, *values in rows}
        days = {
            agency.id: avg
            for agency, avg in Case._read_group(
                [("agency_id", "in", self.ids), ("state", "in", ("paid", "partly_paid")), ("date_closed", "!=", False)],
                ["agency_id"],
                ["days_to_collect:avg"],
            )
        }
        for agency in self:
            count, total, collected, fees, outstanding = stats.get(agency.id, (0, 0.0, 0.0, 0.0, 0.0))
            agency.case_count = count
            agency.amount_handed_over = total
            agency.amount_collected = collected
            agency.fee_amount = fees
            agency.amount_outstanding = outstanding
            agency.success_rate = 100.0 * collected / total if total else 0.0
            agency.avg_days_to_collect = days.get(agency.id) or 0.0

    def hand_over(self, moves, include_disputed=False, date=None):
        """Hand ``moves`` (open posted customer invoices of this agency's company) over: one case per debtor
        and currency, follow-up stopped, chatter, export file (and dossier) on the case, e-mailed or pushed.

        Returns the cases created. Raises UserError, changing nothing, on an invoice that is not open,
        already at an agency, disputed (unless ``include_disputed``), of another company, or a debtor
        under the agency's minimum claim."""
        self.ensure_one()
        return self.env["credit.collection.case"]._hand_over(self, moves, include_disputed=include_disputed, date=date)

    def action_open_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_export.action_credit_collection_case")
        action["domain"] = [("agency_id", "=", self.id)]
        action["context"] = {"default_agency_id": self.id}
        return action

    def action_import_status(self):
        self.ensure_one()
        return self.env["credit.collection.status.import"].action_open(self)

    def _request_auth(self):
        """(headers, auth) for the agency's API; the credentials are read with sudo by the push job only."""
        self.ensure_one()
        agency_sudo = self.sudo()  # sudo: the credentials are hidden from everyone but credit managers
        if not agency_sudo.api_secret:
            return {}, None
        if agency_sudo.auth_type == "basic":
            return {}, (agency_sudo.api_user or "", agency_sudo.api_secret)
        return {"Authorization": f"Bearer {agency_sudo.api_secret}"}, None
