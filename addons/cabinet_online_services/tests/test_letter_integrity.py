from datetime import date

import odoorpc

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestLetterIntegrity(OnlineServicesCase, HttpCase):
    """What was agreed stays true: a letter's state, client, agreed services and applied
    amendments change only through their actions, for every role and over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()
        cls.draft = cls.env["cabinet.engagement.letter"].create(cls._letter_vals(cls.other_client))

    def _refused(self, login, model, method, args, expected):
        with self._odoorpc(login) as rpc:
            with self.assertRaises(odoorpc.error.RPCError) as refused:
                rpc.execute_kw(model, method, args, {"context": {"lang": "en_US"}})
        self.assertIn(expected, str(refused.exception))

    def test_states_and_dates_change_only_with_the_buttons(self):
        Letter = "cabinet.engagement.letter"
        for login in ("os_manager", "os_user"):
            with self.subTest(login=login):
                self._refused(
                    login,
                    Letter,
                    "write",
                    [self.draft.ids, {"state": "active"}],
                    "only with its buttons",
                )
                self._refused(
                    login,
                    Letter,
                    "write",
                    [self.letter.ids, {"signed_date": "2020-01-01"}],
                    "only with",
                )
                self._refused(login, Letter, "create",
                              [{**self._letter_vals(self.other_client), "state": "active"}],
                              "only with its buttons")  # fmt: skip
        # The superuser's code goes through the buttons too.
        with self.assertRaisesRegex(UserError, "only with its buttons"):
            self.draft.sudo().write({"state": "active"})
        self.assertEqual((self.draft.state, self.letter.state), ("draft", "active"))

    def test_the_client_of_a_sent_letter_never_changes(self):
        self._refused("os_manager", "cabinet.engagement.letter", "write",
                      [self.letter.ids, {"partner_id": self.other_client.id}],
                      "cannot change")  # fmt: skip
        self.assertEqual(self.letter.partner_id, self.client)
        self.draft.partner_id = self.client  # a draft is still being written
        self.assertEqual(self.draft.partner_id, self.client)

    def test_agreed_services_change_only_by_an_amendment(self):
        line = self.letter.line_ids[:1]
        price = line.price_unit
        Line = "cabinet.engagement.letter.line"
        self._refused("os_manager", Line, "write", [line.ids, {"price_unit": 0.01}], "amendment")
        self._refused("os_manager", Line, "write", [line.ids, {"quantity": 99}], "amendment")
        self._refused("os_manager", Line, "unlink", [line.ids], "amendment")
        self._refused("os_manager", Line, "create",
                      [{"letter_id": self.letter.id, "product_id": line.product_id.id}],
                      "amendment")  # fmt: skip
        self.assertEqual((line.price_unit, line.exists()), (price, line))
        # The same change through an amendment, which keeps the history.
        amendment_id = self.letter.amend(
            "2027-01-01", "Tarif 2027",
            [{"product_id": line.product_id.id, "quantity": line.quantity, "price_unit": 45.0}],
        )  # fmt: skip
        amendment = self.env["cabinet.engagement.amendment"].browse(amendment_id)
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(line.date_end.isoformat(), "2026-12-31")

    def test_an_applied_amendment_stays_as_it_is(self):
        line = self.letter.line_ids[:1]
        amendment = self.env["cabinet.engagement.amendment"].browse(
            self.letter.amend(
                "2027-01-01", "Tarif 2027",
                [{"product_id": line.product_id.id, "quantity": 1, "price_unit": 45.0}],
            )
        )  # fmt: skip
        Amendment = "cabinet.engagement.amendment"
        self._refused("os_manager", Amendment, "write", [amendment.ids, {"state": "draft"}],
                      "Apply button")  # fmt: skip
        self._refused("os_manager", Amendment, "write", [amendment.ids, {"reason": "Autre"}],
                      "stays as it is")  # fmt: skip
        self._refused(
            "os_manager",
            "cabinet.engagement.amendment.line",
            "write",
            [amendment.line_ids.ids, {"price_unit": 1}],
            "stay as they are",
        )
        with self.assertRaisesRegex(UserError, "already applied"):
            amendment.action_apply()
        self.assertEqual(
            len(self.letter.line_ids.filtered(lambda ln: ln.date_start.year == 2027)), 1
        )

    def test_terms_are_bounded_so_no_list_breaks(self):
        for vals, message in (
            ({"duration_months": 100_000}, "duration is from 1 to 600"),
            ({"notice_months": 900}, "notice is from 0 months"),
            ({"start_date": "9999-01-01"}, "between 1900 and 2999"),
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                self.draft.write(vals)
        self.assertTrue(self.env["cabinet.engagement.letter"].search_read([], ["term_end_date"]))

    def test_suspension_and_resumption_take_a_date_over_rpc(self):
        activated = self.letter.activation_date
        with self._odoorpc("os_manager") as rpc:
            rpc.execute_kw("cabinet.engagement.letter", "action_suspend", [self.letter.ids],
                           {"suspension_date": "2027-02-15"})  # fmt: skip
        self.assertEqual(self.letter.suspension_date.isoformat(), "2027-02-15")
        self._refused("os_manager", "cabinet.engagement.letter", "action_activate",
                      [self.letter.ids, "2027-02-01"], "before its suspension")  # fmt: skip
        self._refused("os_manager", "cabinet.engagement.letter", "action_activate",
                      [self.letter.ids, "15/03/2027"], "activation_date")  # fmt: skip
        with self._odoorpc("os_manager") as rpc:
            rpc.execute_kw("cabinet.engagement.letter", "action_activate", [self.letter.ids],
                           {"activation_date": "2027-03-01"})  # fmt: skip
        self.assertEqual(self.letter.state, "active")
        self.assertEqual(self.letter.activation_date, activated, "resumed, not started again")
        self.assertFalse(
            any(self.letter.line_ids.mapped("billing_skipped_until")),
            "the suspended days are left out by the suspension, not by moving where billing "
            "starts (the days before it are still due)",
        )
        suspension = self.letter.suspension_ids
        self.assertEqual(
            (suspension.date_from.isoformat(), suspension.date_to.isoformat()),
            ("2027-02-15", "2027-02-28"),
            "the suspension is on record, to the day before the services resumed",
        )
        for login in ("os_manager", "os_user"):
            with self.subTest(login=login):
                self._refused(
                    login,
                    "cabinet.engagement.suspension",
                    "write",
                    [suspension.ids, {"date_to": "2027-02-20"}],
                    "not allowed",
                )
                self._refused(
                    login,
                    "cabinet.engagement.suspension",
                    "unlink",
                    [suspension.ids],
                    "not allowed",
                )
                self._refused(login, "cabinet.engagement.suspension", "create",
                              [{"letter_id": self.letter.id, "date_from": "2027-05-01"}],
                              "not allowed")  # fmt: skip
        self.assertEqual(suspension.date_to, date(2027, 2, 28), "nothing changed")
        self._refused("os_user", "cabinet.engagement.letter.line", "write",
                      [self.letter.line_ids.ids, {"billing_skipped_until": "2027-12-31"}],
                      "only an administrator")  # fmt: skip
        self.assertFalse(any(self.letter.line_ids.mapped("billing_skipped_until")))
