import base64
from datetime import date, timedelta
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..models.cabinet_engagement_letter import by_action
from .common import OnlineServicesCase

PAIN_008_XSD = "account_banking_sepa_direct_debit/data/pain.008.001.02.xsd"


@tagged("post_install", "-at_install")
class TestDirectDebit(OnlineServicesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billable_letter()
        bank = cls.env["res.bank"].create({"name": "Société Générale", "bic": "SOGEFRPPXXX"})
        cls.bank_journal = cls.env["account.journal"].create(
            {
                "name": "Banque prélèvements",
                "code": "BPRL",
                "type": "bank",
                "bank_account_id": cls.env["res.partner.bank"]
                .create(
                    {
                        "acc_number": "FR76 3000 1007 9412 3456 7890 185",
                        "bank_id": bank.id,
                        "partner_id": cls.company.partner_id.id,
                    }
                )
                .id,
            }
        )
        sdd = cls.env.ref("account_banking_sepa_direct_debit.sepa_direct_debit")
        if sdd not in cls.bank_journal.inbound_payment_method_line_ids.payment_method_id:
            cls.bank_journal.inbound_payment_method_line_ids = [
                Command.create({"payment_method_id": sdd.id})
            ]
        cls.sdd_mode.write({"bank_account_link": "fixed", "fixed_journal_id": cls.bank_journal.id})

    def _bill(self, day, letter=None):
        result = self.env["cabinet.billing.run"].run_billing(
            day, letter_ids=(letter or self.letter).ids
        )
        return self.env["account.move"].browse(result["invoice_ids"])

    def _send_to_bank(self, order):
        order.draft2open()
        order.open2generated()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.payment.order"), ("res_id", "=", order.id)]
        )
        xml = base64.b64decode(attachment.datas)
        order.generated2uploaded()
        return xml

    def _assert_valid_pain_008(self, xml):
        with open(file_path(PAIN_008_XSD), "rb") as xsd:
            schema = etree.XMLSchema(etree.parse(xsd))
        document = etree.fromstring(xml)
        self.assertTrue(schema.validate(document), schema.error_log)
        return document

    def test_invoices_are_gathered_into_an_order_that_gives_a_valid_pain_008(self):
        invoice = self._bill("2026-11-25")
        self.assertEqual(invoice.mandate_id.state, "valid")
        action = invoice.action_cabinet_prepare_direct_debits()
        order = self.env["account.payment.order"].browse(action["res_id"])
        self.assertEqual(order.payment_mode_id, self.sdd_mode)
        self.assertEqual(order.journal_id, self.bank_journal)
        self.assertEqual(order.payment_line_ids.move_line_id.move_id, invoice)
        self.assertEqual(order.payment_line_ids.amount_currency, invoice.amount_total)
        with self.assertRaisesRegex(UserError, "None of these invoices"):
            invoice.action_cabinet_prepare_direct_debits()
        document = self._assert_valid_pain_008(self._send_to_bank(order))
        namespace = {"p": document.nsmap[None]}
        self.assertEqual(
            document.findtext(".//p:DrctDbtTxInf/p:InstdAmt", namespaces=namespace),
            f"{invoice.amount_total:.2f}",
        )
        self.assertEqual(
            document.findtext(".//p:CdtrSchmeId//p:Othr/p:Id", namespaces=namespace),
            "FR78ZZZ424242",
        )
        self.assertEqual(invoice.payment_state, "in_payment")

    def test_a_rejected_debit_reopens_the_invoice_for_dunning(self):
        invoice = self._bill("2026-11-25")
        due = invoice.invoice_date_due
        order = self.env["account.payment.order"].browse(
            invoice.action_cabinet_prepare_direct_debits()["res_id"]
        )
        self._send_to_bank(order)
        payment = order.payment_ids
        wizard = (
            self.env["cabinet.direct.debit.reject"]
            .with_context(active_model="account.payment", active_ids=payment.ids)
            .create({"reason": "AM04", "date": "2026-12-20"})
        )
        wizard.action_reject()
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(invoice.amount_residual, invoice.amount_total)
        self.assertEqual(invoice.invoice_date_due, due, "the due date is unchanged")
        self.assertEqual(payment.state, "rejected")
        self.assertIn("AM04", invoice.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "Only posted SEPA direct-debit collections"):
            wizard.action_reject()
        # The dunning run reminds it again (no order in progress holds it any more).
        self.client.dunning_policy_id = self.env.ref("cabinet_dunning.policy_standard")
        run_day = due + timedelta(days=16)
        with patch("odoo.fields.Date.context_today", return_value=run_day):
            run = self.env["cabinet.dunning.run"].browse(
                self.env["cabinet.dunning.run"].run_dunning(run_day, partner_ids=self.client.ids)
            )
        self.assertIn(invoice, run.line_ids.move_line_ids.move_id)
        # ...and the next debit can be prepared.
        self.assertTrue(invoice.action_cabinet_prepare_direct_debits())

    def test_an_annual_fee_is_collected_in_twelve_equal_debits_on_a_fixed_day(self):
        self.letter.write({"billing_frequency": "annual", "annual_in_monthly_debits": True})
        # Agreed at a price whose total does not divide by 12 (set up as the letter was signed).
        by_action(self.letter.line_ids[:1]).price_unit = 150.01
        invoice = self._bill("2026-11-25")
        instalments = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).sorted("date_maturity")
        self.assertEqual(len(instalments), 12)
        amounts = instalments.mapped("amount_currency")
        self.assertAlmostEqual(sum(amounts), invoice.amount_total)
        self.assertEqual(len(set(amounts[:11])), 1, "eleven equal debits")
        self.assertLess(abs(amounts[11] - amounts[0]), 0.12, "the rounding cents on the last")
        dates = instalments.mapped("date_maturity")
        self.assertEqual({due.day for due in dates}, {5}, "on the 5th of each month")
        lead = self.company.online_services_prenotification_days
        self.assertGreaterEqual((dates[0] - invoice.invoice_date).days, lead)
        self.assertEqual(len({(due.year, due.month) for due in dates}), 12)
        # The invoice tells the client each debit's date and amount (pre-notification).
        _first, terms = invoice._cabinet_payment_terms()
        self.assertIn("12", terms)
        # One click takes the next debit only, in the order of its month.
        order = self.env["account.payment.order"].browse(
            invoice.action_cabinet_prepare_direct_debits()["res_id"]
        )
        self.assertEqual(order.payment_line_ids.move_line_id, instalments[0])
        self.assertIn(f"{dates[0]:%Y-%m}", order.description)
        self._assert_valid_pain_008(self._send_to_bank(order))
        # The daily preparation puts each later debit in its own month's order.
        move = self.env["account.move"]
        for month, due in enumerate(dates[1:], start=2):
            orders = move._cabinet_prepare_direct_debits([("move_id", "=", invoice.id)], due)
            self.assertEqual(len(orders.payment_line_ids), 1, f"one debit in month {month}")
            self.assertIn(f"{due:%Y-%m}", orders.description)
            self._assert_valid_pain_008(self._send_to_bank(orders))
        self.assertFalse(move._cabinet_prepare_direct_debits([("move_id", "=", invoice.id)]))
        self.assertEqual(invoice.payment_state, "in_payment")
        self.assertAlmostEqual(invoice.amount_residual, 0.0)

    def test_the_cron_prepares_what_falls_due_within_the_lead_time(self):
        invoice = self._bill("2026-11-25")
        self.company.online_services_debit_lead_days = 5
        cron = self.env.ref("cabinet_online_services.ir_cron_prepare_direct_debits")
        self.assertEqual(cron.code, "model._cron_cabinet_prepare_direct_debits()")
        too_early = invoice.invoice_date_due - timedelta(days=6)
        with patch("odoo.fields.Date.context_today", return_value=too_early):
            self.env["account.move"]._cron_cabinet_prepare_direct_debits()
        self.assertFalse(invoice.line_ids.payment_line_ids)
        with patch("odoo.fields.Date.context_today", return_value=too_early + timedelta(days=1)):
            self.env["account.move"]._cron_cabinet_prepare_direct_debits()
        self.assertEqual(invoice.line_ids.payment_line_ids.order_id.state, "draft")

    def test_a_client_without_a_valid_mandate_is_not_debited(self):
        self.env["account.banking.mandate"].search([("partner_id", "=", self.client.id)]).cancel()
        invoice = self._bill("2026-11-25")
        with self.assertRaisesRegex(UserError, "valid mandate"):
            invoice.action_cabinet_prepare_direct_debits()
        self.assertFalse(self.env["account.payment.order"].search([]))

    def test_only_accountants_reject_debits(self):
        with self.assertRaises(AccessError):
            self.env["cabinet.direct.debit.reject"].with_user(self.user).create(
                {"reason": "AM04", "date": date(2026, 12, 1)}
            )
