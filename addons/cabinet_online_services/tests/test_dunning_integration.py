from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import OnlineServicesCase

TODAY = date(2026, 6, 30)


@tagged("post_install", "-at_install")
class TestDunningIntegration(OnlineServicesCase, AccountTestInvoicingCommon):
    """Dunning and online services together: direct debits in progress are not reminded, and
    a level can suspend the client's online services."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.sudo().group_ids = [
            (4, cls.env.ref("cabinet_dunning.group_dunning_manager").id),
            (4, cls.env.ref("account_payment_order.group_account_payment").id),
        ]
        cls._setup_letters()
        cls._valid_mandate(cls.client)
        with freeze_time(TODAY - timedelta(days=200)):  # active well before the reminders
            cls._activate(cls.letter)
        cls.policy = cls.env.ref("cabinet_dunning.policy_standard")

    def _invoice(self, amount, days_late):
        due = TODAY - timedelta(days=days_late)
        return self._create_invoice(
            partner_id=self.client.id,
            invoice_date=due - timedelta(days=30),
            invoice_date_due=due,
            invoice_payment_term_id=False,
            invoice_line_ids=[(0, 0, {"name": "Abonnement", "price_unit": amount, "tax_ids": []})],
            post=True,
        )

    def _reminder(self, send=False):
        with freeze_time(TODAY):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(TODAY)
            )
            reminder = run.line_ids.filtered(lambda line: line.partner_id == self.client)
            if send:
                reminder.action_send()
                self._send_queued_reminders()
        return reminder

    def test_an_invoice_in_a_direct_debit_order_is_not_reminded(self):
        invoice = self._invoice(120, 20)
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        order = self.env["account.payment.order"].create(
            {
                "payment_mode_id": self.sdd_mode.id,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        self.env["account.payment.line"].create(
            {
                "order_id": order.id,
                "move_line_id": receivable.id,
                "partner_id": self.client.id,
                "amount_currency": 120,
                "currency_id": invoice.currency_id.id,
                "communication": invoice.name,
            }
        )
        self.assertEqual(self._reminder().skip_reason, "direct_debit")
        order.action_cancel()
        self.assertEqual(self._reminder().state, "proposed")

    def test_a_level_suspends_the_online_services(self):
        self.env.ref("cabinet_dunning.level_standard_firm_letter").suspend_online_services = True
        self.env.ref("cabinet_dunning.policy_standard").catch_up = True
        self._invoice(90, 35)
        reminder = self._reminder(send=True)
        self.assertEqual(reminder.level_id.name, "Firm letter")
        self.assertEqual(self.letter.state, "suspended")
        self.assertTrue(
            any(
                "Online services suspended" in body
                for body in self.letter.message_ids.mapped("body")
            )
        )

    def test_a_level_without_the_flag_leaves_the_services_running(self):
        self._invoice(90, 12)
        self._reminder(send=True)
        self.assertEqual(self.letter.state, "active")
