import base64

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.tests.common import MockSmtplibCase

from .common import OnlineServicesCase, stored_facturx_xml


@tagged("post_install", "-at_install")
class TestFacturXInOdooSend(OnlineServicesCase, MockSmtplibCase):
    """Our Factur-X is an e-invoice format of Odoo's Send & Print, and Chorus Pro a sending
    method: an invoice sent from its form gets the same e-invoice as one sent by a billing
    run or fetched by an integrator, issued once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()
        cls.client.write(
            {"email": "compta@boulangerie-martin.example", "einvoice_agreed_on": "2026-10-01",
             "invoice_edi_format": "cabinet_facturx"}
        )  # fmt: skip
        # What a firm gives the person who sends invoices: Invoicing, nothing more.
        cls.accountant = new_test_user(
            cls.env,
            login="fx_sender",
            lang="en_US",
            groups="base.group_user,account.group_account_invoice",
        )

    def _invoice(self):
        result = self.env["cabinet.billing.run"].run_billing("2026-11-25")
        return self.env["account.move"].browse(result["invoice_ids"])

    def _wizard(self, invoice, lang="en_US", **values):
        return (
            self.env["account.move.send.wizard"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids, lang=lang)
            .create(values)
        )

    def _send(self, invoice, **values):
        # A PDF as a server renders it (Odoo's tests render the report as HTML otherwise).
        with self.mock_smtplib_connection():
            self._wizard(invoice, **values).with_context(
                force_report_rendering=True
            ).action_send_and_print()
        self.env.invalidate_all()

    def _embedded_xml(self, attachment):
        import facturx  # noqa: PLC0415

        return facturx.get_xml_from_pdf(attachment.raw, check_xsd=True)[1]

    def test_the_format_is_offered_in_odoo_send_and_print(self):
        invoice = self._invoice()
        wizard = self._wizard(invoice)
        self.assertEqual(wizard.invoice_edi_format, "cabinet_facturx")
        self.assertIn("email", wizard.sending_methods)
        self.assertIn(
            "factur-x.xml", [item["name"] for item in wizard.mail_attachments_widget or []],
            "the dialog says the XML goes with the PDF",
        )  # fmt: skip
        self.assertFalse(
            [alert for alert in (wizard.alerts or {}).values() if alert["level"] == "danger"]
        )

    def test_sending_from_the_form_issues_our_checked_facturx_once(self):
        invoice = self._invoice()
        self._send(invoice)
        pdf, xml = invoice.invoice_pdf_report_id, invoice.ubl_cii_xml_id
        self.assertTrue(invoice.is_move_sent)
        self.assertEqual(xml.name, "factur-x.xml")
        self.assertEqual(self._embedded_xml(pdf), xml.raw, "the PDF carries the XML kept")
        self.assertEqual(invoice._cabinet_facturx_differences(xml.raw), [])
        # The client got the Factur-X PDF and its XML, as Odoo sends its e-invoices.
        message = self.env["mail.message"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id),
             ("message_type", "=", "comment")], limit=1
        )  # fmt: skip
        self.assertEqual(
            sorted(message.attachment_ids.mapped("name")), sorted([pdf.name, "factur-x.xml"])
        )
        self.assertIn(xml.raw, message.attachment_ids.mapped("raw"))
        # Sent again the same day: the same documents, nothing stored twice.
        self._send(invoice)
        self.assertEqual((invoice.invoice_pdf_report_id, invoice.ubl_cii_xml_id), (pdf, xml))
        self.assertEqual(len(stored_facturx_xml(invoice)), 1)
        # ... and an integrator fetching it gets that very document.
        [document] = self.env["account.move"].with_user(self.accountant).get_facturx(invoice.ids)
        self.assertEqual(document["pdf"], pdf.datas.decode())

    def test_a_facturx_issued_first_is_the_one_odoo_sends(self):
        invoice = self._invoice()
        [document] = self.env["account.move"].get_facturx(invoice.ids)
        self.assertEqual(invoice.invoice_pdf_report_id.datas.decode(), document["pdf"])
        first = invoice.invoice_pdf_report_id
        self._send(invoice)
        self.assertEqual(invoice.invoice_pdf_report_id, first)
        self.assertEqual(len(stored_facturx_xml(invoice)), 1)

    def test_an_invoice_sent_as_a_pdf_gets_its_xml_in_that_pdf(self):
        self.client.invoice_edi_format = False
        invoice = self._invoice()
        self._send(invoice)
        sent = invoice.invoice_pdf_report_id
        self.assertTrue(sent)
        self.assertFalse(invoice.ubl_cii_xml_id.name == "factur-x.xml")
        invoice._cabinet_issue_facturx()
        self.assertEqual(invoice.invoice_pdf_report_id, sent, "the document sent stays")
        self.assertEqual(self._embedded_xml(sent), invoice.ubl_cii_xml_id.raw)

    def test_what_is_missing_stops_the_dialog_and_nothing_is_written(self):
        invoice = self._invoice()
        self.client.write({"company_registry": False, "street": False})
        wizard = self._wizard(invoice)
        [alert] = [alert for alert in (wizard.alerts or {}).values() if alert["level"] == "danger"]
        self.assertIn(invoice.name, alert["message"])
        self.assertIn("SIREN of the client", alert["message"])
        with self.assertRaisesRegex(UserError, "address of the client"):
            wizard.action_send_and_print()
        self.assertFalse(invoice.invoice_pdf_report_id)
        self.assertFalse(stored_facturx_xml(invoice))
        self.assertFalse(invoice.is_move_sent)
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self._wizard(invoice, lang="fr_FR")
        messages = " ".join(alert["message"] for alert in french.alerts.values())
        self.assertIn("SIREN du client", messages)

    def test_chorus_pro_lists_the_invoice_to_deposit_once(self):
        self.client.write(
            {"invoice_sending_method": "chorus_pro", "invoice_edi_format": False,
             "einvoice_service_code": "SERVICE-COMPTA", "einvoice_commitment": "EJ-2026-1"}
        )  # fmt: skip
        invoice = self._invoice()
        wizard = self._wizard(invoice)
        self.assertEqual(wizard.sending_methods, ["chorus_pro"])
        self.assertEqual(wizard.invoice_edi_format, "cabinet_facturx")
        wizard.action_send_and_print()
        line = self.env["cabinet.einvoice.batch.line"].search([("move_id", "=", invoice.id)])
        self.assertEqual((line.state, line.einvoice_format), ("to_deposit", "chorus_pro"))
        self.assertEqual(line.attachment_id, invoice.invoice_pdf_report_id)
        self.assertEqual(line.destination, "Chorus Pro SERVICE-COMPTA")
        self.assertIn("SERVICE-COMPTA", self._embedded_xml(line.attachment_id).decode())
        self.assertIn("to deposit on Chorus Pro", invoice.message_ids[:1].body)
        self._wizard(invoice).action_send_and_print()
        self.assertEqual(
            self.env["cabinet.einvoice.batch.line"].search_count([("move_id", "=", invoice.id)]),
            1,
            "sent twice: listed once",
        )
        self.assertEqual(len(stored_facturx_xml(invoice)), 1)

    def test_chorus_pro_takes_no_other_format(self):
        with self.assertRaisesRegex(ValidationError, "Chorus Pro"):
            self.client.write({"invoice_sending_method": "chorus_pro",
                               "invoice_edi_format": "ubl_bis3"})  # fmt: skip

    def test_odoo_send_and_a_billing_run_send_the_same_einvoice(self):
        invoice = self._invoice()
        batch = self.env["cabinet.einvoice.batch"]._queue(invoice)
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.env.ref("cabinet_online_services.ir_cron_send_einvoices").method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(batch.line_ids.attachment_id, invoice.invoice_pdf_report_id)
        self._send(invoice)
        self.assertEqual(batch.line_ids.attachment_id, invoice.invoice_pdf_report_id)
        self.assertEqual(len(stored_facturx_xml(invoice)), 1)

    def test_an_invoice_sent_in_another_einvoice_format_keeps_it(self):
        self.client.invoice_edi_format = "facturx"  # Odoo's own CII
        invoice = self._invoice()
        # What Odoo's CII requires besides ours.
        self.company.partner_id.write(
            {"phone": "+33 1 23 45 67 89", "email": "cabinet@example.com"}
        )
        invoice.partner_bank_id = self.env["res.partner.bank"].create(
            {"acc_number": "FR0930004000031234567890185", "partner_id": self.company.partner_id.id}
        )
        self._send(invoice)
        odoo_xml = invoice.ubl_cii_xml_id
        self.assertTrue(odoo_xml)
        self.assertNotEqual(odoo_xml.name, "factur-x.xml")
        stored = stored_facturx_xml(invoice)  # Odoo's tests keep its CII apart too
        with self.assertRaisesRegex(UserError, "issued already as another e-invoice"):
            self.env["account.move"].get_facturx(invoice.ids)
        self.assertEqual(invoice.ubl_cii_xml_id, odoo_xml)
        self.assertEqual(stored_facturx_xml(invoice), stored, "nothing of ours stored")

    def test_the_documents_sent_are_never_written_or_deleted_directly(self):
        invoice = self._invoice()
        self._send(invoice)
        pdf, xml = invoice.invoice_pdf_report_id, invoice.ubl_cii_xml_id
        raw_pdf = pdf.raw
        as_accountant = invoice.with_user(self.accountant)
        for vals in ({"invoice_pdf_report_file": False}, {"ubl_cii_xml_file": "PHg+ZmFrZTwveD4="}):
            with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
                as_accountant.write(vals)
        for attachment in (pdf, xml):
            with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
                attachment.with_user(self.accountant).write({"raw": b"%PDF-1.4 fake"})
            with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
                attachment.with_user(self.accountant).unlink()
            # The chatter's delete button: rights checked, then deleted as superuser.
            with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
                attachment.sudo()._delete_and_notify()
        with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
            self.env["ir.attachment"].with_user(self.accountant).create(
                {"name": "factur-x.xml", "raw": b"<x/>", "res_model": "account.move",
                 "res_id": invoice.id, "res_field": "ubl_cii_xml_file"}
            )  # fmt: skip
        stray = self.env["ir.attachment"].with_user(self.accountant).create(
            {"name": "factur-x.xml", "raw": b"<x/>", "res_model": "account.move", "res_id": 0,
             "res_field": "ubl_cii_xml_file"}
        )  # fmt: skip
        with self.assertRaisesRegex(UserError, "never written, replaced or deleted"):
            stray.write({"res_id": invoice.id})  # moved onto the issued invoice afterwards
        self.env.invalidate_all()
        self.assertEqual((invoice.invoice_pdf_report_id, invoice.ubl_cii_xml_id), (pdf, xml))
        self.assertEqual(pdf.raw, raw_pdf)
        self.assertEqual(self.env["account.move"].get_facturx(invoice.ids)[0]["xml"],
                         base64.b64encode(xml.raw).decode())  # fmt: skip

    def test_the_form_sends_to_the_invoicing_address_as_a_sending_batch_does(self):
        self.client.einvoice_email = "factures@boulangerie-martin.example"
        invoice = self._invoice()
        wizard = self._wizard(invoice)
        self.assertEqual(wizard.mail_partner_ids.mapped("email"),
                         ["factures@boulangerie-martin.example"])  # fmt: skip
        self.assertEqual(wizard.mail_partner_ids.parent_id, self.client, "the client's contact")
        self.client.einvoice_email = False
        self.assertEqual(
            self._wizard(invoice).mail_partner_ids.mapped("email"),
            ["compta@boulangerie-martin.example"],
            "else the client's own",
        )

    def test_the_pdf_of_an_invoice_sent_without_facturx_stays_odoos_to_manage(self):
        self.client.invoice_edi_format = False
        invoice = self._invoice()
        self._send(invoice)
        pdf = invoice.invoice_pdf_report_id
        self.assertTrue(pdf)
        self.assertFalse(invoice.ubl_cii_xml_id)
        pdf.with_user(self.accountant).unlink()  # as Odoo allows, to make it again
        self.assertFalse(invoice.invoice_pdf_report_id)

    def test_an_individual_never_gets_a_facturx_even_asked_for(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        person = self.env["res.partner"].create(
            {
                "name": "Jean Particulier",
                "email": "jean@example.com",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": person.id, "invoice_date": "2026-11-25",
             "invoice_line_ids": [(0, 0, {"product_id": self.dashboard.id, "quantity": 1})]}
        )  # fmt: skip
        invoice.action_post()
        with self.assertRaisesRegex(UserError, "private individual"):
            self.env["account.move"].with_user(self.accountant).get_facturx(invoice.ids)
        self.assertFalse(stored_facturx_xml(invoice))
        self.assertFalse(invoice.invoice_pdf_report_id)
