from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import CreditSegmentationCommon


@freeze_time(CreditSegmentationCommon.today)
@tagged("post_install", "-at_install")
class TestCriteria(CreditSegmentationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.tag = cls.env["res.partner.category"].create({"name": "Wholesale"})
        cls.dach = cls.env["res.country.group"].create(
            {"name": "DACH", "country_ids": [Command.set((cls.env.ref("base.de") | cls.env.ref("base.at")).ids)]}
        )

    def candidate(self, figures=None, **vals):
        """A debtor of the company (an invoice not yet due) with the given fields and risk figures."""
        partner = self._debtor(vals.pop("name", "Candidate"), "candidate@example.com", **vals)
        self._invoice(partner, -10)
        if figures:
            partner.with_company(self.company).write(figures)
        return partner

    def moves_for(self, partners):
        return self.env["credit.segment"].assign(partners=partners, simulate=True, companies=self.company)

    def targets(self, partners):
        """{partner: segment it would be in} (posting the candidate's invoice already assigned it once)."""
        moves = self.moves_for(partners)
        return {p: moves[p.id][1] if p.id in moves else self.segment_of(p).id for p in partners}

    def test_each_criterion(self):
        be, de, nl = (self.env.ref(f"base.{c}") for c in ("be", "de", "nl"))
        german = self.env["res.lang"]._lang_get("de_DE")
        table = [
            # (criteria, fields and figures of a debtor that matches, of debtors that do not)
            ({"risk_min": 40, "risk_max": 70}, {"figures": {"credit_risk_score": 55}},
             [{"figures": {"credit_risk_score": 75}}, {"figures": {"credit_risk_score": 20}}]),
            ({"lang_ids": [Command.set(german.ids)]}, {"lang": "de_DE"}, [{"lang": "nl_NL"}]),
            ({"country_ids": [Command.set(be.ids)]}, {"country_id": be.id}, [{"country_id": nl.id}]),
            ({"country_group_ids": [Command.set(self.dach.ids)]}, {"country_id": de.id}, [{"country_id": nl.id}]),
            ({"country_ids": [Command.set(nl.ids)], "exclude_countries": True}, {"country_id": be.id},
             [{"country_id": nl.id}]),
            ({"partner_kind": "person"}, {"is_company": False}, [{"is_company": True}]),
            ({"partner_kind": "company"}, {"is_company": True}, [{"is_company": False}]),
            ({"category_ids": [Command.set(self.tag.ids)]}, {"category_id": [Command.set(self.tag.ids)]}, [{}]),
            ({"avg_days_late_min": 10, "avg_days_late_max": 30}, {"figures": {"credit_avg_days_late": 20}},
             [{"figures": {"credit_avg_days_late": 5}}, {"figures": {"credit_avg_days_late": 40}}]),
            ({"late_share_min": 50}, {"figures": {"credit_late_share": 60}}, [{"figures": {"credit_late_share": 30}}]),
            ({"late_share_max": 20}, {"figures": {"credit_late_share": 10}}, [{"figures": {"credit_late_share": 30}}]),
            ({"overdue_min": 1000}, {"figures": {"credit_overdue_amount": 1500}},
             [{"figures": {"credit_overdue_amount": 500}}]),
            ({"broken_promises_min": 2}, {"figures": {"credit_broken_promises_12m": 2}},
             [{"figures": {"credit_broken_promises_12m": 1}}]),
            ({"domain": "[('city', '=', 'Utrecht')]"}, {"city": "Utrecht"}, [{"city": "Amsterdam"}]),
            # criteria combine: all must hold
            ({"partner_kind": "company", "country_ids": [Command.set(be.ids)]},
             {"is_company": True, "country_id": be.id},
             [{"is_company": False, "country_id": be.id}, {"is_company": True, "country_id": nl.id}]),
        ]  # fmt: skip
        for criteria, match, misses in table:
            with self.subTest(criteria=criteria):
                segment = self.env["credit.segment"].create(
                    {"name": "Under test", "sequence": 1, "company_id": self.company.id, **criteria}
                )
                yes = self.candidate(**match)
                nos = [self.candidate(**miss) for miss in misses]
                targets = self.targets(yes.union(*nos))
                self.assertEqual(targets[yes], segment.id, "the debtor meeting the criteria joins the segment")
                for no in nos:
                    self.assertNotEqual(targets[no], segment.id, f"{no.name} does not meet {criteria}")
                segment.unlink()

    def test_first_match_wins_and_default_catches_the_rest(self):
        utrecht = self.env["credit.segment"].create(
            {"name": "Utrecht", "sequence": 5, "company_id": self.company.id, "domain": "[('city', '=', 'Utrecht')]"}
        )
        partner = self.candidate(city="Utrecht", figures={"credit_risk_score": 80})
        other = self.candidate(city="Breda", figures={"credit_risk_score": 10})
        self.assertEqual(self.segment_of(other), self.default, "posting its invoice put it in the default segment")
        targets = self.targets(partner | other)
        self.assertEqual(targets[partner], utrecht.id, "both match; the lower sequence wins")
        self.assertEqual(targets[other], self.default.id, "no segment matches: the default one")
        utrecht.sequence = 20
        self.assertEqual(self.targets(partner)[partner], self.risky.id, "now Risky comes first")

    def test_without_default_segment_unmatched_debtors_have_none(self):
        self.default.write({"is_default": False, "domain": "[('id', '=', 0)]"})
        partner = self.candidate(figures={"credit_risk_score": 10})
        self.assertFalse(self.segment_of(partner), "no segment matches and there is no default")
        self.assertNotIn(partner.id, self.moves_for(partner), "no segment before, none now: no move")

    def test_free_domain_is_validated(self):
        for bad in ("[('no_such_field', '=', 1)]", "not python", "{'a': 1}", "[('name', 'bad op', 1)]"):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                self.risky.domain = bad
                self.risky.flush_recordset()
        self.risky.domain = "[('industry_id', '!=', False)]"  # a valid one is kept
        self.assertEqual(self.risky.domain, "[('industry_id', '!=', False)]")

    def test_one_default_per_company_and_ranges(self):
        with self.assertRaises(ValidationError):
            self.env["credit.segment"].create({"name": "Second", "company_id": self.company.id, "is_default": True})
        with self.assertRaises(ValidationError):
            self.risky.write({"risk_min": 80, "risk_max": 20})
        other = self.setup_other_company(name="Segments Two BV")["company"]
        self.env["credit.segment"].create({"name": "Rest", "company_id": other.id, "is_default": True})
