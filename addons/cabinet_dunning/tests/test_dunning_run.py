from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

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
        cls.accountant = new_test_user(
            cls.env,
            login="accountant",
            lang="en_US",
            groups="base.group_user,base.group_partner_manager,account.group_account_invoice,"
            "cabinet_dunning.group_dunning_user",
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

    def _run(self, day=TODAY, send=False):
        with freeze_time(day):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(day)
            )
            reminders = run.line_ids.filtered(lambda line: line.partner_id == self.client)
            if send:
                reminders.action_send()
                self._send_queued_reminders()
        return reminders

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": TODAY})._create_payments()


@tagged("post_install", "-at_install")
class TestDunningRun(DunningRunCase):
    """The daily run end to end, on real posted invoices."""

    def test_manual_mode_proposes_one_reminder_listing_all_overdue_invoices(self):
        late = self._invoice(300, 12)
        later = self._invoice(200, 11)
        self._invoice(500, -5)  # not yet due
        reminder = self._run()
        self.assertEqual(reminder.state, "proposed")
        self.assertEqual(reminder.level_id, self.env.ref("cabinet_dunning.level_standard_letter"))
        self.assertEqual(reminder.move_line_ids.move_id, late | later)
        self.assertAlmostEqual(reminder.amount_due, 500)
        self.assertGreater(reminder.interest_amount, 0)
        self.assertEqual(reminder.indemnity_amount, 80, "40 EUR per late invoice")
        self.assertFalse(late.line_ids.dunning_level_id, "nothing is recorded before sending")
        reminder.with_user(self.accountant).action_send()
        self.assertEqual(reminder.state, "queued")
        self.assertEqual(reminder.validated_by_id, self.accountant)
        self.assertFalse(late.line_ids.dunning_level_id, "nothing is sent in the user's request")
        self._send_queued_reminders()
        self.assertEqual(reminder.state, "done")
        receivable = (late | later).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.dunning_level_id, reminder.level_id)
        self.assertEqual(receivable.mapped("dunning_date"), [date.today()] * 2)
        self.assertIn("letter to print", self.client.message_ids[0].body)
        self.assertEqual(self.client.dunning_line_ids, reminder)

    def test_a_level_is_never_sent_twice_and_never_goes_backwards(self):
        self._invoice(300, 12)
        self._run(send=True)
        again = self._run()
        self.assertEqual(again.state, "skipped")
        self.assertEqual(again.skip_reason, "already_at_level")
        too_soon = self._run(TODAY + timedelta(days=3))
        self.assertEqual(too_soon.skip_reason, "too_soon", "5 days at least between reminders")
        later = self._run(TODAY + timedelta(days=5))
        self.assertEqual(later.level_id, self.env.ref("cabinet_dunning.level_standard_email"))
        self.assertEqual(later.state, "proposed")

    def test_automatic_email_goes_to_the_payer(self):
        self.client.lang = "fr_FR"
        self.policy.mode = "automatic"
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
        self.assertIn("E-mail de relance", mail.subject, "in the client's language")
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

    def test_open_credit_notes_net_the_amount_due(self):
        self._invoice(300, 20)
        self._invoice(100, 0, move_type="out_refund")
        self.assertAlmostEqual(self._run().amount_due, 200)
        self._invoice(250, 0, move_type="out_refund")
        covered = self._run(TODAY + timedelta(days=1))
        self.assertEqual(covered.state, "skipped")
        self.assertEqual(covered.skip_reason, "covered_by_credits")

    def test_no_follow_up_dispute_and_excluded_client_are_not_reminded(self):
        invoice = self._invoice(300, 20)
        invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable").write(
            {"no_followup": True}
        )
        self.assertEqual(self._run().skip_reason, "no_followup")
        invoice.line_ids.write({"no_followup": False})
        dispute = self.env["cabinet.dunning.dispute"].create(
            {"move_id": invoice.id, "reason": "Prestation contestée", "amount": 300}
        )
        self.assertEqual(self._run().skip_reason, "dispute")
        dispute.action_resolve()
        self.client.dunning_excluded = True
        self.assertEqual(self._run().skip_reason, "client_excluded")
        self.client.dunning_excluded = False
        self.assertEqual(self._run().state, "proposed")

    def test_promise_kept_then_broken(self):
        invoice = self._invoice(300, 20)
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
        self.assertTrue(
            any("Broken promise" in body for body in self.client.message_ids.mapped("body"))
        )
        paid = self._invoice(100, 20)
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
        self._invoice(800, 70)
        reminder = self._run()
        self.assertTrue(reminder.level_id.is_litigation)
        reminder.action_send()
        self._send_queued_reminders()
        self.assertTrue(self.client.dunning_blocked)
        self.assertEqual(self._run(TODAY + timedelta(days=10)).skip_reason, "client_blocked")

    def test_consumers_owe_no_recovery_indemnity(self):
        person = self.env["res.partner"].create({"name": "Jean Particulier"})
        self._invoice(300, 20, partner=person)
        with freeze_time(TODAY):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(TODAY)
            )
        reminder = run.line_ids.filtered(lambda line: line.partner_id == person)
        self.assertEqual(reminder.indemnity_amount, 0)
        self.assertGreater(reminder.interest_amount, 0)

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

    def test_penalties_are_invoiced_once_outside_vat(self):
        self._invoice(1000, 40)
        reminder = self._run(send=True)
        self.assertEqual(reminder.state, "done")
        [move_id] = reminder.action_invoice_penalties()
        penalty = self.env["account.move"].browse(move_id)
        self.assertEqual(penalty.partner_id, self.client)
        self.assertAlmostEqual(penalty.amount_total, reminder.interest_amount + 40)
        self.assertFalse(penalty.invoice_line_ids.tax_ids)
        self.assertEqual(reminder.penalty_move_id, penalty)
        with self.assertRaisesRegex(UserError, "not invoiced yet"):
            reminder.action_invoice_penalties()

    def test_levels_sharing_a_sequence_number_stay_distinct(self):
        policy = self.env["cabinet.dunning.policy"].create(
            {
                "name": "Créée à la main",
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
        self.policy.mode = "automatic"
        broken = self.env["mail.template"].create(
            {
                "name": "Cassé",
                "model_id": self.env["ir.model"]._get_id("cabinet.dunning.line"),
                "subject": "{{ object.no_such_field }}",
                "body_html": "<p>x</p>",
            }
        )
        email_level = self.env.ref("cabinet_dunning.level_standard_email")
        other = self.env["res.partner"].create(
            {"name": "Autre client", "is_company": True, "dunning_policy_id": self.policy.id}
        )
        self._invoice(300, 16)
        self._invoice(300, 16, partner=other)
        broken_policy = self.policy.copy({"name": "Cassée", "mode": "automatic"})
        broken_policy.level_ids.filtered(
            lambda level: level.days_after_due == email_level.days_after_due
        ).mail_template_id = broken
        self.client.dunning_policy_id = broken_policy
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

    def test_queries_do_not_grow_with_the_number_of_clients(self):
        self.policy.mode = "automatic"
        self.policy.level_ids.channel = "email"
        clients = self.env["res.partner"].create(
            [{"name": f"Client {index}", "is_company": True, "payer_name": f"Payeur {index}"}
             for index in range(12)]
        )  # fmt: skip
        for client in clients:
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
        self.assertLessEqual(counts[1], counts[0] + 5, f"3 then 9 clients: {counts}")

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
            groups="base.group_user,cabinet_dunning.group_dunning_user",
            company_id=other.id,
            company_ids=other.ids,
        )
        self.assertFalse(self.env["cabinet.dunning.line"].with_user(outsider).search([]))
