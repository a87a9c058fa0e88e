from datetime import date, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditFollowupCommon(AccountTestInvoicingCommon):
    """A EUR company with an IBAN, a profile with every kind of step, and debtors.

    Dates are explicit: ``cls.today`` is the run date and invoices get due dates relative to it.
    """

    today = date(2026, 3, 2)

    @classmethod
    def setup_independent_company(cls, **kwargs):
        eur = cls._enable_currency("EUR")
        return super().setup_independent_company(currency_id=eur.id, **kwargs)

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("credit_followup.group_credit_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context={**cls.env.context, "tracking_disable": True, "mail_notrack": True, "no_reset_password": True}
        )
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "email": "credit@example.com",
                "street": "Damrak 1",
                "city": "Amsterdam",
                "zip": "1012 LG",
                "country_id": cls.env.ref("base.nl").id,
            }
        )
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "acc_number": "NL91ABNA0417164300",
                "partner_id": cls.company.partner_id.id,
                "bank_id": cls.env["res.bank"].create({"name": "ABN AMRO", "bic": "ABNANL2A"}).id,
                "allow_out_payment": True,
            }
        )
        cls.env["res.lang"]._activate_lang("nl_NL")
        cls.env["ir.module.module"]._load_module_terms(["credit_followup"], ["nl_NL"], overwrite=True)
        cls.manager = new_test_user(
            cls.env,
            login="credit_manager",
            name="Carla Credit",
            email="carla@example.com",
            groups="base.group_user,credit_followup.group_credit_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="sales_sam",
            name="Sam Sales",
            email="sam@example.com",
            groups="base.group_user,sales_team.group_sale_salesman"
            if cls.env.ref("sales_team.group_sale_salesman", raise_if_not_found=False)
            else "base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        Profile = cls.env["credit.followup.profile"]
        cls.profile = Profile.create(
            {
                "name": "Test profile",
                "company_id": cls.company.id,
                "is_default": True,
                "step_ids": [
                    Command.create({"name": "Courtesy", "offset_days": -3, "channel": "email", "optional": True}),
                    Command.create(
                        {"name": "First reminder", "offset_days": 7, "channel": "email", "fallback_channel": "letter"}
                    ),
                    Command.create(
                        {"name": "Second reminder", "offset_days": 21, "channel": "email", "min_days_after_previous": 7}
                    ),
                    Command.create(
                        {
                            "name": "Call",
                            "offset_days": 30,
                            "channel": "phone",
                            "activity_user": "salesperson",
                            "min_days_after_previous": 5,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Final letter",
                            "offset_days": 45,
                            "channel": "letter",
                            "final_step": True,
                            "min_amount": 50,
                            "min_days_after_previous": 7,
                        }
                    ),
                ],
            }
        )
        cls.steps = {step.name: step for step in cls.profile.step_ids}
        cls.debtor = cls._debtor("Debtor One BV", "debtor1@example.com")
        cls.debtor2 = cls._debtor("Debtor Two BV", "debtor2@example.com", lang="nl_NL")

    @classmethod
    def _accountant(cls, login):
        """A user of the company with billing rights (invoices, contacts) and no credit rights."""
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def _debtor(cls, name, email, **vals):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "email": email,
                "is_company": True,
                "street": "Kalverstraat 2",
                "city": "Amsterdam",
                "zip": "1012 PD",
                "country_id": cls.env.ref("base.nl").id,
                "mobile": "+31612345678",
                **vals,
            }
        )

    @classmethod
    def _invoice(cls, partner, days_overdue, amount=100.0, post=True, company=None, **vals):
        """A customer invoice due ``days_overdue`` days before ``cls.today`` (negative: due later)."""
        company = company or cls.company
        due = cls.today - timedelta(days=days_overdue)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_user_id": cls.salesperson.id,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                    **vals,
                }
            )
        )
        if post:
            move.action_post()
            if move.invoice_date_due != due:  # keep the due date asked for, whatever the payment term says
                move.invoice_date_due = due
        return move

    def run_engine(self, day=None, **kwargs):
        return self.env["credit.followup.engine"].run(companies=self.company, date=day or self.today, **kwargs)

    def logs(self, moves):
        return self.env["credit.followup.log"].search([("move_id", "in", moves.ids)], order="id")
