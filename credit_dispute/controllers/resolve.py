import logging

from psycopg2.errors import UniqueViolation

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date, plaintext2html

_logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 10000
# the page carries a token in its address: keep it out of caches and of the Referer of any link followed
PAGE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


class _LinkUsed(Exception):
    pass


class CreditDisputeResolve(http.Controller):
    """The public page behind the "Solved" / "Not solved yet" / "Reject" buttons of the responsible's e-mail.

    GET only shows what the link will do (mail scanners open links); the form POSTs back to the same address.
    """

    @http.route(
        "/credit/dispute/action/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=False,
        sitemap=False,
    )
    def credit_dispute_action(self, token, **post):
        check = request.env["credit.dispute.token"]._verify(token)
        if check["error"]:
            return self._render_error(check)
        if request.httprequest.method == "POST":
            return self._action_post(token, check, post)
        return self._render_confirm(token, check, {"resume": "now"})

    # ------------------------------------------------------------------ actions
    def _action_post(self, token, check, post):
        values = {
            "note": (post.get("note") or "").strip()[:NOTE_MAX_LENGTH],
            "resume": post.get("resume") or "now",
            "resume_date": (post.get("resume_date") or "").strip(),
        }
        action = check["action"]
        resume_date = False
        if action in ("solved", "reject"):
            if values["resume"] not in ("now", "date", "keep"):
                return self._render_confirm(token, check, values, error=request.env._("Choose how follow-up goes on."))
            if values["resume"] == "date":
                try:
                    resume_date = fields.Date.to_date(values["resume_date"])
                except ValueError:
                    resume_date = False  # action_close says which date is missing: nothing is written
        dispute = self._as_responsible(check)
        try:
            with request.env.cr.savepoint():
                try:
                    # sudo: the visitor is anonymous; the log of used links is only readable by credit managers.
                    # Two clicks at once: the second insert waits for the first transaction, then fails here.
                    request.env["credit.dispute.token"].sudo().create(
                        {
                            "token_hash": check["token_hash"],
                            "dispute_id": dispute.id,
                            "action": action,
                            "user_id": check["user"].id,
                        }
                    )
                except UniqueViolation as error:
                    raise _LinkUsed from error
                if action == "not_solved":
                    deadline = self._not_solved(dispute, values["note"])
                else:
                    deadline = False
                    self._close(dispute, action, values["note"], values["resume"], resume_date)
        except _LinkUsed:
            return self._render_error({**check, "error": "used"})
        except (UserError, ValidationError, AccessError) as error:
            _logger.info("Dispute link for %s refused: %s", check["dispute"].name, error)
            return self._render_confirm(token, check, values, error=str(error))
        return self._render(
            "credit_dispute.credit_dispute_resolve_done",
            check,
            {
                "action": action,
                "resume": values["resume"],
                "resume_date": resume_date and format_date(request.env, resume_date),
                "deadline": deadline and format_date(request.env, deadline),
            },
        )

    def _as_responsible(self, check):
        """The dispute in the hands of its responsible: the chatter shows them as the author."""
        user = check["user"]
        dispute = (
            check["dispute"]
            .with_user(user)
            .with_context(lang=user.lang, tz=user.tz, allowed_company_ids=check["dispute"].company_id.ids)
        )
        if not dispute.has_access("write"):
            # sudo keeps the responsible as the author: the signed link is their right to act on this one
            # dispute, also when they are not in the Dispute Resolver group (e.g. the invoice's salesperson)
            dispute = dispute.sudo()
        return dispute

    def _close(self, dispute, action, note, resume, resume_date):
        state = "resolved" if action == "solved" else "rejected"
        note_html = plaintext2html(note) if note else False
        dispute.action_close(state, note=note_html, resume=resume, resume_date=resume_date)
        env = dispute.env
        if resume == "now":
            followup = env._("follow-up resumes now")
        elif resume == "date":
            followup = env._("follow-up resumes on %(date)s", date=format_date(env, resume_date))
        else:
            followup = env._("follow-up stays paused")
        if state == "resolved":
            text = env._("Solved from the e-mail link; %(followup)s.", followup=followup)
        else:
            text = env._("Rejected from the e-mail link; %(followup)s.", followup=followup)
        dispute.message_post(
            body=plaintext2html(text) + (note_html or ""),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _not_solved(self, dispute, note):
        """Still working on it: in progress, a note, and the activity comes back in a few days."""
        env = dispute.env
        dispute.action_start()
        days = max(dispute.company_id.credit_dispute_remind_days, 1)
        deadline = fields.Date.add(fields.Date.context_today(dispute), days=days)
        activity_type = dispute._activity_type()
        activity = dispute.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)[:1]
        if activity:
            deadline = max(deadline, activity.date_deadline)
            activity.write({"date_deadline": deadline})
        else:
            dispute.with_context(mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                user_id=dispute.user_id.id,
                date_deadline=deadline,
                summary=env._("Solve dispute %(name)s", name=dispute.name),
            )
        text = env._(
            "Not solved yet (from the e-mail link); next reminder on %(date)s.", date=format_date(env, deadline)
        )
        dispute.message_post(
            body=plaintext2html(text) + (plaintext2html(note) if note else ""),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return deadline

    # ------------------------------------------------------------------ pages
    def _render(self, template, check, values, status=200):
        dispute = check.get("dispute")
        user = check.get("user")
        if user:
            request.update_context(lang=user.lang)
        qcontext = {"error_code": check["error"]}
        if dispute:
            # only once the signature checks out, and nothing beyond the reference and the invoice numbers
            qcontext.update(
                {
                    "dispute_name": dispute.name,
                    "invoice_names": dispute.invoice_names,
                    "res_company": dispute.company_id.sudo(),
                }
            )
        qcontext.update(values)
        return request.render(template, qcontext, status=status, headers=dict(PAGE_HEADERS))

    def _render_confirm(self, token, check, values, error=False):
        return self._render(
            "credit_dispute.credit_dispute_resolve_confirm",
            check,
            {
                **values,
                "token": token,
                "action": check["action"],
                "error_message": error,
                "today": fields.Date.to_string(fields.Date.context_today(check["dispute"])),
            },
            status=400 if error else 200,
        )

    def _render_error(self, check):
        # an expired, used, outdated or otherwise refused link says why, and nothing about the dispute: no company,
        # reference or invoice numbers for whoever finds the link later (a forwarded or leaked e-mail)
        return self._render(
            "credit_dispute.credit_dispute_resolve_error",
            {"error": check["error"], "user": check.get("user")},
            {},
            status=403,
        )
