import base64
import io

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..rules import facturx_cii
from ..tools import facturx_checker
from .common import OnlineServicesCase, stored_facturx_xml


@tagged("post_install", "-at_install")
class TestFacturX(OnlineServicesCase):
    """The Factur-X XML of the invoices of a billing run, checked inside Odoo against the
    Factur-X XSD, the EN 16931 schematron and the French CTC schematron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()

    def _invoice(self):
        result = self.env["cabinet.billing.run"].run_billing("2026-11-25")
        return self.env["account.move"].browse(result["invoice_ids"])

    def test_stdnum_reads_its_data_files_inside_odoo(self):
        import facturx  # noqa: PLC0415 - the import that used to fail inside Odoo
        from stdnum import iban  # noqa: PLC0415

        self.assertTrue(iban.is_valid("FR7630006000011234567890189"))
        self.assertTrue(facturx.xml_check_xsd)

    def test_a_billing_run_invoice_passes_every_check(self):
        invoice = self._invoice()
        self.maxDiff = None
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:TypeCode>59</ram:TypeCode>", xml, "SEPA direct debit")
        self.assertIn("<ram:RateApplicablePercent>20</ram:RateApplicablePercent>", xml)
        self.assertEqual(invoice.amount_tax, 30.0)
        self.assertIn(self.client.siren, xml)
        self.assertIn("PMT", xml)

    def test_a_credit_note_passes_every_check(self):
        self._invoice()
        self.letter.terminate("2026-12-10", "Départ du client")
        result = self.env["cabinet.billing.run"].run_billing("2026-12-25")
        refund = self.env["account.move"].browse(result["invoice_ids"])
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund._cabinet_facturx_problems(), [])
        xml = refund._cabinet_facturx_xml().decode()
        self.assertIn("<ram:TypeCode>381</ram:TypeCode>", xml)
        self.assertIn(refund._cabinet_credited_invoice().name, xml)

    def test_a_siret_in_place_of_a_siren_is_caught(self):
        invoice = self._invoice()
        data = invoice._cabinet_facturx_invoice()
        data.buyer.siren = self.client.company_registry
        [problems] = facturx_checker.check([facturx_cii.build_cii(data)])
        self.assertTrue(any("BR-FR" in rule for rule, _text in problems), problems)

    def test_issue_embeds_the_xml_in_the_invoice_pdf(self):
        import facturx  # noqa: PLC0415

        invoice = self._invoice()
        attachment = invoice._cabinet_issue_facturx()[invoice]
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        _filename, xml = facturx.get_xml_from_pdf(attachment.raw, check_xsd=True)
        self.assertEqual(xml, invoice._cabinet_facturx_xml())
        [fetched] = self.env["account.move"].get_facturx(invoice.ids)
        self.assertEqual(base64.b64decode(fetched["xml"]), xml)
        self.assertEqual(fetched["filename"], attachment.name)

    def test_several_invoices_rendered_at_once_each_get_their_own_pdf(self):
        from odoo.tools.pdf import PdfFileReader  # noqa: PLC0415

        first = self._invoice()
        others = first.copy() | first.copy()
        others.action_post()
        invoices = first | others
        pdfs = invoices._cabinet_invoice_pdfs()
        self.assertEqual(set(pdfs), set(invoices))
        for invoice in invoices:
            reader = PdfFileReader(io.BytesIO(pdfs[invoice]))
            text = "".join(page.extract_text() for page in reader.pages)
            self.assertIn(invoice.name, text)
            for other in invoices - invoice:
                self.assertNotIn(other.name, text)

    def test_missing_mentions_are_listed_before_anything_is_issued(self):
        invoice = self._invoice()
        self.client.write({"street": False, "company_registry": False, "vat": False})
        with self.assertRaisesRegex(UserError, "SIREN of the client.*address of the client"):
            invoice._cabinet_issue_facturx()
        self.assertFalse(
            stored_facturx_xml(invoice)
        )  # fmt: skip
        with self.assertRaisesRegex(UserError, "SIREN du client"):
            invoice.with_context(lang="fr_FR")._cabinet_issue_facturx()

    def test_a_portal_user_cannot_fetch_invoices(self):
        invoice = self._invoice()
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.portal_user).get_facturx(invoice.ids)

    def test_a_format_needs_the_client_agreement_and_feeds_the_invoice(self):
        with self.assertRaisesRegex(ValidationError, "agreed"):
            self.client.invoice_edi_format = "cabinet_facturx"
        self.client.write(
            {
                "invoice_sending_method": "chorus_pro",
                "einvoice_agreed_on": "2026-11-01",
                "einvoice_service_code": "SERVICE-COMPTA",
                "einvoice_commitment": "EJ-2026-000123",
                "einvoice_address": "552032534_COMPTA",
            }
        )
        invoice = self._invoice()
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:BuyerReference>SERVICE-COMPTA</ram:BuyerReference>", xml)
        self.assertIn("EJ-2026-000123", xml)
        self.assertIn("552032534_COMPTA", xml)
        self.assertEqual(invoice._cabinet_facturx_problems(), [])

    def test_a_transfer_invoice_names_the_firm_iban(self):
        self.letter.payment_mode_id = False
        invoice = self._invoice()
        with self.assertRaisesRegex(UserError, "IBAN of the firm"):
            invoice._cabinet_check_facturx()
        self.env["res.partner.bank"].create(
            {"partner_id": self.company.partner_id.id, "acc_number": "FR7630001007941234567890185"}
        )
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:TypeCode>58</ram:TypeCode>", xml)
        self.assertIn("FR7630001007941234567890185", xml)

    def test_the_pdf_carries_the_same_french_mentions(self):
        invoice = self._invoice()
        self.client.lang = "en_US"
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        html = html.decode()
        self.assertIn(self.client.siren, html)
        self.assertIn("Nature of the operation: services", html)
        self.assertIn("40 EUR", html)
        self.assertIn("No discount for early payment", html)
        self.client.lang = "fr_FR"
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        self.assertIn("Nature de l&#39;opération : prestations de services", html.decode())

    def test_the_option_for_vat_on_debits_is_stated(self):
        self.company.vat_on_debits = True
        invoice = self._invoice()
        self.assertIn("<ram:DueDateTypeCode>5</ram:DueDateTypeCode>",
                      invoice._cabinet_facturx_xml().decode())  # fmt: skip
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        self.assertIn("Option for the payment of VAT on debits.",
                      invoice.with_context(lang="en_US")._cabinet_invoice_mentions())  # fmt: skip

    def test_a_delivery_address_apart_is_carried(self):
        self.env["res.partner"].create(
            {"name": "Atelier", "type": "delivery", "parent_id": self.client.id,
             "street": "12 rue des Fours", "zip": "69007", "city": "Lyon",
             "country_id": self.env.ref("base.fr").id}
        )  # fmt: skip
        invoice = self._invoice()
        self.assertNotEqual(invoice.partner_shipping_id, invoice.partner_id)
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:ShipToTradeParty>", xml)
        self.assertIn("12 rue des Fours", xml)
        self.assertEqual(invoice._cabinet_facturx_problems(), [])

    def test_download_from_the_invoice_form(self):
        invoice = self._invoice()
        action = invoice.action_cabinet_download_facturx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        again = invoice.action_cabinet_download_facturx()
        self.assertEqual(again["url"], action["url"], "issued once")

    def _tax(self, name, amount, **codes):
        return self.env["account.tax"].create(
            {"name": name, "amount": amount, "amount_type": "percent", "type_tax_use": "sale",
             "company_id": self.company.id, **codes}
        )  # fmt: skip

    def _manual_invoice(self, lines, **vals):
        """A posted invoice typed by hand (no letter), paid by transfer to the firm's IBAN."""
        if not self.company.partner_id.bank_ids:
            self.env["res.partner.bank"].create(
                {"partner_id": self.company.partner_id.id,
                 "acc_number": "FR7630001007941234567890185"}
            )  # fmt: skip
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.client.id,
             "invoice_date": "2026-11-25", "invoice_line_ids": [(0, 0, line) for line in lines],
             **vals}
        )  # fmt: skip
        invoice.action_post()
        return invoice

    def test_a_varied_invoice_passes_every_check(self):
        vat_10 = self._tax("TVA 10 %", 10)
        vat_5 = self._tax("TVA 5,5 %", 5.5)
        training = self._tax("Exonération formation", 0, ubl_cii_tax_category_code="E",
                             ubl_cii_tax_exemption_reason_code="VATEX-FR-CGI261-4",
                             invoice_legal_notes="<p>Exonération de TVA, article 261-4-4° a "
                                                 "du CGI</p>")  # fmt: skip
        invoice = self._manual_invoice(
            [
                {"product_id": self.dashboard.id, "quantity": 3, "price_unit": 40.0,
                 "discount": 10.0},
                {"product_id": self.payroll.id, "quantity": 1, "price_unit": 100.0,
                 "tax_ids": [(6, 0, vat_10.ids)]},
                {"name": "Guide fiscal annuel", "quantity": 2, "price_unit": 12.5,
                 "tax_ids": [(6, 0, vat_5.ids)]},
                {"name": "Formation professionnelle", "quantity": 1, "price_unit": 500.0,
                 "tax_ids": [(6, 0, training.ids)]},
            ],
            ref="BC-2026-118",
        )  # fmt: skip
        self.assertEqual(invoice._cabinet_facturx_missing(), {})
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        xml = invoice._cabinet_facturx_xml().decode()
        for expected in (
            "<ram:ChargeAmount>40.00</ram:ChargeAmount>",  # price before the 10 % discount
            "<ram:ActualAmount>4",
            "<ram:RateApplicablePercent>10</ram:RateApplicablePercent>",
            "<ram:RateApplicablePercent>5.5</ram:RateApplicablePercent>",
            "<ram:ExemptionReasonCode>VATEX-FR-CGI261-4</ram:ExemptionReasonCode>",
            "<ram:ExemptionReason>Exonération de TVA, article 261-4-4° a du CGI</ram:Exemption",
            "<ram:Name>Guide fiscal annuel</ram:Name>",
            "<ram:BuyerReference>BC-2026-118</ram:BuyerReference>",
            "<ram:ID>S1</ram:ID>",
            f"<ram:GrandTotalAmount>{invoice.amount_total:.2f}</ram:GrandTotalAmount>",
        ):
            self.assertIn(expected, xml)

    def test_an_exempt_line_without_its_reason_cannot_be_issued(self):
        invoice = self._manual_invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0,
              "tax_ids": [(6, 0, self._tax("TVA 0 %", 0).ids)]}]
        )  # fmt: skip
        with self.assertRaisesRegex(UserError, "VAT exemption reason of “TVA 0 %”"):
            invoice.with_context(lang="en_US")._cabinet_check_facturx()
        with self.assertRaisesRegex(UserError, "motif d'exonération de TVA de « TVA 0 % »"):
            invoice.with_context(lang="fr_FR")._cabinet_check_facturx()

    def test_an_eu_business_client_is_invoiced_under_reverse_charge(self):
        self.client.write({"country_id": self.env.ref("base.de").id, "vat": "DE811569869",
                           "street": "Hauptstraße 1", "zip": "10115", "city": "Berlin",
                           "email": "compta@mueller.example"})  # fmt: skip
        intra = self._tax("TVA 0 % UE", 0, ubl_cii_tax_category_code="AE",
                          ubl_cii_tax_exemption_reason_code="VATEX-EU-AE")  # fmt: skip
        invoice = self._manual_invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0,
              "tax_ids": [(6, 0, intra.ids)]}]
        )  # fmt: skip
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:CategoryCode>AE</ram:CategoryCode>", xml)
        self.assertIn("VATEX-EU-AE", xml)
        self.assertIn("DE811569869", xml)

    def test_goods_and_services_are_stated_as_mixed(self):
        guide = self.env["product.product"].create(
            {"name": "Guide fiscal (livre)", "type": "consu", "list_price": 25.0}
        )
        invoice = self._manual_invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0},
             {"product_id": guide.id, "quantity": 1, "price_unit": 25.0,
              "tax_ids": [(6, 0, self.dashboard.taxes_id.ids)]}]
        )  # fmt: skip
        self.assertEqual(invoice._cabinet_facturx_billing_mode(), "M1")
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        self.assertIn(
            "Nature of the operation: delivery of goods and services",
            invoice.with_context(lang="en_US")._cabinet_invoice_mentions(),
        )

    def test_a_partly_paid_invoice_states_what_was_prepaid(self):
        invoice = self._manual_invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 100.0}]
        )
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 50.0, "payment_date": "2026-11-25"})._create_payments()
        self.assertEqual(invoice._cabinet_facturx_problems(), [])
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("<ram:TotalPrepaidAmount>50.00</ram:TotalPrepaidAmount>", xml)
        self.assertIn("<ram:DuePayableAmount>70.00</ram:DuePayableAmount>", xml)

    def test_chorus_pro_references_come_from_the_client_to_the_invoice(self):
        self.client.write({"invoice_sending_method": "chorus_pro",
                           "einvoice_agreed_on": "2026-11-01",
                           "einvoice_service_code": "SERVICE-COMPTA",
                           "einvoice_commitment": "EJ-2026-000123"})  # fmt: skip
        invoice = self._invoice()
        self.assertEqual(invoice.buyer_reference, "SERVICE-COMPTA")
        self.assertEqual(invoice.purchase_order_reference, "EJ-2026-000123")
        invoice.write({"purchase_order_reference": "EJ-2026-000999",
                       "contract_reference": "MARCHE-2026-07"})  # fmt: skip
        xml = invoice._cabinet_facturx_xml().decode()
        self.assertIn("EJ-2026-000999", xml)
        self.assertNotIn("EJ-2026-000123", xml)
        self.assertIn("<ram:ContractReferencedDocument><ram:IssuerAssignedID>MARCHE-2026-07",
                      xml.replace("\n", "").replace(" ", ""))  # fmt: skip
        self.assertEqual(invoice._cabinet_facturx_problems(), [])

    def test_the_nature_is_not_printed_twice_with_the_french_localisation(self):
        france = self.env.ref("base.fr")
        self.company.account_fiscal_country_id = france
        group = self.env["account.tax.group"].create(
            {"name": "TVA 20 %", "country_id": france.id, "company_id": self.company.id}
        )
        self.dashboard.taxes_id.write(
            {"tax_scope": "service", "country_id": france.id, "tax_group_id": group.id}
        )
        invoice = self._invoice()
        self.assertTrue(invoice.l10n_fr_is_company_french)
        self.client.lang = "en_US"
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        html = html.decode()
        self.assertIn("Service Delivery", html, "printed by l10n_fr_account")
        self.assertNotIn("Nature of the operation", html)
        self.assertIn("40 EUR", html)
        self.assertEqual(invoice._cabinet_facturx_billing_mode(), "S1")

    def test_an_early_payment_discount_is_stated_instead_of_its_absence(self):
        term = self.env["account.payment.term"].create(
            {"name": "30 jours, escompte 2 % à 10 jours", "early_discount": True,
             "discount_percentage": 2.0, "discount_days": 10,
             "line_ids": [(0, 0, {"value": "percent", "value_amount": 100, "nb_days": 30})]}
        )  # fmt: skip
        invoice = self._manual_invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 100.0}],
            invoice_payment_term_id=term.id,
        )
        self.client.lang = "en_US"
        notes = invoice._cabinet_facturx_notes()
        self.assertEqual(notes["AAB"], "Discount for early payment: 2% if paid within 10 days.")
        self.assertNotIn("No discount", invoice._cabinet_facturx_xml().decode())
        self.assertIn(notes["AAB"], invoice._cabinet_invoice_mentions())
        self.assertEqual(invoice._cabinet_facturx_problems(), [])

    def test_a_direct_debit_invoice_without_a_mandate_cannot_be_issued(self):
        invoice = self._invoice()
        self.assertEqual(invoice.payment_mode_id.payment_method_id.code, "sepa_direct_debit")
        invoice.mandate_id = False
        with self.assertRaisesRegex(UserError, "client's bank account and SEPA mandate"):
            invoice.with_context(lang="en_US")._cabinet_issue_facturx()
        with self.assertRaisesRegex(UserError, "mandat SEPA"):
            invoice.with_context(lang="fr_FR")._cabinet_check_facturx()

    def test_a_report_that_cannot_be_split_per_record_is_refused(self):
        from ..models.ir_actions_report import wkhtmltopdf_renders_many  # noqa: PLC0415

        if wkhtmltopdf_renders_many():
            self.skipTest("patched Qt: Odoo's own one-call batch splits the PDF")
        self.env["ir.ui.view"].create(
            {"name": "cabinet_test_unsplittable", "type": "qweb",
             "key": "cabinet_online_services.test_unsplittable",
             "arch": '<t t-name="cabinet_online_services.test_unsplittable">'
                     '<t t-call="web.html_container"><t t-foreach="docs" t-as="o">'
                     '<div class="page"><span t-esc="o.name"/></div></t></t></t>'}
        )  # fmt: skip
        self.env["ir.actions.report"].create(
            {"name": "Unsplittable", "model": "account.move", "report_type": "qweb-pdf",
             "report_name": "cabinet_online_services.test_unsplittable"}
        )  # fmt: skip
        first = self._invoice()
        second = first.copy()
        second.action_post()
        with self.assertRaisesRegex(UserError, "cannot be split per record"):
            self.env["ir.actions.report"]._cabinet_render_pdfs(
                "cabinet_online_services.test_unsplittable", (first | second).ids
            )
