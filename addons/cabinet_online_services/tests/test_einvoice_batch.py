from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.models.ir_mail_server import MailDeliveryException
from odoo.addons.base.tests.common import MockSmtplibCase

from .common import OnlineServicesCase, stored_facturx_xml


@tagged("post_install", "-at_install")
class TestEinvoiceBatch(OnlineServicesCase, MockSmtplibCase):
    """A billing run's invoices sent as each client agreed, by the sending cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()
        cls.client.einvoice_email = "factures@boulangerie-martin.example"
        # The firm writes in French: what the sending cron notes on its lines too.
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env.company.partner_id.lang = "fr_FR"

    def _bill_and_send(self):
        run = self.env["cabinet.billing.run"].browse(
            self.env["cabinet.billing.run"].run_billing("2026-11-25")["run_id"]
        )
        run.action_send_invoices()
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.env.ref("cabinet_online_services.ir_cron_send_einvoices").method_direct_trigger()
        self.env.invalidate_all()
        return self.env["cabinet.einvoice.batch"].search([("billing_run_id", "=", run.id)])

    def _mail(self, invoice):
        return self.env["mail.mail"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
        )

    def _send_mail_queue(self, mails):
        """What Odoo's outgoing mail cron does with these queued emails, to an SMTP session
        of Odoo's tests (``self.emails``) in place of a mail server."""
        with self.mock_smtplib_connection():
            mails.send(auto_commit=False)
        self.env.invalidate_all()

    def test_without_an_agreement_the_client_gets_a_pdf_by_email(self):
        self.client.invoice_edi_format = False
        batch = self._bill_and_send()
        line = batch.line_ids
        self.assertEqual((line.state, line.einvoice_format), ("queued", "pdf_email"))
        self.assertEqual(batch.state, "queued", "the email has not left the outgoing queue")
        self.assertEqual(line.destination, "factures@boulangerie-martin.example")
        mail = self._mail(line.move_id)
        self.assertEqual((line.mail_id, mail.state), (mail, "outgoing"))
        self.assertEqual(mail.recipient_ids.email, "factures@boulangerie-martin.example",
                         "to the invoicing address only")  # fmt: skip
        self.assertEqual(line.attachment_id, line.move_id.invoice_pdf_report_id)
        self.assertEqual(mail.attachment_ids.mapped("raw"), [line.attachment_id.raw],
                         "the PDF kept on the invoice, as Send & Print sends it")  # fmt: skip
        self.assertIn(line.move_id.name, mail.subject, "Odoo's invoice template")
        self._send_mail_queue(mail)
        [email] = self.emails
        self.assertEqual(email["smtp_to_list"], ["factures@boulangerie-martin.example"])
        self.assertFalse(mail.exists(), "sent, then deleted by Odoo (auto_delete)")
        self.assertEqual((line.state, batch.state), ("sent", "done"))
        self.assertFalse(
            stored_facturx_xml(line.move_id)
        )  # fmt: skip
        self.assertTrue(line.move_id.is_move_sent)

    def test_an_invoicing_address_that_is_not_one_fails_its_invoice(self):
        self.client.einvoice_email = "factures chez martin"
        batch = self._bill_and_send()
        self.assertEqual((batch.line_ids.state, batch.state), ("failed", "done"))
        self.assertIn("Aucune adresse e-mail valide", batch.line_ids.message, "in French")
        self.assertIn("factures chez martin", batch.line_ids.message)
        self.assertFalse(self._mail(batch.line_ids.move_id), "nothing queued")
        self.assertFalse(batch.line_ids.move_id.is_move_sent, "it can be sent again")

    def test_an_email_that_cannot_leave_fails_its_invoice(self):
        batch = self._bill_and_send()
        self.assertEqual((batch.line_ids.state, batch.state), ("queued", "queued"))
        # The mail server refuses it when the outgoing queue sends it.
        with patch.object(
            type(self.env["ir.mail_server"]), "send_email",
            side_effect=MailDeliveryException("Relais refusé par le serveur"),
        ):  # fmt: skip
            self._send_mail_queue(batch.line_ids.mail_id)
        self.assertIn("Relais refusé", batch.line_ids.message)
        self.assertEqual((batch.line_ids.state, batch.state), ("failed", "done"))
        self.assertIn("n'a pas pu partir", batch.line_ids.message, "in the firm's language")
        self.assertFalse(batch.line_ids.move_id.is_move_sent, "it can be sent again")

    def test_an_email_deleted_from_the_queue_fails_its_invoice(self):
        batch = self._bill_and_send()
        batch.line_ids.mail_id.unlink()
        self.assertEqual((batch.line_ids.state, batch.state), ("failed", "done"))
        self.assertIn("supprimé avant d'être envoyé", batch.line_ids.message, "in French")
        self.assertFalse(batch.line_ids.move_id.is_move_sent, "it can be sent again")
        self.assertTrue(self.env["cabinet.einvoice.batch"]._queue(batch.line_ids.move_id))

    def test_a_client_who_agreed_gets_factur_x(self):
        import facturx  # noqa: PLC0415

        self.client.write({"invoice_edi_format": "cabinet_facturx",
                           "einvoice_agreed_on": "2026-10-01"})  # fmt: skip
        line = self._bill_and_send().line_ids
        self.assertEqual(line.state, "queued")
        _name, xml = facturx.get_xml_from_pdf(line.attachment_id.raw, check_xsd=True)
        self.assertIn(b"CrossIndustryInvoice", xml)
        mail = self._mail(line.move_id)
        self.assertEqual(
            sorted(mail.attachment_ids.mapped("raw")),
            sorted([line.attachment_id.raw, line.move_id.ubl_cii_xml_id.raw]),
            "the Factur-X PDF and its XML, as Send & Print sends them from the form",
        )
        self.assertEqual(stored_facturx_xml(line.move_id), line.move_id.ubl_cii_xml_id,
                         "issued once")  # fmt: skip

    def test_what_cannot_be_sent_is_reported_with_the_reason(self):
        self.client.write({"invoice_edi_format": "cabinet_facturx",
                           "einvoice_agreed_on": "2026-10-01",
                           "street": False})  # fmt: skip
        line = self._bill_and_send().line_ids
        self.assertEqual(line.state, "failed")
        self.assertIn("address of the client", line.message)
        self.assertFalse(line.move_id.is_move_sent)
        self.assertFalse(self._mail(line.move_id))

    def test_what_is_missing_is_listed_before_anything_is_sent(self):
        self.client.write({"invoice_edi_format": "cabinet_facturx",
                           "einvoice_agreed_on": "2026-10-01",
                           "company_registry": False})  # fmt: skip
        run = self.env["cabinet.billing.run"].browse(
            self.env["cabinet.billing.run"].run_billing("2026-11-25")["run_id"]
        )
        action = run.with_context(lang="fr_FR").action_send_invoices()
        line = self.env["cabinet.einvoice.batch"].browse(action["res_id"]).line_ids
        self.assertEqual(line.state, "failed", "known when queued, before the sending cron")
        self.assertIn("le SIREN du client", line.message)
        self.assertFalse(line.attachment_id)

    def test_a_public_body_gets_its_factur_x_to_deposit_on_chorus_pro(self):
        import facturx  # noqa: PLC0415

        self.client.write({"invoice_sending_method": "chorus_pro",
                           "einvoice_agreed_on": "2026-10-01",
                           "einvoice_service_code": "COMPTA",
                           "einvoice_commitment": "EJ-2026-000123"})  # fmt: skip
        batch = self._bill_and_send()
        line = batch.line_ids
        self.assertEqual((line.state, line.destination), ("to_deposit", "Chorus Pro COMPTA"))
        self.assertIn("EJ-2026-000123", line.message)
        self.assertEqual(batch.deposit_count, 1)
        with self.assertRaisesRegex(UserError, "already sent or being sent"):
            line.move_id.action_cabinet_send_einvoices()  # listed to deposit once
        _filename, xml = facturx.get_xml_from_pdf(line.attachment_id.raw, check_xsd=True)
        self.assertIn(b"<ram:BuyerReference>COMPTA</ram:BuyerReference>", xml)
        self.assertFalse(line.move_id.is_move_sent)
        self.assertFalse(self._mail(line.move_id), "nothing is emailed to a public body")
        action = self.env.ref("cabinet_online_services.action_cabinet_einvoice_to_deposit")
        self.assertEqual(
            self.env["cabinet.einvoice.batch.line"].search(safe_eval(action.domain)), line
        )
        with self.assertRaises(AccessError):
            line.with_user(self.user).action_mark_deposited()
        line.action_mark_deposited()
        self.assertEqual(line.state, "sent")
        self.assertTrue(line.move_id.is_move_sent)
        self.assertIn("deposited on Chorus Pro", line.move_id.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "waiting for their deposit"):
            line.action_mark_deposited()

    def test_portal_users_see_no_sending(self):
        self._bill_and_send()
        with self.assertRaises(AccessError):
            self.env["cabinet.einvoice.batch"].with_user(self.portal_user).search([])
        self.assertFalse(
            self.env["cabinet.einvoice.batch"].with_user(self.other_company_user).search([])
        )

    def test_an_error_while_sending_is_recorded_and_does_not_block_the_queue(self):
        from ..models.cabinet_einvoice_batch import CabinetEinvoiceBatchLine  # noqa: PLC0415

        def broken(lines, documents):
            raise ConnectionError("SMTP indisponible")

        with patch.object(CabinetEinvoiceBatchLine, "_email", broken):
            batch = self._bill_and_send()
        self.assertEqual(batch.line_ids.state, "failed")
        self.assertIn("SMTP indisponible", batch.line_ids.message)
        self.assertEqual(batch.state, "done")
        self.assertFalse(batch.line_ids.move_id.is_move_sent)

    def test_a_sending_is_named_in_the_user_time_zone(self):
        batch = self.env["cabinet.einvoice.batch"].create({})
        paris = batch.with_context(tz="Europe/Paris")
        local = fields.Datetime.context_timestamp(paris, batch.create_date)
        paris.invalidate_recordset(["name"])
        self.assertIn(f"{local:%H:%M}", paris.name)
