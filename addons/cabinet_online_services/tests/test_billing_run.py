from datetime import date
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.cabinet_online_services.models.cabinet_engagement_letter import (
    CabinetEngagementLetter,
)

from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestBillingRun(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()
        cls.Run = cls.env["cabinet.billing.run"]

    def _bill(self, day, **kwargs):
        result = self.Run.run_billing(day, **kwargs)
        return self.Run.browse(result["run_id"]), result

    def _other_letter(self, **vals):
        self.other_client.write({"country_id": self.env.ref("base.fr").id})
        letter = self.env["cabinet.engagement.letter"].create(
            self._letter_vals(self.other_client, payment_mode_id=False, **vals)
        )
        self._activate(letter)
        return letter

    def test_a_month_in_advance_is_one_posted_invoice_with_all_services(self):
        run, result = self._bill("2026-11-25")
        self.assertEqual(len(result["invoice_ids"]), 1)
        invoice = run.invoice_ids
        self.assertEqual(invoice.partner_id, self.client)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date, date(2026, 11, 25))
        self.assertEqual(invoice.journal_id, self.company.online_services_journal_id)
        self.assertEqual(invoice.journal_id.code, "SEL")
        self.assertEqual(invoice.invoice_payment_term_id, self.letter.payment_term_id)
        self.assertEqual(invoice.payment_mode_id, self.sdd_mode)
        self.assertEqual(invoice.amount_untaxed, 30 + 3 * 40)
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("quantity")), [1.0, 3.0], "units are kept"
        )
        self.assertIn("01/12/2026", invoice.invoice_line_ids[0].name)
        periods = self.letter.billed_period_ids
        self.assertEqual(len(periods), 2)
        self.assertEqual(set(periods.mapped("period_start")), {date(2026, 12, 1)})
        self.assertEqual(set(self.letter.line_ids.mapped("billed_until")), {date(2026, 12, 31)})
        self.assertEqual(run.state, "done")

    def test_nothing_is_due_before_the_billing_day(self):
        run, result = self._bill("2026-11-24")
        self.assertFalse(result["invoice_ids"])
        self.assertFalse(run.issue_ids)

    def test_running_twice_never_bills_a_period_twice(self):
        self._bill("2026-11-25")
        run, result = self._bill("2026-11-30")
        self.assertFalse(result["invoice_ids"])
        self.assertEqual(len(self.letter.billed_period_ids), 2)
        period = self.letter.billed_period_ids[0]
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["cabinet.billed.period"].create(
                    {
                        "line_id": period.line_id.id,
                        "period_start": period.period_start,
                        "period_end": period.period_end,
                        "date_from": period.date_from,
                        "date_to": period.date_to,
                        "move_id": period.move_id.id,
                    }
                )

    def test_catching_up_bills_one_invoice_per_period(self):
        run, _result = self._bill("2027-01-25")
        self.assertEqual(len(run.invoice_ids), 3, "December, January and February")
        self.assertEqual(
            sorted(run.billed_period_ids.mapped("period_start")),
            [date(2026, 12, 1)] * 2 + [date(2027, 1, 1)] * 2 + [date(2027, 2, 1)] * 2,
        )

    def test_an_amendment_mid_month_credits_the_old_service_and_bills_the_new(self):
        self._bill("2026-11-25")
        self.letter.amend(
            "2026-12-16",
            "Un salarié de plus",
            [
                {"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0},
                {"product_id": self.payroll.id, "quantity": 4, "price_unit": 40.0},
            ],
        )
        run, _result = self._bill("2026-12-25")
        invoices = run.invoice_ids.sorted("amount_untaxed")
        lines = invoices.invoice_line_ids
        credit = lines.filtered(lambda line: line.price_subtotal < 0)
        self.assertEqual(credit.price_subtotal, -61.94, "120 - 120 x 15/31 given back")
        december = lines.filtered(
            lambda line: "16/12/2026" in line.name and line.price_subtotal > 0
        )
        self.assertEqual(december.price_subtotal, 82.58, "160 x 16/31")
        self.assertEqual(sum(run.invoice_ids.mapped("amount_untaxed")), 30 + 160 + 82.58 - 61.94)
        # December paid exactly: 15 days of the old price plus 16 days of the new.
        payroll_december = self.env["cabinet.billed.period"].search(
            [("letter_id", "=", self.letter.id), ("line_id.product_id", "=", self.payroll.id),
             ("period_start", "=", "2026-12-01")]
        )  # fmt: skip
        self.assertAlmostEqual(sum(payroll_december.mapped("amount")), 58.06 + 82.58)
        _run, again = self._bill("2026-12-25")
        self.assertFalse(again["invoice_ids"], "the credit is given once")

    def test_termination_mid_period_in_arrears_bills_the_days_used(self):
        letter = self._other_letter(
            start_date="2026-10-01", billing_timing="arrears", payment_term_id=False
        )
        letter.terminate("2026-11-10", "Cessation d'activité")
        self.assertFalse(any(letter.line_ids.mapped("billing_done")), "November not billed")
        run, _result = self._bill("2026-12-01", letter_ids=letter.ids)
        self.assertEqual(
            sorted(run.invoice_ids.mapped("amount_untaxed")), [50.0, 150.0],
            "November: 150 x 10/30",
        )  # fmt: skip
        _run, again = self._bill("2027-03-01", letter_ids=letter.ids)
        self.assertFalse(again["invoice_ids"], "nothing after the termination")
        self.assertTrue(all(letter.line_ids.mapped("billing_done")))
        self.assertNotIn(self.other_client, self.Run.create({})._partners_to_bill(),
                         "a letter fully billed is no longer looked at")  # fmt: skip

    def test_termination_after_billing_in_advance_gives_the_unused_days_back(self):
        first_run, _result = self._bill("2026-11-25")
        december = first_run.invoice_ids.filtered(
            lambda move: self.letter.line_ids.billed_period_ids.filtered(
                lambda period, move=move: (
                    period.move_id == move and period.period_start.isoformat() == "2026-12-01"
                )
            )
        )
        self.assertEqual(len(december), 1)
        refund_mode = self._refund_mode()
        self.letter.terminate("2026-12-10", "Départ du client")
        run, _result = self._bill("2026-12-25")
        credit_note = run.invoice_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.amount_untaxed, 150 - 48.39, "21 days of 31 back")
        self.assertEqual(credit_note.reversed_entry_id, december, "it credits December's invoice")
        self.assertEqual(credit_note.payment_mode_id, refund_mode, "paid back, never debited")
        self.assertTrue(all(self.letter.line_ids.mapped("billing_done")), "credited: done")

    def test_a_suspended_letter_is_reported_and_its_suspension_never_billed(self):
        self.letter.action_suspend("2026-12-01")
        run, result = self._bill("2026-11-25")
        self.assertFalse(result["invoice_ids"])
        self.assertEqual(run.issue_ids.reason, "suspended")
        self.assertEqual(result["issues"][0]["letter_id"], self.letter.id)
        self.letter.action_activate("2026-12-11")
        run, _result = self._bill("2026-12-11")
        self.assertEqual(run.invoice_ids.amount_untaxed, 150 - 48.39, "11 to 31 December")
        self.assertIn("11/12/2026", run.invoice_ids.invoice_line_ids[0].name)
        self.assertEqual(set(self.letter.billed_period_ids.mapped("date_from")),
                         {date(2026, 12, 11)})  # fmt: skip

    def _letter_in_arrears_billed_to_november(self):
        """The other client's letter (French), billed in arrears up to 30 November."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.other_client.lang = "fr_FR"
        letter = self._other_letter(
            start_date="2026-10-01", billing_timing="arrears", payment_term_id=False
        )
        self._bill("2026-12-01", letter_ids=letter.ids)
        self.assertEqual(set(letter.line_ids.mapped("billed_until")), {date(2026, 11, 30)})
        return letter

    def test_days_before_and_after_a_suspension_billed_in_arrears_are_billed(self):
        letter = self._letter_in_arrears_billed_to_november()
        letter.action_suspend("2026-12-10")
        letter.action_activate("2026-12-20")
        run, _result = self._bill("2027-01-01", letter_ids=letter.ids)
        # 150 a month, 10 days of 31 left out: the first nine days are billed too.
        self.assertEqual(run.invoice_ids.amount_untaxed, 150 - 48.39)
        label = run.invoice_ids.invoice_line_ids[0].name
        self.assertIn("du 01/12/2026 au 31/12/2026", label)
        self.assertIn("sauf la suspension du 10/12/2026 au 19/12/2026", label)
        _run, again = self._bill("2027-01-01", letter_ids=letter.ids)
        self.assertFalse(again["invoice_ids"], "billed once")
        # Ended afterwards on 25 December: 26 to 31 December come back, no suspended day.
        letter.terminate("2026-12-25", "Départ du client")
        run, _result = self._bill("2027-01-02", letter_ids=letter.ids)
        self.assertEqual(run.invoice_ids.move_type, "out_refund")
        self.assertEqual(
            sorted(run.invoice_ids.invoice_line_ids.mapped("price_subtotal")),
            [5.81, 23.23],
            "6 days of 31 of each service (30 and 120 a month)",
        )
        self.assertTrue(all(letter.line_ids.mapped("billing_done")))

    def test_a_letter_ended_while_suspended_in_arrears_bills_the_days_before_only(self):
        letter = self._letter_in_arrears_billed_to_november()
        letter.action_suspend("2026-12-10")
        letter.terminate("2026-12-20", "Cessation d'activité")
        run, _result = self._bill("2027-01-01", letter_ids=letter.ids)
        self.assertEqual(run.invoice_ids.amount_untaxed, 43.55, "1 to 9 December of 31 days")
        self.assertIn("au 09/12/2026", run.invoice_ids.invoice_line_ids[0].name)
        self.assertTrue(all(letter.line_ids.mapped("billing_done")))
        _run, again = self._bill("2027-02-01", letter_ids=letter.ids)
        self.assertFalse(again["invoice_ids"])

    def test_a_period_wholly_suspended_is_recorded_billed_for_nothing(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        letter = self._other_letter(
            start_date="2026-10-01", billing_timing="arrears", payment_term_id=False
        )
        self._bill("2026-11-01", letter_ids=letter.ids)
        letter.action_suspend("2026-11-15")
        letter.terminate("2026-12-20", "Cessation d'activité")
        run, _result = self._bill("2027-01-01", letter_ids=letter.ids)
        self.assertEqual(run.invoice_ids.amount_untaxed, 70, "1 to 14 November, 150 x 14/30")
        december = letter.billed_period_ids.filtered(
            lambda period: period.period_start == date(2026, 12, 1)
        )
        self.assertEqual(len(december), 2, "one per service")
        self.assertFalse(december.move_id, "nothing was due, no invoice")
        self.assertEqual(set(december.mapped("amount")), {0})
        self.assertTrue(all(letter.line_ids.mapped("billing_done")))
        self.assertNotIn(letter.partner_id, self.Run.create({})._partners_to_bill())

    def _refund_mode(self):
        refund_mode = self.env["account.payment.mode"].create(
            {"name": "Remboursement par virement", "payment_type": "outbound",
             "payment_method_id": self.env.ref("account.account_payment_method_manual_out").id,
             "bank_account_link": "variable"}
        )  # fmt: skip
        self.letter.payment_mode_id.refund_payment_mode_id = refund_mode
        return refund_mode

    def test_days_billed_in_advance_before_a_suspension_are_given_back(self):
        self.client.lang = "fr_FR"
        self.env["res.lang"]._activate_lang("fr_FR")
        december = self._bill("2026-11-25")[0].invoice_ids
        self.letter.action_suspend("2026-12-10")
        self.letter.action_activate("2026-12-20")
        self.assertTrue(self.letter.suspension_ids.to_credit)
        run, _result = self._bill("2026-12-25")
        january = run.invoice_ids
        self.assertEqual(len(january), 1, "January and the credit on one invoice")
        credits = january.invoice_line_ids.filtered(lambda line: line.price_subtotal < 0)
        # 10 to 19 December of a 31-day month billed 30 + 120: the December invoice's own
        # line amounts times 10/31, each rounded as the days are.
        self.assertEqual(sorted(credits.mapped("price_subtotal")), [-38.71, -9.68])
        self.assertEqual(sorted(december.invoice_line_ids.mapped("price_subtotal")), [30, 120])
        self.assertEqual(january.amount_untaxed, 150 - 48.39)
        self.assertIn("Avoir pour la suspension", credits[0].name, "in the client's language")
        self.assertIn("10/12/2026", credits[0].name)
        self.assertIn("19/12/2026", credits[0].name)
        self.assertFalse(self.letter.suspension_ids.to_credit, "credited once")
        _run, again = self._bill("2026-12-26")
        self.assertFalse(again["invoice_ids"], "a second run the next day gives nothing back")
        self.assertEqual(
            len(self.letter.billed_period_ids.filtered(lambda p: p.kind == "suspension")), 2
        )
        self.assertEqual(self.letter.line_ids.mapped("billed_until"), [date(2027, 1, 31)] * 2)

    def test_a_suspension_never_overlaps_one_already_given_back(self):
        self._bill("2026-11-25")
        self.letter.action_suspend("2026-12-10")
        self.letter.action_activate("2026-12-20")
        with self.assertRaisesRegex(UserError, "déjà suspendue jusqu.au 19/12/2026"):
            self.letter.with_context(lang="fr_FR").action_suspend("2026-12-15")
        self.assertEqual(self.letter.state, "active")
        self.letter.action_suspend("2026-12-22")
        self.assertEqual(len(self.letter.suspension_ids), 2)

    def test_a_suspension_credit_is_recorded_once_for_its_days(self):
        self._bill("2026-11-25")
        self.letter.action_suspend("2026-12-10")
        self.letter.action_activate("2026-12-20")
        self._bill("2026-12-25")
        credit = self.letter.billed_period_ids.filtered(lambda p: p.kind == "suspension")[0]
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["cabinet.billed.period"].create(
                    {"line_id": credit.line_id.id, "kind": "suspension",
                     "period_start": credit.period_start, "period_end": credit.period_end,
                     "date_from": credit.date_from, "date_to": credit.date_to,
                     "move_id": credit.move_id.id}
                )  # fmt: skip

    def test_a_letter_ended_while_suspended_gives_back_the_suspension_and_the_rest(self):
        december = self._bill("2026-11-25")[0].invoice_ids
        refund_mode = self._refund_mode()
        self.letter.action_suspend("2026-12-10")
        self.letter.terminate("2026-12-20", "Cessation d'activité")
        self.assertEqual(self.letter.suspension_ids.date_to, date(2026, 12, 20))
        run, _result = self._bill("2026-12-25")
        credit_note = run.invoice_ids
        self.assertEqual(credit_note.move_type, "out_refund")
        # Everything from 10 December: December's 150 less its first nine days.
        self.assertEqual(credit_note.amount_untaxed, 150 - 43.55)
        self.assertEqual(credit_note.reversed_entry_id, december)
        self.assertEqual(credit_note.payment_mode_id, refund_mode)
        self.assertEqual(
            sorted(self.letter.billed_period_ids.mapped("kind")),
            ["charge", "charge", "credit", "credit", "suspension", "suspension"],
        )
        self.assertTrue(all(self.letter.line_ids.mapped("billing_done")))
        _run, again = self._bill("2027-01-25")
        self.assertFalse(again["invoice_ids"], "nothing more, ever")

    def test_a_suspension_that_did_not_stop_billing_gives_nothing_back(self):
        self.letter.suspension_stops_billing = False
        self._bill("2026-11-25")
        self.letter.action_suspend("2026-12-10")
        self.letter.action_activate("2026-12-20")
        self.assertFalse(self.letter.suspension_ids.to_credit)
        run, _result = self._bill("2026-12-25")
        self.assertEqual(run.invoice_ids.amount_untaxed, 150, "January only")

    def test_a_letter_that_fails_is_reported_and_the_others_are_billed(self):
        other = self._other_letter(start_date="2026-12-01")
        original = CabinetEngagementLetter._billing_charges

        def failing(letter, run_date):
            if letter == other:
                raise ConnectionError("Service indisponible")
            return original(letter, run_date)

        with patch.object(CabinetEngagementLetter, "_billing_charges", failing):
            run, _result = self._bill("2026-11-25")
        self.assertEqual(run.invoice_ids.partner_id, self.client)
        self.assertEqual(run.issue_ids.partner_id, self.other_client)
        self.assertEqual(run.issue_ids.reason, "error")
        self.assertIn("Service indisponible", run.issue_ids.message)
        self.assertFalse(other.billed_period_ids, "nothing half-written")
        run, _result = self._bill("2026-11-25")
        self.assertEqual(run.invoice_ids.partner_id, self.other_client, "billed by the next run")

    def test_a_cancelled_invoice_is_billed_again(self):
        run, _result = self._bill("2026-11-25")
        run.invoice_ids.button_draft()
        run.invoice_ids.button_cancel()
        self.assertFalse(self.letter.billed_period_ids)
        self.assertFalse(self.letter.line_ids.filtered("billed_until"))
        run, _result = self._bill("2026-11-25")
        self.assertEqual(run.invoice_ids.amount_untaxed, 150)

    def test_settings_receivable_account_and_draft_invoices(self):
        receivable = self.env["account.account"].create(
            {"name": "Clients services en ligne", "code": "411900",
             "account_type": "asset_receivable", "reconcile": True}
        )  # fmt: skip
        self.company.write(
            {"online_services_receivable_account_id": receivable.id,
             "online_services_auto_post": False}
        )  # fmt: skip
        run, _result = self._bill("2026-11-25")
        invoice = run.invoice_ids
        self.assertEqual(invoice.state, "draft")
        term_lines = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(term_lines.account_id, receivable)
        invoice.action_post()
        self.assertEqual(invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term").account_id, receivable)  # fmt: skip

    def test_the_scheduled_run_commits_and_bills_every_company(self):
        self.env.ref("cabinet_online_services.ir_cron_billing_run").sudo().write(
            {"nextcall": "2026-11-25 03:00:00"}
        )
        with patch("odoo.fields.Date.context_today", return_value=date(2026, 11, 25)):
            self.env.flush_all()
            with self.enter_registry_test_mode():
                self.env.ref("cabinet_online_services.ir_cron_billing_run").method_direct_trigger()
        self.env.invalidate_all()
        run = self.Run.search([("trigger", "=", "cron"), ("company_id", "=", self.company.id)])
        self.assertEqual(run.state, "done")
        self.assertEqual(run.invoice_ids.partner_id, self.client)

    def test_the_button_queues_the_run_for_the_cron(self):
        run = self.Run.create({"run_date": "2026-11-25"})
        run.action_queue()
        self.assertEqual(run.state, "queued")
        with self.assertRaisesRegex(UserError, "Only a draft billing run"):
            run.action_queue()

    def test_invoices_are_queued_for_sending_after_the_run(self):
        self.company.online_services_auto_send = True
        run, _result = self._bill("2026-11-25")
        batch = self.env["cabinet.einvoice.batch"].search([("billing_run_id", "=", run.id)])
        self.assertEqual(batch.line_ids.move_id, run.invoice_ids)
        self.assertEqual(batch.line_ids.state, "to_send", "nothing rendered in the run")
        self.assertFalse(run.invoice_ids.is_move_sent)
        trigger = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("cabinet_online_services.ir_cron_send_einvoices").id)]
        )
        self.assertTrue(trigger)
        with self.assertRaisesRegex(UserError, "already sent"):
            run.action_send_invoices()


@tagged("post_install", "-at_install")
class TestBillingRunAccess(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()
        cls.accountant = cls.manager
        cls.accountant.sudo().group_ids = [(4, cls.env.ref("account.group_account_invoice").id)]
        cls.billing_run = (
            cls.env["cabinet.billing.run"]
            .with_user(cls.accountant)
            .create({"run_date": "2026-11-25"})
        )

    def test_a_manager_with_invoicing_rights_bills(self):
        result = (
            self.env["cabinet.billing.run"].with_user(self.accountant).run_billing("2026-11-25")
        )
        self.assertEqual(len(result["invoice_ids"]), 1)

    def test_a_manager_without_invoicing_rights_is_told_before_anything_is_written(self):
        manager = new_test_user(
            self.env,
            login="os_manager_only",
            lang="fr_FR",
            groups="cabinet_online_services.group_online_services_manager",
        )
        Run = self.env["cabinet.billing.run"]
        runs = Run.search_count([])
        with self.assertRaisesRegex(AccessError, "Facturation"):
            self.env["cabinet.billing.run"].with_user(manager).run_billing("2026-11-25")
        self.assertEqual(Run.search_count([]), runs, "no run, no failed client")

    def test_a_user_reads_runs_but_cannot_bill(self):
        runs = self.env["cabinet.billing.run"].with_user(self.user)
        self.assertEqual(runs.search([]), self.billing_run)
        with self.assertRaises(AccessError):
            runs.run_billing("2026-11-25")
        with self.assertRaises(AccessError):
            self.billing_run.with_user(self.user).action_queue()
        # The run's form opens for the online-services team without Invoicing rights.
        self.billing_run._process()
        arch = runs.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_invoices", arch, "the invoices open with Invoicing")
        form = runs.browse(self.billing_run.id).web_read(
            {"name": {}, "state": {}, "invoice_count": {}, "amount_untaxed": {},
             "billed_period_ids": {"fields": {"move_id": {"fields": {"display_name": {}}}}}}
        )[0]  # fmt: skip
        self.assertEqual((form["invoice_count"], form["amount_untaxed"]), (1, 150.0))
        self.assertTrue(form["billed_period_ids"][0]["move_id"]["display_name"])

    def test_portal_and_internal_users_see_no_run(self):
        for user in (self.portal_user, self.internal_user):
            with self.assertRaises(AccessError):
                self.env["cabinet.billing.run"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.env["cabinet.billed.period"].with_user(user).search([])

    def test_another_company_sees_nothing_and_bills_nothing_of_ours(self):
        runs = self.env["cabinet.billing.run"].with_user(self.other_company_user)
        self.assertFalse(runs.search([]))
        self.assertFalse(self.env["cabinet.billed.period"].with_user(self.other_company_user)
                         .search([]))  # fmt: skip
        self.other_company_user.sudo().group_ids = [
            (4, self.env.ref("account.group_account_invoice").id)
        ]
        result = runs.run_billing("2026-11-25")
        self.assertFalse(result["invoice_ids"])
        self.assertFalse(self.letter.billed_period_ids)
