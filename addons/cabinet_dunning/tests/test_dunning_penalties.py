from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_dunning_run import TODAY, DunningRunCase


@tagged("post_install", "-at_install")
class TestDunningPenalties(DunningRunCase):
    """French late-payment penalties: who owes them, on what, at which rate; the run's date."""

    def test_a_private_individual_owes_no_commercial_code_penalty(self):
        person = self.env["res.partner"].create({"name": "Jean Particulier"})
        self._invoice(300, 20, partner=person)
        reminder = self._run(partner=person)
        self.assertEqual(reminder.state, "proposed")
        self.assertEqual(reminder.interest_amount, 0)
        self.assertEqual(reminder.indemnity_amount, 0)

    def test_a_sole_trader_with_a_siren_is_a_professional(self):
        trader = self.env["res.partner"].create(
            {
                "name": "Marc Artisan",
                "company_registry": "552032534",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        self._invoice(300, 20, partner=trader)
        reminder = self._run(partner=trader)
        self.assertGreater(reminder.interest_amount, 0)
        self.assertEqual(reminder.indemnity_amount, 40)

    def test_interest_runs_on_the_residual_and_on_what_was_paid_late(self):
        invoice = self._invoice(1000, 30)
        self._pay(invoice, 400, day=TODAY - timedelta(days=15))
        self.assertAlmostEqual(invoice.amount_residual, 600)
        reminder = self._run()
        # 600 x (2.15 + 10) % x 30/365 + 400 x 12.15 % x 15/365 = 5.99 + 2.00, rounded once
        self.assertAlmostEqual(reminder.interest_amount, 7.99)
        self.assertAlmostEqual(reminder.amount_due, invoice.amount_residual)
        self.assertEqual(reminder.indemnity_amount, 40)

    def test_a_missing_ecb_rate_is_reported_with_a_to_do_for_the_administrator(self):
        self.env["cabinet.ecb.rate"].search([("semester_start", ">=", date(2026, 7, 1))]).unlink()
        self._invoice(1000, 12)
        day = date(2026, 7, 15)
        self.env.company.partner_id.lang = "fr_FR"
        reminder = self._run(day)
        self.assertEqual(reminder.state, "proposed", "the reminder still goes")
        self.assertEqual(reminder.interest_amount, 0, "no rate reused silently")
        run = reminder.run_id
        self.assertIn("Le taux BCE du semestre commençant le 01/07/2026 manque", run.warning)
        [todo] = run.activity_ids
        self.assertTrue(todo.user_id.has_group("cabinet_dunning.group_dunning_manager"))
        again = self._run(day + timedelta(days=1))
        self.assertTrue(again.run_id.warning)
        self.assertFalse(again.run_id.activity_ids, "one to-do for the missing rate")
        # The administrator entering the rate computes the interest of the reminder still
        # proposed at once.
        administrator = new_test_user(
            self.env,
            login="ecb_admin",
            groups="base.group_user,cabinet_dunning.group_dunning_manager",
        )
        self.env["cabinet.ecb.rate"].with_user(administrator).create(
            {"semester_start": date(2026, 7, 1), "rate": 2.0}
        )
        self.assertGreater(reminder.interest_amount, 0)
        self.assertFalse(run.warning)
        self.assertFalse(run.activity_ids, "the to-do is done")

    def test_a_back_dated_run_uses_its_own_date_everywhere(self):
        invoice = self._invoice(300, 12)
        past = TODAY - timedelta(days=6)  # 6 days late then: the first level
        with freeze_time(TODAY):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(past)
            )
        reminder = run.line_ids.filtered(lambda line: line.partner_id == self.client)
        reminder.action_send()
        self._send_queued_reminders()
        self.assertEqual(self._receivable(invoice).dunning_date, past)
        self.assertEqual(
            self._run(past + timedelta(days=5)).level_id,
            self._level("letter"),
            "the interval counts from the run's date, not from the wall clock",
        )


@tagged("post_install", "-at_install")
class TestDunningPerCompany(DunningRunCase):
    """Exclusion, blocking, responsible and levels belong to each company."""

    def test_a_litigation_in_one_company_never_stops_another(self):
        other = self.setup_other_company(name="Cabinet Lyon")["company"]
        self.env.user.company_ids |= other
        self.policy.catch_up = True
        self._invoice(800, 70)
        self._run(send=True)
        self.assertTrue(self.client.dunning_blocked)
        self.assertTrue(self.client.dunning_litigation_id)
        lyon = self.client.with_company(other)
        self.assertFalse(lyon.dunning_blocked)
        self.assertFalse(lyon.dunning_litigation_id)
        due = TODAY - timedelta(days=12)
        invoice = (
            self.env["account.move"]
            .with_company(other)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.client.id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_line_ids": [(0, 0, {"name": "Honoraires", "price_unit": 250})],
                }
            )
        )
        invoice.action_post()
        with freeze_time(TODAY):
            run = (
                self.env["cabinet.dunning.run"]
                .with_company(other)
                .browse(self.env["cabinet.dunning.run"].with_company(other).run_dunning(TODAY))
            )
        reminder = run.line_ids.filtered(lambda line: line.partner_id == self.client)
        self.assertEqual(reminder.state, "proposed")
        self.assertEqual(reminder.move_line_ids.move_id, invoice)
        self.assertEqual(self._run(TODAY + timedelta(days=1)).skip_reason, "client_blocked")

    def test_the_responsible_and_exclusion_are_the_company_s(self):
        other = self.setup_other_company(name="Cabinet Lyon")["company"]
        self.client.dunning_excluded = True
        self.client.dunning_responsible_id = self.accountant
        lyon = self.client.with_company(other)
        self.assertFalse(lyon.dunning_excluded)
        self.assertFalse(lyon.dunning_responsible_id)


@tagged("post_install", "-at_install")
class TestDunningInFrench(DunningRunCase):
    """What the cron and the sending queue write is in the company's language."""

    def test_the_cron_writes_in_french(self):
        self.env.company.partner_id.lang = "fr_FR"
        self.env.ref("base.user_root").lang = "en_US"
        self.policy.catch_up = True
        self.client.dunning_responsible_id = self.accountant
        self._invoice(480, 70)
        letter_client = self.env["res.partner"].create(
            {"name": "Client courrier", "is_company": True, "dunning_channel": "letter"}
        )
        self._invoice(350, 11, partner=letter_client)
        self.policy.mode = "automatic"
        self.env.flush_all()
        with freeze_time(TODAY), self.enter_registry_test_mode():
            self.env.ref("cabinet_dunning.ir_cron_dunning_run").method_direct_trigger()
        self.env.invalidate_all()
        self._send_queued_reminders()
        reminders = self.env["cabinet.dunning.line"].search(
            [("partner_id", "in", (self.client | letter_client).ids)]
        )
        self.assertNotIn(self.env.ref("base.user_root"), reminders.user_id, "never OdooBot")
        self.assertIn("Relance du", reminders.run_id.name, "the run named in French")
        litigation = self.client.dunning_litigation_id
        self.assertEqual(litigation.activity_ids.summary, "Transmettre le dossier au contentieux")
        self.assertEqual(litigation.user_id, self.accountant, "the responsible handles it")
        [log] = letter_client.message_ids.filtered(lambda message: "courrier" in message.body)
        self.assertIn("courrier à imprimer et poster pour", log.body)
        self.assertIn("350,00", log.body)
        self.assertEqual(log.author_id, self.env.company.partner_id, "signed by the firm")


@tagged("post_install", "-at_install")
class TestPenaltyInvoice(DunningRunCase):
    def test_penalties_are_invoiced_once_outside_vat_in_the_client_s_language(self):
        self.client.lang = "fr_FR"
        self._invoice(1000, 40)
        reminder = self._run(send=True)
        self.assertEqual(reminder.state, "done")
        [move_id] = reminder.with_user(self.accountant).action_invoice_penalties()
        penalty = self.env["account.move"].browse(move_id)
        self.assertEqual(penalty.partner_id, self.client)
        self.assertAlmostEqual(penalty.amount_total, reminder.interest_amount + 40)
        self.assertFalse(penalty.invoice_line_ids.tax_ids)
        self.assertIn(
            "Pénalités de retard (Code de commerce, L441-10)", penalty.invoice_line_ids[0].name
        )
        self.assertEqual(reminder.penalty_move_id, penalty)
        with self.assertRaisesRegex(UserError, "not invoiced yet"):
            reminder.action_invoice_penalties()
