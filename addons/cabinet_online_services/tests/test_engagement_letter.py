from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestEngagementLetter(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_letters()

    def test_new_letter_gets_a_reference_and_the_client_defaults(self):
        self.assertRegex(self.letter.name, r"^LM/\d{4}/\d{4}$")
        self.assertEqual(self.letter.state, "draft")
        self.assertEqual(self.letter.payment_mode_id, self.sdd_mode)
        self.assertEqual(
            self.letter.payment_term_id, self.env.ref("account.account_payment_term_30days")
        )
        self.assertEqual(self.letter.terms_version_id, self.terms)
        self.assertEqual(self.letter.line_ids.mapped("price_unit"), [30.0, 40.0])
        self.assertEqual(self.letter.line_ids.mapped("date_start"), [date(2026, 1, 1)] * 2)

    @freeze_time("2026-03-10")
    def test_monthly_amount_and_term_end(self):
        self.assertEqual(self.letter.monthly_amount, 30.0 + 3 * 40.0)
        self.assertEqual(self.letter.term_end_date, date(2026, 12, 31))

    def test_life_cycle_with_dates(self):
        self._valid_mandate(self.client)
        with freeze_time("2026-01-05"):
            self.letter.action_send()
        with freeze_time("2026-01-08"):
            self.letter.action_sign()
        with freeze_time("2026-01-09"):
            self.letter.action_activate()
        self.assertEqual(self.letter.state, "active")
        self.assertEqual(
            (self.letter.sent_date, self.letter.signed_date, self.letter.activation_date),
            (date(2026, 1, 5), date(2026, 1, 8), date(2026, 1, 9)),
        )
        self.letter.action_suspend()
        self.assertEqual(self.letter.state, "suspended")
        self.assertTrue(self.letter.suspension_date)
        self.letter.action_activate()
        self.assertEqual(self.letter.state, "active")
        self.assertFalse(self.letter.suspension_date)
        self.assertEqual(self.letter.activation_date, date(2026, 1, 9))

    def test_refused_transitions(self):
        with self.assertRaisesRegex(UserError, "cannot become Active from its current state"):
            self.letter.action_activate()
        with self.assertRaisesRegex(UserError, "cannot become Signed"):
            self.letter.action_sign()
        with self.assertRaisesRegex(UserError, "cannot become Suspended"):
            self.letter.action_suspend()
        self.assertEqual(self.letter.state, "draft")

    def test_a_letter_says_what_the_firm_does_before_it_is_sent(self):
        empty = self.env["cabinet.engagement.letter"].create({"partner_id": self.client.id})
        with self.assertRaisesRegex(UserError, "neither missions nor online services"):
            empty.action_send()

    def test_direct_debit_needs_a_valid_mandate(self):
        self.letter.action_send()
        self.letter.action_sign()
        self.assertEqual(self.letter.mandate_state, "none")
        with self.assertRaisesRegex(UserError, "has no valid mandate on a bank account"):
            self.letter.action_activate()
        self.assertEqual(self.letter.state, "signed")
        mandate = self._valid_mandate(self.client)
        self.assertNotEqual(mandate.unique_mandate_reference, "/", "the RUM is generated")
        self.letter.invalidate_recordset(["mandate_id", "mandate_state"])
        self.assertEqual(self.letter.mandate_id, mandate)
        self.assertEqual(self.letter.mandate_state, "valid")
        self.letter.action_activate()
        self.assertEqual(self.letter.state, "active")

    def test_direct_debit_needs_the_creditor_identifier(self):
        self._valid_mandate(self.client)
        self.company.sepa_creditor_identifier = False
        self.letter.action_send()
        self.letter.action_sign()
        with self.assertRaisesRegex(UserError, "no SEPA creditor identifier"):
            self.letter.action_activate()

    def test_letter_paid_by_transfer_needs_no_mandate(self):
        transfer_mode = self.env["account.payment.mode"].create(
            {
                "name": "Virement",
                "company_id": self.company.id,
                "bank_account_link": "variable",
                "payment_method_id": self.env.ref("account.account_payment_method_manual_in").id,
            }
        )
        self.letter.payment_mode_id = transfer_mode
        self._activate(self.letter)
        self.assertEqual(self.letter.state, "active")

    def test_invalid_iban_cannot_be_debited(self):
        bank = self.env["res.partner.bank"].create(
            {"partner_id": self.client.id, "acc_number": "FR76 3000 6000 0112 3456 7890 188"}
        )
        mandate = self.env["account.banking.mandate"].create(
            {"partner_bank_id": bank.id, "signature_date": "2025-12-01", "format": "sepa"}
        )
        mandate.validate()
        self.letter.action_send()
        self.letter.action_sign()
        with self.assertRaisesRegex(UserError, "is not a valid IBAN, so it cannot be debited"):
            self.letter.action_activate()
        self.assertEqual(self.letter.state, "signed")

    def test_payment_term_at_most_30_days_end_of_month(self):
        too_long = self.env.ref("account.account_payment_term_30_days_end_month_the_10")
        with self.assertRaisesRegex(ValidationError, "more than 30 days end of month"):
            self.letter.payment_term_id = too_long
        with self.assertRaisesRegex(ValidationError, "would be due on 2024-03-31"):
            self.letter.payment_term_id = self.env.ref(
                "account.account_payment_term_end_following_month"
            )
        short = self.env.ref("account.account_payment_term_21days")
        self.letter.payment_term_id = short
        self.assertEqual(self.letter.payment_term_id, short)
        self.client.property_payment_term_id = too_long
        letter = self.env["cabinet.engagement.letter"].create(self._letter_vals(self.client))
        self.assertFalse(letter.payment_term_id, "a too-long client term is not copied")

    def test_terminate_ends_the_services(self):
        self._valid_mandate(self.client)
        self._activate(self.letter)
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.letter.terminate("2026-06-30", " ")
        with self.assertRaisesRegex(UserError, "cannot end before it starts"):
            self.letter.terminate("2025-12-31", "Cessation d'activité")
        wizard = Form(
            self.env["cabinet.engagement.letter.terminate"].with_context(
                default_letter_ids=self.letter.ids
            )
        )
        wizard.termination_date = date(2026, 6, 30)
        wizard.reason = "Cessation d'activité"
        wizard.save().action_terminate()
        self.assertEqual(self.letter.state, "terminated")
        self.assertEqual(self.letter.termination_date, date(2026, 6, 30))
        self.assertEqual(self.letter.line_ids.mapped("date_end"), [date(2026, 6, 30)] * 2)
        self.assertFalse(self.letter._lines_at(date(2026, 7, 1)))
        with self.assertRaisesRegex(UserError, "cannot become Active"):
            self.letter.action_activate()

    def test_amendment_keeps_the_history_of_what_applied_when(self):
        self._valid_mandate(self.client)
        self._activate(self.letter)
        dashboard_line = self.letter.line_ids.filtered(
            lambda line: line.product_id == self.dashboard
        )
        self.letter.amend(
            "2026-04-01",
            "Passage à 5 bulletins, tableau de bord inchangé",
            [
                {"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0},
                {"product_id": self.payroll.id, "quantity": 5, "price_unit": 40.0},
            ],
        )
        before = self.letter._lines_at(date(2026, 3, 31))
        after = self.letter._lines_at(date(2026, 4, 1))
        self.assertEqual(sorted(before.mapped("quantity")), [1, 3])
        self.assertEqual(sorted(after.mapped("quantity")), [1, 5])
        self.assertIn(dashboard_line, after, "an unchanged service goes on")
        ended = before - after
        self.assertEqual(ended.date_end, date(2026, 3, 31))
        amendment = self.letter.amendment_ids
        self.assertEqual(amendment.state, "applied")
        self.assertEqual((after - before).amendment_id, amendment)
        # A second amendment drops the payroll service.
        self.letter.amend(
            "2026-09-01",
            "Fin de la paie",
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0}],
        )
        self.assertEqual(self.letter._lines_at(date(2026, 9, 1)), dashboard_line)
        self.assertEqual(len(self.letter._lines_at(date(2026, 8, 31))), 2)

    def test_amendment_refusals(self):
        with self.assertRaisesRegex(UserError, "is not signed, or has ended"):
            self.letter.amend("2026-03-01", "Trop tôt", [])
        self._valid_mandate(self.client)
        self._activate(self.letter)
        with self.assertRaisesRegex(UserError, "applies after the letter's start"):
            self.letter.amend("2026-01-01", "Le jour même", [])
        self.assertFalse(self.letter.amendment_ids)

    def test_amendment_from_the_form(self):
        self._valid_mandate(self.client)
        self._activate(self.letter)
        action = self.letter.action_new_amendment()
        with freeze_time("2026-05-10"):
            action = self.letter.action_new_amendment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(form.effective_date, date(2026, 5, 11))
        self.assertEqual(len(form.line_ids), 2)
        form.reason = "Hausse du tarif"
        with form.line_ids.edit(0) as line:
            line.price_unit = 35.0
        form.save().action_apply()
        self.assertEqual(
            sorted(self.letter._lines_at(date(2026, 5, 11)).mapped("price_unit")), [35.0, 40.0]
        )

    def test_service_lines_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "cannot end"):
            self.letter.line_ids[0].date_end = "2025-12-01"
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.letter.line_ids[0].quantity = -1
        goods = self.env["product.product"].create({"name": "Classeur", "type": "consu"})
        with self.assertRaisesRegex(ValidationError, "is not an online service"):
            self.letter.line_ids = [(0, 0, {"product_id": goods.id})]

    def test_letter_is_signed_with_the_company_not_a_contact(self):
        contact = self.client_portal_user.partner_id
        with self.assertRaisesRegex(ValidationError, "signed with the client's company"):
            self.env["cabinet.engagement.letter"].create({"partner_id": contact.id})

    def test_printed_letter_is_in_french_with_the_clauses(self):
        self.client.lang = "fr_FR"
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "cabinet_online_services.action_report_engagement_letter", self.letter.ids
            )[0]
            .decode()
        )
        self.assertIn(self.letter.name, html)
        self.assertIn("Clause services en ligne", html)
        self.assertIn("40 euros", html)
        self.assertIn("Tableau de bord", html)

    def test_messages_in_french(self):
        letter = self.letter.with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "ne peut pas passer à l'état"):
            letter.action_activate()

    def test_state_changes_are_tracked_in_the_chatter(self):
        letter = self.letter.with_context(tracking_disable=False)
        letter.action_send()
        self.env.cr.precommit.run()  # tracking values are written when the transaction ends
        tracked = letter.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "state"
        )
        self.assertEqual(tracked.new_value_char, "Sent")
