"""The debtor's own pages under /my/credit: routes only; the rules live on the models.

Every route works for a logged-in portal user (their commercial partner) and for a visitor with the signed
link of a reminder (``?access_token=…``, see ``res.partner._credit_portal_token``). Records are read with
sudo, always filtered on that one commercial partner; anything else is a 403/404 and changes nothing.
"""

import logging
from urllib.parse import urlencode

from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.http import content_disposition, request, route
from odoo.tools import SQL, float_compare, hash_sign, verify_hash_signed

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.credit_followup.models.res_partner import OPEN_INVOICE_DOMAIN
from odoo.addons.portal.controllers.portal import pager as portal_pager

_logger = logging.getLogger(__name__)
PAGE_SIZE = 20
SELECTION_SCOPE = "credit_portal.pay"
OPEN_DISPUTE_STATES = ("new", "in_progress")
PAID_DOMAIN = [
    ("move_type", "=", "out_invoice"),
    ("state", "=", "posted"),
    ("payment_state", "in", ("paid", "in_payment")),
]


class CreditPortal(PortalAccount):
    # ------------------------------------------------------------------ helpers
    def _credit_debtor(self, access_token=None):
        """The commercial partner the page is for: from a valid portal token, else the logged-in user.

        None when nobody is identified (the caller sends them to the login page); Forbidden for a wrong,
        expired or revoked token."""
        if access_token:
            partner = request.env["res.partner"]._credit_portal_partner_from_token(access_token)
            if not partner:
                raise Forbidden(
                    request.env._("This link is not valid (anymore). Use the link of your latest reminder.")
                )
            return partner
        if request.env.user._is_public():
            return None
        # sudo: the same record a token gives, so that every page reads it the same way
        return request.env.user.partner_id.commercial_partner_id.sudo()

    def _credit_login(self):
        return request.redirect("/web/login?" + urlencode({"redirect": request.httprequest.full_path}))

    @staticmethod
    def _credit_url_maker(access_token):
        def credit_url(path, **params):
            params = {k: v for k, v in params.items() if v not in (None, False, "")}
            if access_token:
                params["access_token"] = access_token
            return f"{path}?{urlencode(params)}" if params else path

        return credit_url

    def _credit_values(self, debtor_sudo, access_token, section=False, **extra):
        values = self._prepare_portal_layout_values() if not request.env.user._is_public() else {}
        values.update(
            {
                "page_name": "credit",
                "credit_section": section,
                "debtor": debtor_sudo,
                "access_token": access_token or "",
                "credit_url": self._credit_url_maker(access_token),
                "credit_token_visitor": bool(access_token),
                "statement_report": self._credit_statement_report(),
                # separators of the debtor's language for the running total (static/src/js/credit_portal.js)
                "credit_lang": request.env["res.lang"]._get_data(code=request.env.lang or "en_US"),
            }
        )
        values.update(extra)
        return values

    def _credit_statement_report(self):
        """The statement of account (credit_followup, issue 13), when that report is installed."""
        return request.env.ref("credit_followup.action_report_credit_statement", raise_if_not_found=False)

    def _credit_open_domain(self, debtor_sudo):
        return OPEN_INVOICE_DOMAIN + [("commercial_partner_id", "=", debtor_sudo.id)]

    def _credit_moves_sudo(self, debtor_sudo, ids, domain=None):
        """The debtor's invoices among ``ids`` (from a form); Forbidden when any id is not theirs / not open."""
        try:
            ids = [int(i) for i in ids if str(i).strip()]
        except (TypeError, ValueError):
            raise BadRequest() from None
        # sudo: token visitors have no user; the domain keeps it to this debtor's own invoices
        moves_sudo = (
            request.env["account.move"]
            .sudo()
            .search((domain or self._credit_open_domain(debtor_sudo)) + [("id", "in", ids)])
        )
        if len(moves_sudo) != len(set(ids)):
            raise Forbidden()
        return moves_sudo

    def _credit_dispute_sudo(self, debtor_sudo, dispute_id):
        # sudo: the debtor reads their own complaint; another partner's id is a 404
        dispute_sudo = request.env["credit.dispute"].sudo().browse(dispute_id).exists()
        if not dispute_sudo or dispute_sudo.partner_id != debtor_sudo:
            raise NotFound()
        return dispute_sudo

    def _credit_categories_sudo(self, debtor_sudo, companies):
        # sudo: categories are the company's configuration; only those visible on the portal are offered
        return (
            request.env["credit.issue.category"]
            .sudo()
            .search([("company_id", "in", companies.ids), ("portal_visible", "=", True)], order="sequence, id")
        )

    def _credit_form_ids(self, name):
        return request.httprequest.form.getlist(name)

    # ------------------------------------------------------------------ portal home tile
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = request.env.user.partner_id.commercial_partner_id
        if "credit_count" in counters or not counters:
            Move = request.env["account.move"].sudo()  # the user's own commercial partner's invoices only
            values["credit_count"] = Move.search_count(self._credit_open_domain(partner))
            values["credit_complaint_count"] = (
                request.env["credit.dispute"]
                .sudo()
                .search_count([("partner_id", "=", partner.id), ("state", "in", OPEN_DISPUTE_STATES)])
            )
        return values

    # ------------------------------------------------------------------ section home
    @route("/my/credit", type="http", auth="public", website=True, sitemap=False)
    def credit_home(self, access_token=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        Move = request.env["account.move"].sudo()  # the debtor's own invoices (domain)
        today = (debtor_sudo.company_id or request.env.company)._credit_today()
        domain = self._credit_open_domain(debtor_sudo)
        totals = Move._read_group(domain, ["currency_id"], ["__count", "amount_residual:sum"])
        overdue = dict(
            Move._read_group(domain + [("invoice_date_due", "<", today)], ["currency_id"], ["amount_residual:sum"])
        )
        complaints = (
            request.env["credit.dispute"]
            .sudo()
            .search_count([("partner_id", "=", debtor_sudo.id), ("state", "in", OPEN_DISPUTE_STATES)])
        )
        values = self._credit_values(
            debtor_sudo,
            access_token,
            totals=[(currency, count, amount, overdue.get(currency, 0.0)) for currency, count, amount in totals],
            open_count=sum(count for _c, count, _a in totals),
            complaint_count=complaints,
        )
        return request.render("credit_portal.portal_credit_home", values)

    # ------------------------------------------------------------------ invoices
    @route(
        ["/my/credit/invoices", "/my/credit/invoices/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def credit_invoices(self, page=1, paid=None, access_token=None, error=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        paid = bool(paid)
        Move = request.env["account.move"].sudo()  # the debtor's own invoices (domain)
        domain = (
            (PAID_DOMAIN + [("commercial_partner_id", "=", debtor_sudo.id)])
            if paid
            else self._credit_open_domain(debtor_sudo)
        )
        total = Move.search_count(domain)
        url_args = {"paid": 1} if paid else {}
        if access_token:
            url_args["access_token"] = access_token
        pager = portal_pager(url="/my/credit/invoices", url_args=url_args, total=total, page=page, step=PAGE_SIZE)
        order = "invoice_date desc, id desc" if paid else "invoice_date_due asc, id asc"
        moves = Move.search(domain, order=order, limit=PAGE_SIZE, offset=pager["offset"])
        values = self._credit_values(
            debtor_sudo,
            access_token,
            request.env._("Paid invoices") if paid else request.env._("Open invoices"),
            moves=moves,
            pager=pager,
            paid=paid,
            total_count=total,
            today=(debtor_sudo.company_id or request.env.company)._credit_today(),
            error={
                "currency": request.env._("Choose invoices in one currency (and of one company) to pay them together."),
                "none": request.env._("Choose at least one invoice to pay."),
            }.get(error),
        )
        if paid:
            values["payment_dates"] = self._credit_payment_dates(moves)
        else:
            values["totals"] = Move._read_group(domain, ["currency_id"], ["amount_residual:sum"])
            # one query for the open complaints of the page's invoices
            disputed = (
                request.env["credit.dispute"]
                .sudo()
                ._read_group([("move_ids", "in", moves.ids), ("state", "in", OPEN_DISPUTE_STATES)], ["move_ids"])
            )
            values["disputed"] = {move.id for [move] in disputed}
        return request.render("credit_portal.portal_credit_invoices", values)

    def _credit_payment_dates(self, moves):
        """{move id: date of the last payment reconciled with it}, in one query for the whole page."""
        if not moves:
            return {}
        rows = request.env.execute_query(
            SQL(
                """SELECT line.move_id, MAX(counterpart.date)
                     FROM account_move_line line
                     JOIN account_partial_reconcile part ON part.debit_move_id = line.id
                     JOIN account_move_line counterpart ON counterpart.id = part.credit_move_id
                    WHERE line.move_id IN %s
                 GROUP BY line.move_id""",
                tuple(moves.ids),
            )
        )  # the ORM would read every reconciled payment per invoice
        return dict(rows)

    @route("/my/credit/invoices/<int:invoice_id>/pdf", type="http", auth="public", website=True, sitemap=False)
    def credit_invoice_pdf(self, invoice_id, access_token=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        # sudo: a token visitor downloads their own invoice; any other id is a 404
        move_sudo = request.env["account.move"].sudo().browse(invoice_id).exists()
        if (
            not move_sudo
            or move_sudo.commercial_partner_id != debtor_sudo
            or move_sudo.move_type != "out_invoice"
            or move_sudo.state != "posted"
        ):
            raise NotFound()
        return self._show_report(
            model=move_sudo, report_type="pdf", report_ref="account.account_invoices", download=True
        )

    @route("/my/credit/statement", type="http", auth="public", website=True, sitemap=False)
    def credit_statement(self, access_token=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        report = self._credit_statement_report()
        if not report:
            raise NotFound()
        company = debtor_sudo.company_id or request.env.company
        # sudo: the debtor of the link prints their own statement (the report reads their open items)
        pdf = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(company)
            ._render_qweb_pdf("credit_followup.action_report_credit_statement", debtor_sudo.ids)[0]
        )
        filename = request.env._("Statement of account %s.pdf", debtor_sudo.name)
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    # ------------------------------------------------------------------ pay a chosen set
    @route("/my/credit/pay", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def credit_pay(self, access_token=None, amount=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        credit_url = self._credit_url_maker(access_token)
        moves_sudo = self._credit_moves_sudo(debtor_sudo, self._credit_form_ids("invoice_ids"))
        if not moves_sudo:
            return request.redirect(credit_url("/my/credit/invoices", error="none"))
        if len(moves_sudo.currency_id) > 1 or len(moves_sudo.company_id) > 1:
            return request.redirect(credit_url("/my/credit/invoices", error="currency"))
        currency, company = moves_sudo.currency_id, moves_sudo.company_id
        total = currency.round(sum(moves_sudo.mapped("amount_residual")))
        if amount not in (None, ""):
            posted = self._cast_as_float(amount)
            if posted is None or float_compare(posted, total, precision_rounding=currency.rounding):
                raise Forbidden(request.env._("The amount does not match the selected invoices."))
        selection = hash_sign(
            request.env(su=True),
            SELECTION_SCOPE,
            {"p": debtor_sudo.id, "i": moves_sudo.ids, "a": total, "t": bool(access_token)},
            expiration_hours=2,
        )
        reference = ", ".join(moves_sudo.mapped("name"))
        values = self._credit_values(
            debtor_sudo, access_token, request.env._("Pay"), moves=moves_sudo, amount=total, currency=currency
        )
        values.update(
            self._get_common_page_view_values(
                invoices_data={
                    "partner": debtor_sudo,
                    "company": company,
                    "total_amount": total,
                    "currency": currency,
                    "amount_residual": total,
                    "payment_reference": reference,
                    "landing_route": credit_url("/my/credit/invoices", paid=1),
                    "transaction_route": "/my/credit/pay/transaction",
                },
                access_token=selection,
            )
        )
        values.update({"amount": total, "partner_id": debtor_sudo.id, "reference": reference})
        return request.render("credit_portal.portal_credit_pay", values)

    @route("/my/credit/pay/transaction", type="json", auth="public")
    def credit_pay_transaction(self, access_token=None, amount=None, payment_reference=None, **kwargs):
        """The transaction for exactly the signed selection, for the server's open amount, for the debtor.

        ``payment_reference`` (sent by the payment form) is ignored: the reference comes from the invoice numbers."""
        try:
            selection = verify_hash_signed(request.env(su=True), SELECTION_SCOPE, access_token or "")
        except (ValueError, TypeError, UnicodeDecodeError):
            selection = None
        if not isinstance(selection, dict):
            raise ValidationError(request.env._("This payment page expired: select the invoices again."))
        debtor_sudo = request.env["res.partner"].sudo().browse(selection["p"]).exists()
        if not debtor_sudo:
            raise ValidationError(request.env._("This payment page expired: select the invoices again."))
        try:
            moves_sudo = self._credit_moves_sudo(debtor_sudo, selection["i"])
        except Forbidden:
            raise ValidationError(
                request.env._("Some of these invoices are no longer open: select them again.")
            ) from None
        currency = moves_sudo.currency_id
        total = currency.round(sum(moves_sudo.mapped("amount_residual")))
        if len(currency) != 1 or float_compare(total, selection["a"], precision_rounding=currency.rounding):
            raise ValidationError(request.env._("The open amount changed: select the invoices again."))
        if amount is not None and float_compare(float(amount), total, precision_rounding=currency.rounding):
            raise ValidationError(request.env._("The amount does not match the selected invoices."))
        kwargs.pop("landing_route", None)  # the server decides where the debtor lands
        kwargs.pop("amount", None)
        self._validate_transaction_kwargs(kwargs)
        kwargs["is_validation"] = False  # a payment of these invoices, never a card validation
        landing = "/my/credit/invoices?paid=1"
        if selection.get("t"):
            landing += "&access_token=" + debtor_sudo._credit_portal_token()
        tx_sudo = self._create_transaction(
            amount=total,
            currency_id=currency.id,
            partner_id=debtor_sudo.id,
            landing_route=landing,
            reference_prefix=None,  # computed from the invoice numbers, as Odoo does for one invoice
            custom_create_values={"invoice_ids": [Command.set(moves_sudo.ids)]},
            **kwargs,
        )
        return tx_sudo._get_processing_values()

    # ------------------------------------------------------------------ complaints
    @route("/my/credit/complaints", type="http", auth="public", website=True, sitemap=False)
    def credit_complaints(self, access_token=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        # sudo: the debtor's own disputes (domain)
        disputes = request.env["credit.dispute"].sudo().search([("partner_id", "=", debtor_sudo.id)], limit=200)
        messages = (
            request.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "credit.dispute"),
                    ("res_id", "in", disputes.ids),
                    ("message_type", "in", ("comment", "email")),
                    ("subtype_id.internal", "=", False),
                ],
                order="id desc",
            )
        )
        last = {}
        for message in messages:
            last.setdefault(message.res_id, message)
        values = self._credit_values(
            debtor_sudo, access_token, request.env._("Complaints"), disputes=disputes, last_messages=last
        )
        return request.render("credit_portal.portal_credit_complaints", values)

    @route(
        "/my/credit/complaints/new", type="http", auth="public", website=True, sitemap=False, methods=["GET", "POST"]
    )
    def credit_complaint_new(self, access_token=None, **post):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        Move = request.env["account.move"].sudo()  # the debtor's own open invoices (domain)
        moves = Move.search(self._credit_open_domain(debtor_sudo), order="invoice_date_due asc, id asc", limit=500)
        categories = self._credit_categories_sudo(debtor_sudo, moves.company_id or request.env.company)
        error = False
        if request.httprequest.method == "POST":
            chosen = self._credit_moves_sudo(debtor_sudo, self._credit_form_ids("invoice_ids"))
            category_id = self._cast_as_int(post.get("category_id"))
            category = categories.filtered(lambda c: c.id == category_id)
            if category_id and not category:
                raise Forbidden()
            try:
                with request.env.cr.savepoint():
                    dispute = request.env["credit.dispute"]._credit_portal_open(
                        debtor_sudo,
                        chosen,
                        category,
                        post.get("message"),
                        files=request.httprequest.files.getlist("attachments"),
                    )
            except (ValidationError, UserError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    self._credit_url_maker(access_token)(f"/my/credit/complaints/{dispute.id}", sent=1)
                )
        values = self._credit_values(
            debtor_sudo,
            access_token,
            request.env._("Report a problem"),
            moves=moves,
            categories=categories,
            error=error,
            post=post,
            selected={self._cast_as_int(i) for i in self._credit_form_ids("invoice_ids")}
            or {self._cast_as_int(post.get("invoice_id"))},
            company=moves.company_id[:1] or request.env.company,
        )
        return request.render("credit_portal.portal_credit_complaint_new", values)

    @route("/my/credit/complaints/<int:dispute_id>", type="http", auth="public", website=True, sitemap=False)
    def credit_complaint(self, dispute_id, access_token=None, sent=None, error=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        dispute_sudo = self._credit_dispute_sudo(debtor_sudo, dispute_id)
        values = self._credit_values(
            debtor_sudo,
            access_token,
            dispute_sudo.name,
            dispute=dispute_sudo,
            messages=dispute_sudo._credit_portal_messages(),
            sent=sent,
            error=error,
        )
        return request.render("credit_portal.portal_credit_complaint", values)

    @route(
        "/my/credit/complaints/<int:dispute_id>/message",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def credit_complaint_message(self, dispute_id, access_token=None, message=None, **kw):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        dispute_sudo = self._credit_dispute_sudo(debtor_sudo, dispute_id)
        credit_url = self._credit_url_maker(access_token)
        try:
            dispute_sudo._credit_portal_post(debtor_sudo, message)
        except ValidationError as exc:
            return request.redirect(credit_url(f"/my/credit/complaints/{dispute_id}", error=exc.args[0]))
        return request.redirect(credit_url(f"/my/credit/complaints/{dispute_id}"))

    # ------------------------------------------------------------------ I already paid
    @route("/my/credit/paid-proof", type="http", auth="public", website=True, sitemap=False, methods=["GET", "POST"])
    def credit_paid_proof(self, access_token=None, **post):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        Move = request.env["account.move"].sudo()  # the debtor's own open invoices (domain)
        moves = Move.search(self._credit_open_domain(debtor_sudo), order="invoice_date_due asc, id asc", limit=500)
        company = moves.company_id[:1] or request.env.company
        error = False
        if request.httprequest.method == "POST":
            chosen = self._credit_moves_sudo(debtor_sudo, self._credit_form_ids("invoice_ids"))
            try:
                with request.env.cr.savepoint():
                    dispute = request.env["credit.dispute"]._credit_portal_paid(
                        debtor_sudo,
                        chosen,
                        post.get("date"),
                        post.get("amount"),
                        post.get("message"),
                        request.httprequest.files.getlist("proof"),
                    )
            except (ValidationError, UserError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(
                    self._credit_url_maker(access_token)(f"/my/credit/complaints/{dispute.id}", sent=1)
                )
        values = self._credit_values(
            debtor_sudo,
            access_token,
            request.env._("I already paid"),
            moves=moves,
            error=error,
            post=post,
            company=company,
            selected={self._cast_as_int(i) for i in self._credit_form_ids("invoice_ids")},
        )
        return request.render("credit_portal.portal_credit_paid_proof", values)

    # ------------------------------------------------------------------ payment arrangement
    @route("/my/credit/arrangement", type="http", auth="public", website=True, sitemap=False, methods=["GET", "POST"])
    def credit_arrangement(self, access_token=None, **post):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        Move = request.env["account.move"].sudo()  # the debtor's own open invoices (domain)
        moves = Move.search(self._credit_open_domain(debtor_sudo), order="invoice_date_due asc, id asc", limit=500)
        company = moves.company_id[:1] or request.env.company
        error = sent = False
        if request.httprequest.method == "POST":
            chosen = self._credit_moves_sudo(debtor_sudo, self._credit_form_ids("invoice_ids"))
            try:
                count = int(post.get("count") or 0)
                dates = [fields.Date.to_date(post.get(f"date_{i}")) for i in range(1, count + 1)]
            except (TypeError, ValueError):
                dates = None
            try:
                if not dates or not all(dates) or count > 60:
                    raise ValidationError(request.env._("Give the date of each instalment."))
                with request.env.cr.savepoint():
                    request.env["credit.payment.arrangement"]._credit_propose(
                        debtor_sudo, chosen, dates, post.get("note")
                    )
            except (ValidationError, UserError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(self._credit_url_maker(access_token)("/my/credit/arrangement", sent=1))
        sent = post.get("sent")
        arrangements = (
            request.env["credit.payment.arrangement"].sudo().search([("partner_id", "=", debtor_sudo.id)], limit=50)
        )
        values = self._credit_values(
            debtor_sudo,
            access_token,
            request.env._("Payment arrangement"),
            moves=moves,
            company=company,
            arrangements=arrangements,
            error=error,
            sent=sent,
            post=post,
            today=(debtor_sudo.company_id or request.env.company)._credit_today(),
            selected={self._cast_as_int(i) for i in self._credit_form_ids("invoice_ids")},
        )
        return request.render("credit_portal.portal_credit_arrangement", values)

    # ------------------------------------------------------------------ address change
    @route("/my/credit/address", type="http", auth="public", website=True, sitemap=False, methods=["GET", "POST"])
    def credit_address(self, access_token=None, **post):
        debtor_sudo = self._credit_debtor(access_token)
        if debtor_sudo is None:
            return self._credit_login()
        Request = request.env["credit.portal.change.request"].sudo()  # the debtor's own requests (domain)
        error = False
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    Request.create([Request._credit_values_from_form(debtor_sudo, post)])
            except (ValidationError, UserError) as exc:
                error = exc.args[0]
            else:
                return request.redirect(self._credit_url_maker(access_token)("/my/credit/address", sent=1))
        values = self._credit_values(
            debtor_sudo,
            access_token,
            request.env._("Address and contact details"),
            requests=Request.search([("partner_id", "=", debtor_sudo.id)], limit=20),
            countries=request.env["res.country"].sudo().search([]),
            error=error,
            sent=post.get("sent"),
            post=post if error else {},
        )
        return request.render("credit_portal.portal_credit_address", values)

    def on_account_update(self, values, partner):
        """/my/account: the address, e-mail and phone go through a change request, like on /my/credit/address."""
        super().on_account_update(values, partner)
        if not request.env.user.share:  # employees edit their own details as before
            return
        Request = request.env["credit.portal.change.request"].sudo()  # the user's own partner
        form = {
            fname: values.get("zip" if fname == "zip" else fname)
            for fname in ("street", "street2", "zip", "city", "email", "phone")
        }
        form["country_id"] = str(values.get("country_id") or "")
        current = partner.sudo()
        changed = (
            any(
                (form[f] or False) != (current[f] or False)
                for f in ("street", "street2", "zip", "city", "email", "phone")
            )
            or (values.get("country_id") or False) != current.country_id.id
        )
        if changed:
            try:
                with request.env.cr.savepoint():
                    Request.create([Request._credit_values_from_form(partner, form)])
            except ValidationError as exc:  # e.g. an invalid e-mail: nothing is requested, nothing changes
                _logger.info("credit portal: /my/account change of partner %s not requested: %s", partner.id, exc)
        for fname in ("street", "street2", "zip", "city", "country_id", "state_id", "email", "phone"):
            values.pop(fname, None)

    # ------------------------------------------------------------------ code from a letter
    @route("/my/credit/code", type="http", auth="public", website=True, sitemap=False, methods=["GET", "POST"])
    def credit_code(self, code=None, **kw):
        error = False
        if request.httprequest.method == "POST":
            partner = request.env["res.partner"]._credit_portal_partner_from_code(code)
            if partner:
                return request.redirect(
                    "/my/credit/invoices?" + urlencode({"access_token": partner._credit_portal_token()})
                )
            error = True
        return request.render("credit_portal.portal_credit_code", {"error": error, "page_name": "credit"})
