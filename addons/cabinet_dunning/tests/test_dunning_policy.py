from datetime import date
from decimal import Decimal

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..rules import late_payment
from .common import CabinetDunningCase


@tagged("post_install", "-at_install")
class TestDunningPolicy(CabinetDunningCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard = cls.env.ref("cabinet_dunning.policy_standard")

    def test_the_seeds_sequence_ships_as_the_default_policy(self):
        levels = self.standard.level_ids
        self.assertEqual(levels.mapped("days_after_due"), [5, 10, 15, 20, 30, 45, 60])
        self.assertEqual(
            levels.mapped("channel"),
            ["phone", "letter", "email", "phone", "letter", "letter", "letter"],
        )
        self.assertEqual(levels.filtered("is_formal_notice").days_after_due, 45)
        self.assertEqual(levels.filtered("is_litigation").days_after_due, 60)
        self.assertEqual(levels[4].actor, "responsible")

    def test_policy_applied_follows_the_segment_unless_the_card_names_one(self):
        self.client.client_segment = "public"
        self.assertEqual(self.client.effective_dunning_policy_id, self.standard)
        public = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Organismes publics",
                "segment": "public",
                "level_ids": [(0, 0, {"name": "Courrier", "days_after_due": 15})],
            }
        )
        self.client.invalidate_recordset(["effective_dunning_policy_id"])
        self.assertEqual(self.client.effective_dunning_policy_id, public)
        self.client.dunning_policy_id = self.standard
        self.assertEqual(self.client.effective_dunning_policy_id, self.standard)

    def test_levels_must_come_later_and_later(self):
        with self.assertRaisesRegex(ValidationError, "must come later and later"):
            self.env["cabinet.dunning.policy"].create(
                {
                    "name": "Mal ordonnée",
                    "level_ids": [
                        (0, 0, {"name": "A", "sequence": 1, "days_after_due": 10}),
                        (0, 0, {"name": "B", "sequence": 2, "days_after_due": 10}),
                    ],
                }
            )
        with self.assertRaisesRegex(ValidationError, "doivent intervenir de plus en plus tard"):
            self.standard.with_context(lang="fr_FR").level_ids[1].days_after_due = 2

    def test_one_default_policy_per_segment(self):
        values = {"name": "PME", "segment": "pme"}
        self.env["cabinet.dunning.policy"].create(values)
        with self.assertRaisesRegex(ValidationError, "already the default for this segment"):
            self.env["cabinet.dunning.policy"].create(values)
        self.env["cabinet.dunning.policy"].create({"name": "Sur mesure A"})
        self.env["cabinet.dunning.policy"].create({"name": "Sur mesure B"})

    def test_ecb_rates_feed_the_late_interest(self):
        rates = self.env["cabinet.ecb.rate"]._rates()
        self.assertEqual(rates[date(2025, 7, 1)], 2.15)
        interest = late_payment.late_interest(1000, date(2025, 3, 1), date(2025, 3, 31), rates)
        self.assertEqual(interest, Decimal("10.81"))
        with self.assertRaisesRegex(ValidationError, "starts on 1 January or 1 July"):
            self.env["cabinet.ecb.rate"].create({"semester_start": "2026-03-01", "rate": 2.0})

    def test_only_managers_configure_dunning(self):
        self.assertTrue(self.standard.with_user(self.user).level_ids)
        with self.assertRaises(AccessError):
            self.standard.with_user(self.user).min_interval_days = 1
        self.standard.with_user(self.manager).min_interval_days = 7
        self.assertEqual(self.standard.min_interval_days, 7)
        for user in (self.internal, self.portal_user):
            with self.assertRaises(AccessError):
                self.env["cabinet.dunning.policy"].with_user(user).search([])

    def test_level_amounts_are_in_the_company_currency(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        paris = self.env["res.company"].create(
            {"name": "Cabinet Paris", "country_id": self.france.id, "currency_id": eur.id}
        )
        policy = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Paris",
                "company_id": paris.id,
                "level_ids": [(0, 0, {"name": "Courrier", "days_after_due": 15, "min_amount": 50})],
            }
        )
        self.assertEqual(policy.level_ids.currency_id, eur)
        shared = self.standard.level_ids[:1]
        self.assertEqual(shared.with_company(paris).currency_id, eur)
        self.assertEqual(shared.currency_id, self.env.company.currency_id)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            policy.level_ids.min_amount = -1
            policy.env.flush_all()
