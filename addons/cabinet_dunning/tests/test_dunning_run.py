from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import CabinetTestMixin

TODAY = date(2026, 6, 30)


class DunningRunCase(CabinetTestMixin, AccountTestInvoicingCommon):
    """Posted invoices of a client with a payer card, and helpers to run the dunning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_cabinet_env()
        # The accounting test user of AccountTestInvoicingCommon also configures dunning.
        cls.env.user.sudo().group_ids = [
            (4, cls.env.ref("cabinet_dunning.group_dunning_manager").id)
        ]
        cls.policy = cls.env.ref("cabinet_dunning.policy_standard")
        # The collection team's user: the Dunning user group and nothing else.
        cls.accountant = new_test_user(
            cls.env,
            login="accountant",
            lang="en_US",
            groups="cabinet_dunning.group_dunning_user",
            company_id=cls.env.company.id,
            company_ids=cls.env.company.ids,
        )
        cls.client = cls.env["res.partner"].create(
            {
                "name": "Garage Bonnet",
                "is_company": True,
                "client_segment": "tpe",
                "payer_name": "Claire Dupont",
                "payer_email": "claire@garage-bonnet.example",
                "payer_phone": "+33 1 02 03 04 05",
                "user_id": cls.accountant.id,
            }
        )

    def _invoice(self, amount, days_late, partner=None, move_type="out_invoice"):
        due = TODAY - timedelta(days=days_late)
        invoice = self._create_invoice(
            move_type=move_type,
            partner_id=(partner or self.client).id,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            invoice_line_ids=[(0, 0, {"name": "Honoraires", "price_unit": amount, "tax_ids": []})],
            post=True,
        )
        return invoice

    def _due_invoice(self, amount, days_late, partner=None, invoice_date=None,
                     move_type="out_invoice"):  # fmt: skip
        """A posted invoice of ``amount``, due ``days_late`` days before the database's today
        (what views and figures counting from today see), issued 30 days before its due date
        unless ``invoice_date`` says when (never after today)."""
        today = date.today()
        due = today - timedelta(days=days_late)
        return self._create_invoice(
            move_type=move_type,
            partner_id=(partner or self.client).id,
            invoice_date=invoice_date or min(due - timedelta(days=30), today),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            invoice_line_ids=[(0, 0, {"name": "Honoraires", "price_unit": amount,
                                      "tax_ids": []})],
            post=True,
        )  # fmt: skip

    def _run(self, day=TODAY, send=False, partner=None):
        with freeze_time(day):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(day)
            )
            reminders = run.line_ids.filtered(
                lambda line: line.partner_id == (partner or self.client)
            )
            if send:
                reminders.action_send()
                self._send_queued_reminders()
        return reminders

    def _pay(self, invoice, amount, day=TODAY):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    @staticmethod
    def _receivable(invoice):
        return invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")

    def _level(self, name):
        return self.env.ref(f"cabinet_dunning.level_standard_{name}")


@tagged("post_install", "-at_install")
class TestDunningRun(DunningRunCase):
    """The daily run end to end, on real posted invoices."""

    def test_first_run_proposes_the_first_level_listing_the_invoices_that_reached_it(self):
        late = self._invoice(300, 70)
        recent = self._invoice(200, 6)
        young = self._invoice(150, 3)  # overdue, not late enough for the first level
        self._invoice(500, -5)  # not yet due
        reminder = self._run()
        self.assertEqual(reminder.state, "proposed")
        self.assertEqual(reminder.level_id, self._level("first_call"), "a level is never skipped")
        self.assertEqual(reminder.move_line_ids.move_id, late | recent)
        self.assertEqual(reminder.not_yet_due_move_line_ids.move_id, young)
        self.assertAlmostEqual(reminder.amount_due, 500)
        self.assertEqual(reminder.indemnity_amount, 80, "40 EUR per reminded invoice only")
        self.assertFalse(self._receivable(late).dunning_level_id, "nothing recorded before sending")
        reminder.with_user(self.accountant).action_send()
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.validated_by_id, self.accountant)
        self._send_queued_reminders()
        self.assertEqual(reminder.state, "done")
        self.assertEqual(
            self._receivable(late | recent).dunning_level_id, self._level("first_call")
        )
        self.assertFalse(self._receivable(young).dunning_level_id)
        self.assertEqual(self.client.dunning_line_ids, reminder)

    def test_levels_climb_one_at_a_time_after_the_minimum_interval(self):
        self._invoice(300, 12)
        self.assertEqual(self._run(send=True).level_id, self._level("first_call"))
        self.assertEqual(self._run().skip_reason, "too_soon", "same day: nothing new")
        self.assertEqual(self._run(TODAY + timedelta(days=4)).skip_reason, "too_soon")
        second = self._run(TODAY + timedelta(days=5), send=True)
        self.assertEqual(second.level_id, self._level("letter"))
        third = self._run(TODAY + timedelta(days=10))
        self.assertEqual(third.level_id, self._level("email"))
        receivable = self._receivable(self.client.invoice_ids)
        self.assertEqual(receivable.dunning_date, TODAY + timedelta(days=5), "the run's date")

    def test_an_invoice_records_its_own_level_and_the_level_falls_back_once_paid(self):
        self.policy.catch_up = True
        old = self._invoice(1000, 35)
        recent = self._invoice(200, 6)
        reminder = self._run(send=True)
        self.assertEqual(reminder.level_id, self._level("firm_letter"), "catch up: days late")
        self.assertEqual(self._receivable(old).dunning_level_id, self._level("firm_letter"))
        self.assertEqual(
            self._receivable(recent).dunning_level_id,
            self._level("first_call"),
            "a recent invoice is not stamped with its neighbour's level",
        )
        self._pay(old, 1000)
        self.policy.catch_up = False
        after = self._run(TODAY + timedelta(days=5))
        self.assertEqual(after.level_id, self._level("letter"), "from what remains")
        self.assertEqual(after.move_line_ids.move_id, recent)

    def test_a_second_run_the_same_day_proposes_nothing_again(self):
        self._invoice(300, 20)
        first = self._run()
        second = self._run()
        self.assertEqual(first.state, "proposed")
        self.assertEqual(second.state, "skipped")
        self.assertEqual(second.skip_reason, "pending")
        first.action_send()
        self.assertEqual(self._run().skip_reason, "pending", "queued: still waiting")
        live = self.env["cabinet.dunning.line"].search(
            [("partner_id", "=", self.client.id), ("state", "in", ("proposed", "queued", "done"))]
        )
        self.assertEqual(live, first)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["cabinet.dunning.line"].sudo().create(
                {
                    "run_id": first.run_id.id,
                    "partner_id": self.client.id,
                    "company_id": self.env.company.id,
                    "state": "proposed",
                }
            )

    def test_a_stale_proposal_is_cancelled_with_its_reason_when_sent(self):
        invoice = self._invoice(300, 20)
        reminder = self._run()
        self._pay(invoice, 300)
        reminder.action_send()
        self._send_queued_reminders()
        self.assertEqual(reminder.state, "cancelled")
        self.assertEqual(reminder.skip_reason, "paid_since")
        self.assertFalse(self._receivable(invoice).dunning_level_id)

    def test_the_client_channel_replaces_the_level_channel_where_the_level_allows_it(self):
        self.policy.catch_up = True
        self.client.dunning_channel = "email"
        self._invoice(300, 11)
        by_email = self._run()
        self.assertEqual(by_email.channel, "email", "a letter level goes by email")
        by_email.action_cancel()
        other = self.env["res.partner"].create(
            {"name": "Autre", "is_company": True, "dunning_channel": "letter"}
        )
        self._invoice(100, 6, partner=other)
        self.assertEqual(self._run(partner=other).channel, "phone", "a call stays a call")
        notice = self.env["res.partner"].create(
            {"name": "Notice", "is_company": True, "dunning_channel": "sms"}
        )
        self._invoice(100, 50, partner=notice)
        self.assertEqual(
            self._run(TODAY + timedelta(days=1), partner=notice).channel,
            "letter",
            "a formal notice stays a letter",
        )

    def test_automatic_email_goes_to_the_payer(self):
        self.client.lang = "fr_FR"
        self.policy.mode = "automatic"
        self.policy.catch_up = True
        self._invoice(400, 16)
        reminder = self._run()
        self.assertEqual(reminder.state, "queued", "automatic: queued at once, no validation")
        self._send_queued_reminders()
        self.assertEqual(reminder.state, "done")
        self.assertEqual(reminder.channel, "email")
        mail = self.env["mail.mail"].search(
            [("model", "=", "cabinet.dunning.line"), ("res_id", "=", reminder.id)]
        )
        self.assertEqual(mail.recipient_ids, self.client.payer_id)
        self.assertEqual(mail.state, "outgoing", "queued, sent by Odoo's mail queue")
        self.assertIn("400", mail.body_html)
        self.assertIn("Sauf erreur de notre part", mail.body_html, "in the client's language")
        self.assertIn("400", self.client.message_ids[0].body, "logged in the client's chatter")

    def test_call_is_scheduled_for_whoever_acts_with_the_payer_number(self):
        self._invoice(250, 6)
        reminder = self._run()
        self.assertEqual(reminder.channel, "phone")
        reminder.action_send()
        self._send_queued_reminders()
        activity = self.client.activity_ids
        self.assertEqual(activity.user_id, self.accountant)
        self.assertIn("+33 1 02 03 04 05", activity.note)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))

    def test_paid_and_partly_paid_invoices(self):
        paid = self._invoice(300, 20)
        partly = self._invoice(1000, 20)
        self._pay(paid, 300)
        self._pay(partly, 350)
        reminder = self._run()
        self.assertEqual(reminder.move_line_ids.move_id, partly)
        self.assertAlmostEqual(reminder.amount_due, 650)
        self.assertAlmostEqual(reminder.amount_due, partly.amount_residual)

    def test_open_credit_notes_net_the_amount_due(self):
        self._invoice(300, 20)
        self._invoice(100, 0, move_type="out_refund")
        netted = self._run()
        self.assertAlmostEqual(netted.amount_due, 200)
        netted.action_cancel()
        self._invoice(250, 0, move_type="out_refund")
        covered = self._run(TODAY + timedelta(days=1))
        self.assertEqual(covered.state, "skipped")
        self.assertEqual(covered.skip_reason, "covered_by_credits")

    def test_no_follow_up_dispute_and_excluded_client_are_not_reminded(self):
        invoice = self._invoice(300, 20)
        self._receivable(invoice).write({"no_followup": True})
        self.assertEqual(self._run().skip_reason, "no_followup")
        self._receivable(invoice).write({"no_followup": False})
        dispute = self.env["cabinet.dunning.dispute"].create(
            {"move_id": invoice.id, "reason": "Prestation contestée", "amount": 300}
        )
        self.assertEqual(self._run().skip_reason, "dispute")
        dispute.action_resolve()
        self.client.dunning_excluded = True
        self.assertEqual(self._run().skip_reason, "client_excluded")
        self.client.dunning_excluded = False
        self.assertEqual(self._run().state, "proposed")

    def test_a_dispute_reason_opens_a_dispute_and_excludes_the_invoice(self):
        invoice = self._invoice(300, 20)
        invoice.with_user(self.accountant).non_payment_reason = "dispute"
        dispute = invoice.dunning_dispute_ids
        self.assertEqual(dispute.state, "open")
        self.assertAlmostEqual(dispute.amount, invoice.amount_residual)
        self.assertEqual(self._run().skip_reason, "dispute")
        invoice.non_payment_reason = "dispute"
        self.assertEqual(len(invoice.dunning_dispute_ids), 1, "the open dispute is kept")

    def test_promise_kept_then_broken(self):
        self.env.company.partner_id.lang = "fr_FR"
        invoice = self._invoice(300, 20)
        with freeze_time(TODAY):
            promise = self.env["cabinet.dunning.promise"].create(
                {
                    "partner_id": self.client.id,
                    "move_ids": [(6, 0, invoice.ids)],
                    "promise_date": TODAY + timedelta(days=5),
                    "amount": 300,
                }
            )
        self.assertEqual(self._run().skip_reason, "promise")
        after = self._run(TODAY + timedelta(days=6))
        self.assertEqual(promise.state, "broken")
        self.assertEqual(after.state, "proposed")
        [note] = [body for body in self.client.message_ids.mapped("body") if "Promesse" in body]
        self.assertRegex(
            note,
            r"Promesse de paiement non tenue : \S*300,00\S* promis pour le 05/07/2026",
            "in the company's language, with the amount and date formatted",
        )
        paid = self._invoice(100, 20)
        with freeze_time(TODAY):
            kept = self.env["cabinet.dunning.promise"].create(
                {
                    "partner_id": self.client.id,
                    "move_ids": [(6, 0, paid.ids)],
                    "promise_date": TODAY + timedelta(days=1),
                    "amount": 100,
                }
            )
        self._pay(paid, 100)
        self._run(TODAY + timedelta(days=3))
        self.assertEqual(kept.state, "kept")

    def test_litigation_level_blocks_the_client(self):
        self.policy.catch_up = True
        self._invoice(800, 70)
        reminder = self._run()
        self.assertTrue(reminder.level_id.is_litigation)
        reminder.action_send()
        self._send_queued_reminders()
        self.assertTrue(self.client.dunning_blocked)
        self.assertEqual(self.client.dunning_litigation_id.state, "to_hand_over")
        self.assertEqual(self._run(TODAY + timedelta(days=10)).skip_reason, "client_blocked")

    def test_invoice_not_received_sends_a_duplicate(self):
        invoice = self._invoice(300, 20)
        invoice.non_payment_reason = "not_received"
        sent = invoice.message_ids.filtered(lambda message: message.message_type == "comment")
        self.assertTrue(sent)
        self.assertTrue(sent[0].attachment_ids, "the invoice PDF goes with it")
        self.assertEqual(sent[0].partner_ids, self.client.payer_id)

    def test_only_proposed_reminders_can_be_sent(self):
        self._invoice(300, 20)
        reminder = self._run()
        reminder.action_send()
        with self.assertRaisesRegex(UserError, "Only reminders waiting for validation"):
            reminder.action_send()
        with self.assertRaisesRegex(UserError, "Seules les relances en attente de validation"):
            reminder.with_context(lang="fr_FR").action_send()

    def test_levels_sharing_a_sequence_number_stay_distinct(self):
        policy = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Créée à la main",
                "catch_up": True,
                "level_ids": [
                    (0, 0, {"name": "Premier", "days_after_due": 5, "channel": "phone"}),
                    (0, 0, {"name": "Second", "days_after_due": 20, "channel": "letter"}),
                ],
            }
        )
        self.assertEqual(set(policy.level_ids.mapped("sequence")), {10})
        self.client.dunning_policy_id = policy
        self._invoice(300, 25)
        reminder = self._run(send=True)
        self.assertEqual(reminder.level_id.name, "Second")
        self.assertEqual(self._run(TODAY + timedelta(days=10)).skip_reason, "already_at_level")

    def test_a_reminder_that_fails_to_send_does_not_block_the_others(self):
        broken = self.env["mail.template"].create(
            {
                "name": "Cassé",
                "model_id": self.env["ir.model"]._get_id("cabinet.dunning.line"),
                "subject": "{{ object.no_such_field }}",
                "body_html": "<p>x</p>",
            }
        )
        broken_policy = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Cassée",
                "mode": "automatic",
                "level_ids": [
                    (0, 0, {"name": "Courriel", "days_after_due": 5, "channel": "email",
                            "mail_template_id": broken.id}),
                ],
            }
        )  # fmt: skip
        other = self.env["res.partner"].create(
            {"name": "Autre client", "is_company": True, "dunning_channel": "letter"}
        )
        self._invoice(300, 16)
        self._invoice(300, 16, partner=other)
        self.client.dunning_policy_id = broken_policy
        other.dunning_policy_id = broken_policy
        with freeze_time(TODAY):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(TODAY)
            )
            self._send_queued_reminders()
        failed = run.line_ids.filtered(lambda line: line.partner_id == self.client)
        sent = run.line_ids.filtered(lambda line: line.partner_id == other)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no_such_field", failed.send_error)
        self.assertEqual(sent.state, "done")

    def test_a_run_for_chosen_clients_only(self):
        other = self.env["res.partner"].create({"name": "Autre client", "is_company": True})
        self._invoice(300, 20)
        self._invoice(300, 20, partner=other)
        with freeze_time(TODAY):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(TODAY, partner_ids=other.ids)
            )
        self.assertEqual(run.line_ids.partner_id, other)

    def test_queries_do_not_grow_with_the_number_of_clients_or_invoices(self):
        self.policy.mode = "automatic"
        self.policy.level_ids.channel = "email"
        clients = self.env["res.partner"].create(
            [{"name": f"Client {index}", "is_company": True, "payer_name": f"Payeur {index}"}
             for index in range(12)]
        )  # fmt: skip
        for index, client in enumerate(clients):
            for __ in range(1 if index < 3 else 3):
                self._invoice(100, 16, partner=client)
        counts = []
        for subset in (clients[:3], clients[3:12]):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with freeze_time(TODAY):
                run = self.env["cabinet.dunning.run"].browse(
                    self.env["cabinet.dunning.run"].run_dunning(TODAY, partner_ids=subset.ids)
                )
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(run.queued_count, len(subset))
        self.assertLessEqual(counts[1], counts[0] + 5, f"3 then 9 clients, 3x invoices: {counts}")

    def test_access(self):
        self._invoice(300, 20)
        run_id = self.env["cabinet.dunning.run"].with_user(self.accountant).run_dunning(TODAY)
        self.assertTrue(run_id)
        plain = new_test_user(self.env, login="plain_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["cabinet.dunning.run"].with_user(plain).run_dunning(TODAY)
        other = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="outsider",
            groups="cabinet_dunning.group_dunning_user",
            company_id=other.id,
            company_ids=other.ids,
        )
        self.assertFalse(self.env["cabinet.dunning.line"].with_user(outsider).search([]))

    def test_the_run_screen_says_a_run_exists_for_the_date(self):
        self._invoice(300, 20)
        with freeze_time(TODAY):
            wizard = (
                self.env["cabinet.dunning.run.wizard"]
                .with_user(self.accountant)
                .create({"run_date": TODAY})
            )
            self.assertEqual(wizard.same_date_run_count, 0)
            first = wizard.action_run()
            again = (
                self.env["cabinet.dunning.run.wizard"]
                .with_user(self.accountant)
                .create({"run_date": TODAY})
            )
            self.assertEqual(again.same_date_run_ids.ids, [first["res_id"]])
            second = self.env["cabinet.dunning.run"].browse(again.action_run()["res_id"])
            ahead = (
                self.env["cabinet.dunning.run.wizard"]
                .with_user(self.accountant)
                .with_context(lang="fr_FR")
                .create({"run_date": TODAY + timedelta(days=10)})
            )
            with self.assertRaisesRegex(UserError, "datée d'aujourd'hui ou avant.*10/07/2026"):
                ahead.action_run()
        self.assertEqual(second.proposed_count, 0, "nothing proposed twice")
        arch = self.env["cabinet.dunning.run.wizard"].get_views([(False, "form")])["views"]
        self.assertIn("confirm=", arch["form"]["arch"])
