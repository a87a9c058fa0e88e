"""Demo data: a Dutch coffee roaster with about thirty debtors and five weeks of follow-up history.

Everything is created in Python by ``credit.followup.demo._load_demo`` (called from
``demo/credit_followup_demo.xml``) because the interesting part is a simulation: invoices are
posted, then day by day over the last five weeks the promise check and the engine run on past
dates, debtors pay (in full, in part, or not at all), and the credit controllers log calls and
promises to pay. The result is a worklist, timelines, contact history and report figures that
look like a real company's right after installation.

Deterministic (``random.Random(2026)``, dates relative to today) and idempotent (nothing happens
when the demo company's XML id exists).
"""

import logging
import random
import subprocess
import time as timer
from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

XMLID_PREFIX = "credit_followup.demo_"
GRACE_DAYS = 3
RUN_DAYS_AGO = (37, 34, 30, 27, 23, 20, 16, 13, 9, 6, 2)  # scheduled runs, in days before today
SIMULATION_DAYS = 40  # days of history simulated one by one (older payments are registered first)

# how a debtor pays: (due date range in days from today, payment delay range in days after the due
# date or None for "does not pay", share of the invoices paid only in part)
BEHAVIOURS = {
    "prompt": ((-140, 20), (-6, 3), 0.0),
    "late": ((-120, 20), (9, 19), 0.0),
    "slow": ((-130, 18), (23, 42), 0.0),
    "partial": ((-110, 18), (10, 25), 0.5),
    "defaulter": ((-150, 15), None, 0.0),
}

B2B_CATALOGUE = [
    ("Espressobonen Huismelange, 1 kg", 24.50),
    ("Koffiebonen Ethiopië Yirgacheffe, 1 kg", 31.90),
    ("Koffiebonen Colombia Huila, 1 kg", 27.40),
    ("Decafé Brazilië Mogiana, 1 kg", 26.80),
    ("Filterkoffie snelfilter, 500 g", 9.75),
    ("Huur espressomachine La Marzocco Linea (maand)", 189.00),
    ("Onderhoudsbeurt espressomachine", 145.00),
    ("Barista-training (dagdeel)", 395.00),
    ("Koffiebekers 8 oz, doos 1000 stuks", 68.00),
]
B2C_CATALOGUE = [
    ("Koffieabonnement Huismelange (maand)", 34.95),
    ("Proefpakket single origins, 4 × 250 g", 39.95),
    ("Espressobonen Huismelange, 1 kg", 24.50),
    ("Handkoffiemolen Comandante C40", 249.00),
    ("Percolator 6 kops", 49.95),
]

# fmt: off
# key, name, language, street, zip, city, country xml id, e-mail, phone or mobile, behaviour,
# responsible ("admin" / "marloes"), invoice-address contact (name, street, zip, city, e-mail)
COMPANIES = [
    ("gouden_boon", "Café De Gouden Boon B.V.", "nl_NL", "Oudegracht 112", "3511 AX", "Utrecht", "base.nl",
     "administratie.goudenboon@example.nl", "+31 30 231 4455", "prompt", "marloes", None),
    ("zonnetje", "Lunchroom Het Zonnetje", "nl_NL", "Steenstraat 27", "6828 CA", "Arnhem", "base.nl",
     "info.hetzonnetje@example.nl", "+31 26 442 1870", "late", None, None),
    ("wittenburg", "Hotel-Restaurant De Wittenburg B.V.", "nl_NL", "Zeestraat 5", "2042 LA", "Zandvoort", "base.nl",
     "receptie.wittenburg@example.nl", "+31 23 571 9900", "slow", "admin",
     ("Crediteurenadministratie", "Postbus 2150", "2000 CD", "Haarlem", "crediteuren.wittenburg@example.nl")),
    ("vdlinden", "Bakkerij Van der Linden", "nl_NL", "Kerkstraat 18", "5211 KH", "'s-Hertogenbosch", "base.nl",
     "bakkerij.vanderlinden@example.nl", "+31 73 613 2244", "prompt", None, None),
    ("binnenstad", "Espressobar Binnenstad", "nl_NL", "Vismarkt 9", "9711 KS", "Groningen", "base.nl",
     "espressobar.binnenstad@example.nl", "+31 50 312 0099", "late", None, None),
    ("jansen", "Kantoorservice Jansen & Co B.V.", "nl_NL", "Stationsplein 3", "3818 LE", "Amersfoort", "base.nl",
     "info.jansenco@example.nl", "+31 33 465 1200", "slow", "marloes",
     ("Financiële administratie", "Postbus 455", "3800 AL", "Amersfoort", "facturen.jansenco@example.nl")),
    ("mokka", "Koffiehuis Mokka V.O.F.", "nl_NL", "Breestraat 66", "2311 CS", "Leiden", "base.nl",
     "koffiehuis.mokka@example.nl", "+31 71 512 6633", "partial", None, None),
    ("maas", "Restaurant Aan de Maas B.V.", "nl_NL", "Boompjes 40", "3011 XB", "Rotterdam", "base.nl",
     "administratie.aandemaas@example.nl", "+31 10 411 7788", "late", "admin", None),
    ("smikkel", "Broodjeszaak De Smikkel", "nl_NL", "Grote Markt 14", "4811 XR", "Breda", "base.nl",
     "desmikkel@example.nl", "+31 6 4123 8876", "defaulter", "marloes", None),
    ("meern", "Vergadercentrum De Meern B.V.", "nl_NL", "Meerndijk 21", "3454 HT", "De Meern", "base.nl",
     "reserveringen.vcdemeern@example.nl", "+31 30 666 1500", "prompt", None,
     ("Crediteurenadministratie", "Postbus 1120", "3454 ZJ", "De Meern", "crediteuren.vcdemeern@example.nl")),
    ("pleintje", "Bistro 't Pleintje", "nl_NL", "Markt 8", "6211 CK", "Maastricht", "base.nl",
     "bistro.pleintje@example.nl", "+31 43 321 5566", "defaulter", "admin", None),
    ("hoek", "Hoek Catering B.V.", "nl_NL", "Industrieweg 33", "7521 PM", "Enschede", "base.nl",
     "planning.hoekcatering@example.nl", "+31 53 430 2211", "defaulter", "marloes", None),
    ("zeeland", "Theehuis Zeeland", "nl_NL", "Lange Delft 2", "4331 AP", "Middelburg", "base.nl",
     "theehuis.zeeland@example.nl", "+31 118 612 345", "partial", None, None),
    ("rivierenland", "Zorggroep Rivierenland", "nl_NL", "Rijksstraatweg 12", "4101 CA", "Culemborg", "base.nl",
     "facilitair.zgrivierenland@example.nl", "+31 345 530 800", "slow", None,
     ("Afdeling Crediteuren", "Postbus 88", "4100 AB", "Culemborg", "crediteuren.zgrivierenland@example.nl")),
    ("groen", "Biologische Supermarkt Groen B.V.", "nl_NL", "Amsterdamsestraatweg 200", "3551 CN", "Utrecht",
     "base.nl", "inkoop.groen@example.nl", "+31 30 244 8100", "prompt", None, None),
    ("mueller", "Kaffeerösterei Müller GmbH", "de_DE", "Hohe Straße 50", "50667", "Köln", "base.de",
     "buchhaltung.mueller@example.com", "+49 221 2578 310", "late", None, None),
    ("rheinblick", "Café Rheinblick GmbH", "de_DE", "Rheinuferstraße 7", "47051", "Duisburg", "base.de",
     "rheinblick@example.com", "+49 203 3470 52", "slow", "admin", None),
    ("dailygrind", "The Daily Grind Ltd", "en_US", "14 King Street", "M2 4LQ", "Manchester", "base.uk",
     "accounts.dailygrind@example.com", "+44 161 496 0321", "partial", None, None),
    ("grandplace", "Grand Place Coffee SRL", "en_US", "Rue du Marché aux Herbes 12", "1000", "Brussels", "base.be",
     "finance.grandplace@example.com", "+32 2 512 40 11", "prompt", None, None),
    ("fletcher", "Fletcher & Sons Office Supplies Ltd", "en_US", "3 Market Square", "CB2 3QJ", "Cambridge", "base.uk",
     "ledger.fletcher@example.com", "+44 1223 496 077", "defaulter", None, None),
]
CONSUMERS = [
    ("devries", "Jeroen de Vries", "nl_NL", "Biltstraat 141", "3572 AN", "Utrecht", "base.nl",
     "jeroen.devries@example.nl", "+31 6 2345 6781", "prompt", None, None),
    ("elamrani", "Fatima El Amrani", "nl_NL", "Javastraat 88", "1094 HJ", "Amsterdam", "base.nl",
     "f.elamrani@example.nl", "+31 6 1876 5432", "late", None, None),
    ("visser", "Anouk Visser", "nl_NL", "Diezerstraat 45", "8011 RJ", "Zwolle", "base.nl",
     "anouk.visser@example.nl", "+31 6 4455 1290", "defaulter", None, None),
    ("bakker", "Pieter Bakker", "nl_NL", "Kleine Houtstraat 60", "2011 DN", "Haarlem", "base.nl",
     "pieter.bakker@example.nl", "+31 6 3190 2274", "slow", None, None),
    ("mulder", "Lotte Mulder", "nl_NL", "Oude Delft 101", "2611 BD", "Delft", "base.nl",
     "lotte.mulder@example.nl", "+31 6 5521 0098", "prompt", None, None),
    # no e-mail address: reminders by e-mail fail and fall back to SMS
    ("yilmaz", "Emre Yılmaz", "nl_NL", "Nieuwe Binnenweg 210", "3021 GM", "Rotterdam", "base.nl",
     False, "+31 6 2987 4410", "late", None, None),
    ("smit", "Eva Smit", "nl_NL", "Lange Hezelstraat 33", "6511 CB", "Nijmegen", "base.nl",
     "eva.smit@example.nl", "+31 6 1034 5567", "partial", None, None),
    ("schneider", "Thomas Schneider", "de_DE", "Parade 12", "5911 CB", "Venlo", "base.nl",
     "t.schneider@example.com", "+31 6 4790 1123", "late", None, None),
    ("clarke", "Emily Clarke", "en_US", "Prinsengracht 455", "1016 HN", "Amsterdam", "base.nl",
     "emily.clarke@example.com", "+31 6 3877 2105", "slow", None, None),
    ("hendriks", "Kees Hendriks", "nl_NL", "Stratumseind 50", "5611 ET", "Eindhoven", "base.nl",
     "kees.hendriks@example.nl", "+31 6 2211 9087", "defaulter", None, None),
]

# invoices the contact scenarios below refer to: key, debtor, due (days from today), lines
SCENARIO_INVOICES = [
    ("maas_promise", "maas", -28, [("Espressobonen Huismelange, 1 kg", 40, 24.50),
                                   ("Barista-training (dagdeel)", 1, 395.00)]),
    ("smikkel_1", "smikkel", -52, [("Koffiebonen Colombia Huila, 1 kg", 25, 27.40),
                                   ("Koffiebekers 8 oz, doos 1000 stuks", 2, 68.00),
                                   ("Onderhoudsbeurt espressomachine", 1, 145.00)]),
    ("smikkel_2", "smikkel", -38, [("Espressobonen Huismelange, 1 kg", 12, 24.50),
                                   ("Huur espressomachine La Marzocco Linea (maand)", 1, 189.00)]),
    ("jansen_1", "jansen", -35, [("Huur espressomachine La Marzocco Linea (maand)", 6, 189.00),
                                 ("Filterkoffie snelfilter, 500 g", 60, 9.75)]),
    ("jansen_2", "jansen", -12, [("Filterkoffie snelfilter, 500 g", 48, 9.75),
                                 ("Koffiebekers 8 oz, doos 1000 stuks", 3, 68.00)]),
]
# (days ago, invoice key, amount or None for the open amount)
SCENARIO_PAYMENTS = [(9, "maas_promise", None), (18, "smikkel_1", 500.0)]
# days ago, debtor, user, channel, direction, outcome, invoices ("overdue": all overdue ones that day),
# promised date in days from today, note
CONTACTS = [
    (24, "smikkel", "marloes", "phone", "out", "promise", ("smikkel_1", "smikkel_2"), -18,
     ("Spoke to the owner, Ruud. Cash flow is tight after the renovation; he promises to pay both invoices "
      "after the weekend.")),
    (18, "hoek", "marloes", "phone", "out", "no_answer", "overdue", None,
     "No answer on the office number, voicemail full. Try the planner's mobile next time."),
    (13, "maas", "admin", "phone", "out", "promise", ("maas_promise",), -8,
     "The invoice was approved but stuck with their new bookkeeper. Payment promised within the week."),
    (11, "wittenburg", "admin", "phone", "out", "no_answer", "overdue", None,
     "Reception put me through to accounts payable; nobody picked up."),
    (4, "rheinblick", "admin", "phone", "out", "no_answer", "overdue", None,
     "Called the café, closed on Mondays. Will try again on Wednesday."),
    (3, "jansen", "marloes", "phone", "in", "promise", ("jansen_1", "jansen_2"), 10,
     ("Mrs Jansen called back: the machine rental was booked on the wrong cost centre. Both invoices will be "
      "paid in the next payment run.")),
]
# fmt: on


class CreditFollowupDemo(models.AbstractModel):
    _name = "credit.followup.demo"
    _description = "Credit follow-up demo data"

    @api.model
    def _load_demo(self):
        """Create the demo company, its debtors, invoices and five weeks of follow-up history."""
        if self.env.ref(XMLID_PREFIX + "company", raise_if_not_found=False):
            return False
        started = timer.monotonic()
        # history, not news: no invitation, assignment or notification e-mails go out while loading
        demo = self.with_context(
            no_reset_password=True,
            mail_create_nosubscribe=True,
            mail_activity_quick_update=True,
            mail_notify_force_send=False,
        )
        first_mail, first_sms = (demo._demo_max_id(table) for table in ("mail_mail", "sms_sms"))
        company = demo._demo_company()
        if not company:
            return False
        demo = demo.with_company(company)
        demo._demo_languages()
        users = demo._demo_users(company)
        profiles = demo._demo_profiles(company)
        debtors = demo._demo_debtors(company, profiles, users)
        rng = random.Random(2026)
        invoices, payments = demo._demo_invoices(company, debtors, users, rng)
        demo._demo_credits(company, debtors)
        demo._demo_simulate(company, debtors, users, invoices, payments)
        demo._demo_approve(company, users)
        demo._demo_do_not_chase(debtors)
        demo._demo_mark_delivered(first_mail, first_sms)
        _logger.info(
            "credit_followup demo: %s debtors, %s invoices, %s follow-up actions in %.1f s",
            len(debtors),
            len(invoices),
            demo.env["credit.followup.log"].search_count([("company_id", "=", company.id)]),
            timer.monotonic() - started,
        )
        return True

    # ------------------------------------------------------------------ company, users, profiles
    def _demo_xmlid(self, name, record):
        self.env["ir.model.data"]._update_xmlids([{"xml_id": XMLID_PREFIX + name, "record": record, "noupdate": True}])

    def _demo_company(self):
        eur = self.env.ref("base.EUR")
        netherlands = self.env.ref("base.nl")
        # created without a country: a country would install its localisation in the middle of this install
        company = self.env["res.company"].create(
            {
                "name": "Koffiebranderij De Zeeuw B.V.",
                "currency_id": eur.id,
                "street": "Kanaalweg 14",
                "zip": "3526 KL",
                "city": "Utrecht",
                "phone": "+31 30 200 4180",
                "email": "debiteuren@example.nl",
                "website": "https://www.example.nl",
                "vat": "NL859372613B01",
                "company_registry": "30271845",
                "credit_tz": "Europe/Amsterdam",
            }
        )
        self._demo_xmlid("company", company)
        l10n_nl = self.env["ir.module.module"].search([("name", "=", "l10n_nl"), ("state", "=", "installed")])
        template = "nl" if l10n_nl else "generic_coa"
        # _load rather than try_loading: the registry is still loading, and we know the template exists
        self.env["account.chart.template"]._load(template, company, install_demo=False)
        company.with_context(chart_template_load=True).write(
            {"country_id": netherlands.id, "currency_id": eur.id, "credit_promise_grace_days": GRACE_DAYS}
        )
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        receivable = company.partner_id.with_company(company).property_account_receivable_id
        if not journal or company not in receivable.company_ids:
            _logger.warning(
                "credit_followup demo: chart %s gave %s no sales journal or receivable account; demo stops here",
                template,
                company.name,
            )
            return False
        bank = self.env["res.bank"].search([("bic", "=", "ABNANL2A")], limit=1) or self.env["res.bank"].create(
            {"name": "ABN AMRO Bank", "bic": "ABNANL2A", "country": netherlands.id}
        )
        account = self.env["res.partner.bank"].create(
            {
                "acc_number": "NL30ABNA0512345678",
                "partner_id": company.partner_id.id,
                "bank_id": bank.id,
                "allow_out_payment": True,
            }
        )
        bank_journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank"), ("bank_account_id", "=", False)], limit=1
        )
        bank_journal.bank_account_id = account
        self._demo_xmlid("company_bank", account)
        return company

    def _demo_languages(self):
        for code in ("nl_NL", "de_DE"):
            self.env["res.lang"]._activate_lang(code)
        # the module's own translations are loaded after its demo data: load them now, so that the
        # copied profiles and the reminders of the history are in the debtors' languages
        self.env["ir.module.module"]._get("credit_followup")._update_translations(["nl_NL", "de_DE"])

    def _demo_users(self, company):
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        if admin:  # the worklist shows the demo company right after login
            admin.write({"company_ids": [Command.link(company.id)], "company_id": company.id})
        marloes = self.env["res.users"].create(
            {
                "name": "Marloes Verbeek",
                "login": "marloes",
                "email": "marloes.verbeek@example.nl",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [
                    Command.set(
                        [self.env.ref("base.group_user").id, self.env.ref("credit_followup.group_credit_manager").id]
                    )
                ],
            }
        )
        self._demo_xmlid("user_marloes", marloes)
        return {"admin": admin or self.env.user, "marloes": marloes}

    def _demo_profiles(self, company):
        b2b = self.env.ref("credit_followup.profile_b2b").copy({"company_id": company.id, "is_default": True})
        b2c = self.env.ref("credit_followup.profile_b2c").copy({"company_id": company.id, "is_default": False})
        if not self._demo_pdf_batches():
            # the engine renders all invoices of a reminder in one wkhtmltopdf call, which this
            # wkhtmltopdf cannot do (or there is none): the demo's reminders go without attachments
            (b2b | b2c).step_ids.attach_invoices = False
        self._demo_xmlid("profile_b2b", b2b)
        self._demo_xmlid("profile_b2c", b2c)
        return {"b2b": b2b, "b2c": b2c}

    # ------------------------------------------------------------------ debtors
    def _demo_debtors(self, company, profiles, users):
        """{key: (partner, behaviour)}: companies on the default (B2B) profile, consumers on B2C."""
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        specs = [(spec, True) for spec in COMPANIES] + [(spec, False) for spec in CONSUMERS]
        vals_list = []
        for spec, is_company in specs:
            _key, name, lang, street, zip_code, city, country, email, phone, _behaviour, _resp, _inv = spec
            mobile = phone.startswith("+31 6")
            vals_list.append(
                {
                    "name": name,
                    "is_company": is_company,
                    "company_id": company.id,
                    "lang": lang,
                    "street": street,
                    "zip": zip_code,
                    "city": city,
                    "country_id": self.env.ref(country).id,
                    "email": email,
                    "phone": False if mobile else phone,
                    "mobile": phone if mobile else False,
                }
            )
        partners = Partner.create(vals_list)
        debtors = {}
        children = []
        for (spec, is_company), partner in zip(specs, partners, strict=True):
            key, behaviour, responsible, invoice_contact = spec[0], spec[9], spec[10], spec[11]
            debtors[key] = (partner, behaviour)
            self._demo_xmlid(f"partner_{key}", partner)
            in_company = partner.with_company(company)
            if not is_company:
                in_company.credit_followup_profile_id = profiles["b2c"]
            if responsible:
                in_company.credit_followup_responsible_id = users[responsible]
            if invoice_contact:
                name, street, zip_code, city, email = invoice_contact
                children.append(
                    {
                        "parent_id": partner.id,
                        "type": "invoice",
                        "name": name,
                        "street": street,
                        "zip": zip_code,
                        "city": city,
                        "country_id": partner.country_id.id,
                        "email": email,
                        "lang": partner.lang,
                        "company_id": company.id,
                    }
                )
        Partner.create(children)
        return debtors

    # ------------------------------------------------------------------ invoices
    def _demo_lines(self, rng, catalogue, target):
        """Invoice lines adding up to about ``target``: one to three products of the catalogue."""
        products = rng.sample(catalogue, rng.randint(1, min(3, len(catalogue))))
        share = target / len(products)
        return [(name, max(1, round(share / price)), price) for name, price in products]

    def _demo_invoices(self, company, debtors, users, rng):
        """Post every invoice; return {key: move} and the payments to register [(date, move, amount)]."""
        today = fields.Date.today()
        specs = []  # (key, partner, due, lines, salesperson)
        payment_plan = []  # (key, delay in days after due, share paid)
        for key, (partner, behaviour) in debtors.items():
            (due_lo, due_hi), delays, partial_share = BEHAVIOURS[behaviour]
            b2b = partner.is_company
            catalogue, (low, high) = (B2B_CATALOGUE, (150, 5000)) if b2b else (B2C_CATALOGUE, (50, 900))
            count = rng.randint(3, 6) if b2b else rng.randint(3, 5)
            salesperson = users["marloes"] if rng.random() < 0.4 else users["admin"]
            for index, offset in enumerate(sorted(rng.sample(range(due_lo, due_hi + 1), count))):
                inv_key = f"{key}#{index}"  # scenario invoices have their own keys
                target = rng.uniform(low, high) if rng.random() < 0.5 else rng.uniform(low, (low + high) / 3)
                specs.append(
                    (
                        inv_key,
                        partner,
                        today + timedelta(days=offset),
                        self._demo_lines(rng, catalogue, target),
                        salesperson,
                    )
                )
                if delays:
                    share = round(rng.uniform(0.3, 0.6), 1) if rng.random() < partial_share else 1.0
                    payment_plan.append((inv_key, rng.randint(*delays), share))
        for inv_key, debtor, offset, lines in SCENARIO_INVOICES:
            partner = debtors[debtor][0]
            specs.append((inv_key, partner, today + timedelta(days=offset), lines, users["admin"]))

        tax = self.env["account.tax"].search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", "=", 21),
                ("price_include", "=", False),
            ],
            limit=1,
        )
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        specs.sort(key=lambda spec: (spec[2] - timedelta(days=30 if spec[1].is_company else 14), spec[0]))
        vals_list = []
        for _inv_key, partner, due, lines, salesperson in specs:
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": due - timedelta(days=30 if partner.is_company else 14),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_user_id": salesperson.id,
                    "ref": f"PO {rng.randint(10000, 99999)}" if partner.is_company and rng.random() < 0.5 else False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": name, "quantity": qty, "price_unit": price, "tax_ids": [Command.set(tax.ids)]}
                        )
                        for name, qty, price in lines
                    ],
                }
            )
        Move = self.env["account.move"].with_context(tracking_disable=True)
        last_message = self._demo_last_message_id()
        moves = Move.create(vals_list)
        moves.action_post()
        invoices = {}
        for (inv_key, _partner, due, _lines, _user), move in zip(specs, moves, strict=True):
            if move.invoice_date_due != due:  # keep the due date asked for
                move.invoice_date_due = due
            invoices[inv_key] = move.with_env(self.env)
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                """UPDATE mail_message msg SET date = m.invoice_date + time '09:00'
                     FROM account_move m
                    WHERE msg.model = 'account.move' AND msg.res_id = m.id AND msg.id > %s AND m.id IN %s""",
                last_message,
                tuple(moves.ids),
            )
        )

        payments = []
        for inv_key, delay, share in payment_plan:
            move = invoices[inv_key]
            day = max(move.invoice_date_due + timedelta(days=delay), move.invoice_date + timedelta(days=2))
            if day < today:
                amount = None if share >= 1 else max(50.0, round(move.amount_total * share / 50) * 50)
                payments.append((day, move, amount if amount is None or amount < move.amount_total else None))
        for days_ago, inv_key, amount in SCENARIO_PAYMENTS:
            payments.append((today - timedelta(days=days_ago), invoices[inv_key], amount))
        return invoices, payments

    def _demo_credits(self, company, debtors):
        """What reminders net: an open credit note (Restaurant Aan de Maas), a payment nobody matched yet
        (Bistro 't Pleintje), and a debtor with invoices in two currencies (The Daily Grind, EUR and GBP)."""
        today = fields.Date.today()
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1)
        gbp = self.env.ref("base.GBP")
        gbp.active = True
        if not gbp.rate_ids.filtered(lambda r: r.company_id == company):
            self.env["res.currency.rate"].create(
                {"currency_id": gbp.id, "company_id": company.id, "name": today - timedelta(days=90), "rate": 0.85}
            )
        Move = self.env["account.move"].with_context(tracking_disable=True)
        moves = Move.create(
            [
                {
                    "move_type": "out_refund",
                    "journal_id": journal.id,
                    "partner_id": debtors["maas"][0].id,
                    "invoice_date": today - timedelta(days=25),
                    "ref": "Retour 6 kg espressobonen",
                    "invoice_line_ids": [
                        Command.create({"name": "Retour espressobonen (6 kg)", "quantity": 1, "price_unit": 120.0})
                    ],
                },
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": debtors["dailygrind"][0].id,
                    "currency_id": gbp.id,
                    "invoice_date": today - timedelta(days=40),
                    "invoice_date_due": today - timedelta(days=10),
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Espresso blend, 20 kg (GBP price list)", "quantity": 1, "price_unit": 310.0}
                        )
                    ],
                },
            ]
        )
        moves.action_post()
        bank = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        payment = self.env["account.payment"].create(
            {
                "amount": 75.0,
                "date": today - timedelta(days=12),
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": debtors["pleintje"][0].id,
                "journal_id": bank.id,
                "memo": "Betaling Bistro 't Pleintje",
            }
        )
        payment.action_post()

    # ------------------------------------------------------------------ five weeks of history
    def _demo_simulate(self, company, debtors, users, invoices, payments):
        """Day by day: promise check (04:30), engine run (05:00), payments (08:00), logged calls (10:00)."""
        today = fields.Date.today()
        run_days = {today - timedelta(days=n) for n in RUN_DAYS_AGO}
        contacts_by_day = {}
        for contact in CONTACTS:
            contacts_by_day.setdefault(today - timedelta(days=contact[0]), []).append(contact)
        payments_by_day = {}
        for day, move, amount in payments:
            payments_by_day.setdefault(day, []).append((move, amount))
        start = today - timedelta(days=SIMULATION_DAYS)
        days = sorted({day for day in payments_by_day if day < start}) + [
            start + timedelta(days=n) for n in range(SIMULATION_DAYS)
        ]
        Promise = self.env["credit.followup.promise"]
        for day in days:
            since = self._demo_last_message_id()
            if day >= start and Promise.search_count([("company_id", "=", company.id), ("state", "=", "open")]):
                Promise._cron_check_promises(day)
                since = self._demo_backdate(since, day, time(4, 30))
            if day in run_days:
                self._demo_run(company, day)
                since = self._demo_backdate(since, day, time(5, 0))
            for move, amount in payments_by_day.get(day, []):
                self._demo_pay(move, day, amount)
            since = self._demo_backdate(since, day, time(8, 0))
            for contact in contacts_by_day.get(day, []):
                self._demo_contact(company, debtors, users, invoices, day, *contact[1:])
            self._demo_backdate(since, day, time(10, 0))

    def _demo_run(self, company, day):
        """The morning's scheduled run."""
        summary = self.env["credit.followup.engine"].run(companies=company, date=day, trigger="cron")
        self.env["credit.followup.run"].browse(summary["run_ids"]).write({"start": datetime.combine(day, time(5, 0))})

    @api.model
    def _demo_pdf_batches(self):
        """Can wkhtmltopdf render several documents in one call? Not without it, nor when it is built
        against an unpatched Qt (the Debian/Ubuntu package): invoices attached to a reminder are such a call."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() not in ("ok", "workers"):
            return False
        try:
            version = subprocess.run(
                [_get_wkhtmltopdf_bin(), "--version"], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return False
        return "patched qt" in version.lower()

    def _demo_last_message_id(self):
        self._demo_flush()
        return self.env.execute_query(SQL("SELECT COALESCE(MAX(id), 0) FROM mail_message"))[0][0]

    def _demo_flush(self):
        """Write pending changes, tracking messages included (those are written just before a commit)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.flush_all()

    def _demo_backdate(self, since_id, day, at):
        """Messages written since ``since_id`` happened on ``day`` at ``at`` (the engine writes 'now')."""
        self._demo_flush()
        self.env.execute_query(
            SQL(
                "UPDATE mail_message SET date = %s::timestamp + (id - %s) * interval '1 second' WHERE id > %s",
                datetime.combine(day, at),
                since_id,
                since_id,
            )
        )
        self.env["mail.message"].invalidate_model(["date"])
        return self._demo_last_message_id()

    def _demo_pay(self, move, day, amount=None):
        if move.payment_state not in ("not_paid", "partial"):
            return
        vals = {"payment_date": day}
        if amount and amount < move.amount_residual:
            vals["amount"] = amount
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=move.ids).create(
            vals
        )._create_payments()

    def _demo_contact(
        self,
        company,
        debtors,
        users,
        invoices,
        day,
        debtor,
        user,
        channel,
        direction,
        outcome,
        invoice_keys,
        promised,
        note,
    ):
        """A logged call, like the log-contact wizard writes it, but on a past date."""
        partner = debtors[debtor][0]
        user = users[user]
        if invoice_keys == "overdue":
            moves = self.env["account.move"].search(
                partner.with_company(company)._credit_open_invoice_domain() + [("invoice_date_due", "<", day)]
            )
        else:
            moves = self.env["account.move"].union(*(invoices[key] for key in invoice_keys))
        moves = moves.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
        if not moves:
            return
        contact = self.env["credit.followup.contact"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "move_ids": [Command.set(moves.ids)],
                "date": datetime.combine(day, time(10, 0)),
                "user_id": user.id,
                "channel": channel,
                "direction": direction,
                "outcome": outcome,
                "note": Markup("<p>%s</p>") % note,
            }
        )
        if outcome == "promise":
            contact.promise_id = self.env["credit.followup.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "move_ids": [Command.set(moves.ids)],
                    "date": fields.Date.today() + timedelta(days=promised),
                    "amount": sum(moves.mapped("amount_residual")),
                    "currency_id": company.currency_id.id,
                    "user_id": user.id,
                    "contact_id": contact.id,
                }
            )
        self._demo_post_contact(contact, user)

    def _demo_post_contact(self, contact, user):
        """The chatter line of a logged contact, and the call it answers marked done."""
        contact._post_to_chatter()
        call = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", contact.partner_id.id),
                ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_call").id),
            ],
            limit=1,
        )
        if call:
            if "credit_followup_call" in call._fields:
                call.credit_followup_call = False  # this contact registers the call already: no second one
            call.with_user(call.user_id or user).sudo().action_feedback(feedback=contact.note or "")

    # ------------------------------------------------------------------ today
    def _demo_approve(self, company, users):
        """Approve the final notice of two debtors today; leave the others waiting on the worklist."""
        logs = self.env["credit.followup.log"].search([("company_id", "=", company.id), ("state", "=", "to_approve")])
        waiting = logs.partner_id.sorted("name")
        to_approve = waiting[:2] if len(waiting) > 2 else waiting[:1] if len(waiting) > 1 else waiting.browse()
        Engine = self.env["credit.followup.engine"]
        Run = self.env["credit.followup.run"]
        last_run = Run.search([], order="id desc", limit=1).id or 0
        for partner in to_approve:  # one by one, as from the worklist
            Engine._approve(partner, company)
            # and processed right away, so that the approved invoices are planned (as final) again
            Engine.run(companies=company, partners=partner, trigger="partner")
        Run.search([("id", ">", last_run), ("company_id", "=", company.id)]).write({"user_id": users["marloes"].id})

    def _demo_do_not_chase(self, debtors):
        """A debtor in a suspension of payments: left out of follow-up, its receivables still reported."""
        partner = debtors["hoek"][0]
        partner.write(
            {
                "credit_no_followup": True,
                "credit_no_followup_reason": "Surseance van betaling aangevraagd; vordering bij de bewindvoerder",
            }
        )

    def _demo_max_id(self, table):
        self.env.flush_all()
        return self.env.execute_query(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))[0][0]

    def _demo_mark_delivered(self, first_mail, first_sms):
        """The demo's e-mails and SMS went out when they were written: nothing is left in the queues."""
        self.env["mail.mail"].search([("id", ">", first_mail), ("state", "in", ("outgoing", "exception"))]).write(
            {"state": "sent", "failure_reason": False, "failure_type": False}
        )
        self.env["sms.sms"].search([("id", ">", first_sms), ("state", "in", ("outgoing", "error"))]).write(
            {"state": "sent", "failure_type": False}
        )
