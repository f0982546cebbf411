from lxml import etree
from stdnum import luhn

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..rules import facturx_cii
from ..tools import facturx_checker
from .common import OnlineServicesCase


@tagged("post_install", "-at_install")
class TestFacturXFigures(OnlineServicesCase):
    """A table of invoices a firm writes: each e-invoice passes the XSD, the EN 16931 and
    the French schematrons and says what its posted invoice says (totals, VAT, due)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_french_invoicing()
        cls.env["res.partner.bank"].create(
            {"partner_id": cls.company.partner_id.id, "acc_number": "FR7630001007941234567890185"}
        )
        cls.vat_20 = cls.dashboard.taxes_id
        cls.vat_10 = cls.env["account.tax"].create(
            {"name": "TVA 10 %", "amount": 10, "amount_type": "percent", "type_tax_use": "sale",
             "company_id": cls.company.id}
        )  # fmt: skip
        chart = cls.env["account.chart.template"]
        cls.disbursement = cls.env["account.tax"].create(
            {**chart._cabinet_disbursement_tax_vals(), "company_id": cls.company.id}
        )
        cls.individual = cls.env["res.partner"].create(
            {"name": "Jeanne Dupont", "street": "5 rue Vieille", "zip": "69002", "city": "Lyon",
             "country_id": cls.env.ref("base.fr").id, "email": "jeanne@example.org"}
        )  # fmt: skip

    def _invoice(self, lines, rounding="round_per_line", partner=None, post=True, **vals):
        self.company.tax_calculation_rounding_method = rounding
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": (partner or self.client).id,
             "invoice_date": "2026-11-25",
             "invoice_line_ids": [Command.create({"tax_ids": [Command.set(self.vat_20.ids)],
                                                  **line}) for line in lines],
             **vals}
        )  # fmt: skip
        if post:
            invoice.action_post()
        return invoice

    def _assert_true_einvoice(self, invoice, due=None):
        """The e-invoice of ``invoice`` passes every check and its figures are the posted
        invoice's own: totals, VAT per tax (its tax journal items), amount due (what is
        left to pay, ``due`` when something not a payment was reconciled)."""
        xml = invoice._cabinet_facturx_xml()
        self.assertEqual(facturx_checker.check([xml])[0], [])
        written = facturx_cii.written_totals(xml)
        currency = invoice.currency_id
        for key, figure in (
            ("tax_basis_total", invoice.amount_untaxed),
            ("tax_total", invoice.amount_tax),
            ("grand_total", invoice.amount_total),
            ("due", invoice.amount_residual if due is None else due),
        ):
            self.assertFalse(
                currency.compare_amounts(float(written[key]), figure),
                f"{key}: {written[key]} in the XML, {figure} on the invoice",
            )
        text = xml.decode()
        for tax in invoice.line_ids.tax_line_id:
            own = abs(sum(invoice.line_ids.filtered(lambda line, tax=tax: line.tax_line_id == tax)
                          .mapped("amount_currency")))  # fmt: skip
            self.assertIn(f"<ram:CalculatedAmount>{own:.2f}</ram:CalculatedAmount>", text)
        self.assertEqual(invoice._cabinet_facturx_differences(xml), [])
        return text

    # ----------------------------------------------------------------------------------
    # 1. Every amount is the invoice's own
    # ----------------------------------------------------------------------------------
    def test_discounts_under_both_rounding_methods(self):
        lines = [
            {"product_id": self.dashboard.id, "quantity": 3, "price_unit": 12.35,
             "discount": 12.5},
            {"product_id": self.payroll.id, "quantity": 7, "price_unit": 19.99, "discount": 3},
            {"name": "Révision", "quantity": 1, "price_unit": 0.13, "discount": 10},
        ] + [{"name": f"Ligne {index}", "quantity": 1, "price_unit": 0.13}
             for index in range(10)]  # fmt: skip
        per_line = self._invoice(lines, "round_per_line")
        globally = self._invoice(lines, "round_globally")
        self.assertNotEqual(per_line.amount_tax, globally.amount_tax, "the methods differ here")
        for invoice in per_line | globally:
            xml = self._assert_true_einvoice(invoice)
            # The invoice's own gross price, discount and net price (12.35 less 12.5 %).
            self.assertIn("<ram:ChargeAmount>12.35</ram:ChargeAmount>", xml)
            self.assertIn("<ram:ActualAmount>1.5437</ram:ActualAmount>", xml)
            self.assertIn("<ram:ChargeAmount>10.8063</ram:ChargeAmount>", xml)
            self.assertIn("<ram:LineTotalAmount>32.42</ram:LineTotalAmount>", xml)

    def test_fractional_quantities_and_four_decimal_prices(self):
        self.env.ref("product.decimal_price").digits = 4
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 0.33, "price_unit": 30.0},
             {"name": "Saisie des écritures", "quantity": 1234, "price_unit": 0.0833},
             {"name": "Prorata", "quantity": 2.5, "price_unit": 12.3456, "discount": 7.5}],
            "round_globally",
        )  # fmt: skip
        xml = self._assert_true_einvoice(invoice)
        self.assertIn("<ram:ChargeAmount>0.0833</ram:ChargeAmount>", xml)
        self.assertIn('<ram:BilledQuantity unitCode="C62">0.33</ram:BilledQuantity>', xml)
        self.assertIn("<ram:ChargeAmount>12.3456</ram:ChargeAmount>", xml)
        self.assertIn("<ram:ChargeAmount>11.4197</ram:ChargeAmount>", xml)

    def test_negative_discount_lines(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 2, "price_unit": 30.0},
             {"name": "Remise fidélité", "quantity": 1, "price_unit": -7.5},
             {"name": "Geste commercial", "quantity": 2, "price_unit": -5.0, "discount": 20}]
        )  # fmt: skip
        xml = self._assert_true_einvoice(invoice)
        self.assertIn('<ram:BilledQuantity unitCode="C62">-1</ram:BilledQuantity>', xml)
        self.assertIn("<ram:LineTotalAmount>-7.50</ram:LineTotalAmount>", xml)
        self.assertIn("<ram:LineTotalAmount>-8.00</ram:LineTotalAmount>", xml)

    def test_a_global_discount_is_a_document_level_allowance(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 2, "price_unit": 45.0},
             {"product_id": self.payroll.id, "quantity": 1, "price_unit": 60.0},
             {"name": "Remise 10 %", "quantity": 1, "price_unit": -15.0,
              "extra_tax_data": {"computation_key": "global_discount,10"}}],
            "round_globally",
        )  # fmt: skip
        xml = self._assert_true_einvoice(invoice).replace("\n", "").replace(" ", "")
        self.assertIn(
            "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false"
            "</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>15.00</ram:ActualAmount>"
            "<ram:ReasonCode>95</ram:ReasonCode><ram:Reason>Remise10%</ram:Reason>", xml
        )  # fmt: skip
        self.assertIn("<ram:AllowanceTotalAmount>15.00</ram:AllowanceTotalAmount>", xml)
        self.assertIn(f"<ram:LineTotalAmount>{invoice.amount_untaxed + 15:.2f}</ram:Line", xml)
        self.assertNotIn("Remise10%</ram:Name>", xml)

    def test_a_fixed_tax_is_a_document_level_charge(self):
        ecotax = self.env["account.tax"].create(
            {"name": "Éco-participation", "amount": 0.5, "amount_type": "fixed",
             "type_tax_use": "sale", "include_base_amount": True, "sequence": 1,
             "company_id": self.company.id}
        )  # fmt: skip
        self.vat_20.sequence = 10
        invoice = self._invoice(
            [{"name": "Classeurs", "quantity": 4, "price_unit": 25.0,
              "tax_ids": [Command.set((ecotax | self.vat_20).ids)]},
             {"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0}]
        )  # fmt: skip
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax), (130.0, 28.4))
        xml = invoice._cabinet_facturx_xml()
        self.assertEqual(facturx_checker.check([xml])[0], [])
        self.assertEqual(invoice._cabinet_facturx_differences(xml), [])
        written = facturx_cii.written_totals(xml)
        self.assertEqual(float(written["grand_total"]), invoice.amount_total)
        self.assertEqual(float(written["tax_basis_total"]), 132.0, "the eco-contribution")
        text = xml.decode().replace("\n", "").replace(" ", "")
        self.assertIn("<ram:ChargeTotalAmount>2.00</ram:ChargeTotalAmount>", text)
        self.assertIn("<ram:Reason>Éco-participation</ram:Reason>", text)

    def test_a_credit_note_of_a_discounted_invoice(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 3, "price_unit": 12.35,
              "discount": 12.5}], "round_globally"
        )  # fmt: skip
        refund = self._reverse(invoice, "Erreur de tarif")
        # Nothing was paid on the credit note when it was issued: all of it is due.
        xml = self._assert_true_einvoice(refund, due=refund.amount_total)
        self.assertIn("<ram:TypeCode>381</ram:TypeCode>", xml)
        # The reason is a note (BT-22), not the buyer's reference nor its order.
        self.assertIn("Erreur de tarif", xml)
        self.assertNotIn("<ram:BuyerReference>", xml)
        self.assertNotIn("<ram:BuyerOrderReferencedDocument>", xml)
        self.assertIn("<ram:SubjectCode>AAI</ram:SubjectCode>", xml)

    def _reverse(self, invoice, reason):
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"reason": reason, "journal_id": invoice.journal_id.id,
                  "date": "2026-11-30"})  # fmt: skip
        wizard.refund_moves()
        refund = invoice.reversal_move_ids
        if refund.state == "draft":
            refund.action_post()
        return refund

    def test_a_difference_with_the_invoice_blocks_issuing_and_names_both_figures(self):
        invoice = self._invoice([{"product_id": self.dashboard.id, "quantity": 1,
                                  "price_unit": 100.0}])  # fmt: skip
        xml = invoice._cabinet_facturx_xml().replace(
            b"<ram:GrandTotalAmount>120.00<", b"<ram:GrandTotalAmount>120.01<"
        )
        self.client.lang = "en_US"
        with self.assertRaisesRegex(UserError, r"total with tax.*120\.01.*120\.00"):
            invoice.with_context(lang="en_US")._cabinet_check_totals({invoice: xml})
        with self.assertRaisesRegex(UserError, "total TTC"):
            invoice.with_context(lang="fr_FR")._cabinet_check_totals({invoice: xml})

    def test_a_cash_rounding_the_e_invoice_cannot_carry_blocks_issuing(self):
        rounding = self.env["account.cash.rounding"].create(
            {"name": "0,05", "rounding": 0.05, "strategy": "add_invoice_line",
             "profit_account_id": self.company.income_account_id.id
             or self.env["account.account"].search([("account_type", "=", "income")], limit=1).id,
             "loss_account_id": self.env["account.account"].search(
                 [("account_type", "=", "expense")], limit=1).id,
             "rounding_method": "HALF-UP"}
        )  # fmt: skip
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 10.01}],
            invoice_cash_rounding_id=rounding.id,
        )
        with self.assertRaisesRegex(UserError, "do not say what their invoices say"):
            invoice.with_context(lang="en_US")._cabinet_issue_facturx()
        self.assertFalse(invoice._cabinet_issued_facturx())

    # ----------------------------------------------------------------------------------
    # 2. References and terms
    # ----------------------------------------------------------------------------------
    def test_the_free_reference_is_the_buyer_reference_not_the_order(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0}],
            ref="Dossier 2026-118", purchase_order_reference="BC-2026-77",
        )  # fmt: skip
        xml = self._assert_true_einvoice(invoice).replace("\n", "").replace(" ", "")
        self.assertIn("<ram:BuyerReference>Dossier2026-118</ram:BuyerReference>", xml)
        self.assertIn("<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>BC-2026-77", xml)

    def test_a_public_body_keeps_its_service_code_and_commitment(self):
        self.client.write({"invoice_sending_method": "chorus_pro",
                           "einvoice_agreed_on": "2026-11-01",
                           "einvoice_service_code": "SERVICE-COMPTA",
                           "einvoice_commitment": "EJ-2026-000123"})  # fmt: skip
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0}],
            ref="Dossier 2026-118",
            **self.env["account.move"]._cabinet_public_body_vals(self.client),
        )
        xml = self._assert_true_einvoice(invoice).replace("\n", "").replace("  ", "")
        self.assertIn("<ram:BuyerReference>SERVICE-COMPTA</ram:BuyerReference>", xml)
        self.assertIn("<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>EJ-2026-000123", xml)
        self.assertIn("Dossier 2026-118", xml, "the free reference in a note")
        self.assertNotIn("<ram:IssuerAssignedID>Dossier", xml)

    def test_instalments_are_described_and_the_first_due_date_stated(self):
        term = self.env["account.payment.term"].create(
            {"name": "3 fois", "line_ids": [
                Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                Command.create({"value": "percent", "value_amount": 40, "nb_days": 60})]}
        )  # fmt: skip
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 100.0}],
            invoice_payment_term_id=term.id,
        )
        self.assertEqual(str(invoice.invoice_date_due), "2027-01-24", "Odoo's: the last one")
        self.client.lang = "en_US"
        xml = self._assert_true_einvoice(invoice)
        self.assertIn(">20261125</udt:DateTimeString></ram:DueDateDateTime>",
                      xml.replace("\n", "").replace(" ", ""))  # fmt: skip
        self.assertIn("3 fois: 3 instalments, 36.00\xa0€ on 11/25/2026; 36.00\xa0€ on "
                      "12/25/2026; 48.00\xa0€ on 01/24/2027", xml)  # fmt: skip
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        html = html.decode()
        self.assertIn("Due date: 11/25/2026", html)
        [due_block] = etree.fromstring(html, etree.HTMLParser()).xpath("//div[@name='due_date']")
        self.assertIn("11/25/2026", "".join(due_block.itertext()), "Odoo's block: the first")
        self.assertRegex(html, "48.00(\xa0|&nbsp;)€ on 01/24/2027")

    # ----------------------------------------------------------------------------------
    # 3. Who gets what
    # ----------------------------------------------------------------------------------
    def test_an_individual_is_never_offered_an_e_invoice(self):
        self.assertEqual(self.individual.einvoice_scope, "ereporting")
        self.assertEqual(self.client.einvoice_scope, "einvoicing")
        for setting in (
            {"invoice_edi_format": "cabinet_facturx"},
            {"invoice_sending_method": "chorus_pro"},
            {"invoice_edi_format": "facturx"},  # Odoo's own Factur-X: not either
        ):
            with self.assertRaisesRegex(ValidationError, "private individual"):
                self.individual.with_context(lang="en_US").write(
                    {**setting, "einvoice_agreed_on": "2026-11-01"}
                )
        with self.assertRaisesRegex(ValidationError, "particulier"):
            self.individual.with_context(lang="fr_FR").write(
                {"invoice_edi_format": "cabinet_facturx", "einvoice_agreed_on": "2026-11-01"}
            )
        siren = "41234567" + luhn.calc_check_digit("41234567")
        sole_trader = self.individual.copy({"name": "Jean Martin EI", "company_registry": siren})
        sole_trader.write(
            {"invoice_edi_format": "cabinet_facturx", "einvoice_agreed_on": "2026-11-01"}
        )
        self.assertEqual(sole_trader.einvoice_scope, "einvoicing")

    def test_an_individual_invoice_has_no_business_penalties(self):
        self.individual.lang = "en_US"
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 30.0}],
            partner=self.individual,
        )
        self.assertEqual(invoice._cabinet_einvoice_route()["einvoice_format"], "pdf_email")
        xml = self._assert_true_einvoice(invoice)
        self.assertNotIn("40 EUR", xml)
        self.assertNotIn("ECB", xml)
        self.assertIn("<ram:Content>B2C</ram:Content>", xml.replace("\n", "").replace(" ", ""))
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )
        html = html.decode()
        self.assertNotIn("40 EUR", html)
        self.assertNotIn("Late payment penalties", html)
        self.assertNotIn("Consumer client", html)

    def test_disbursements_sit_beside_vat(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 300.0},
             {"name": "Frais de greffe", "quantity": 1, "price_unit": 37.45,
              "tax_ids": [Command.set(self.disbursement.ids)]}]
        )  # fmt: skip
        self.assertEqual(invoice.amount_tax, 60.0, "outside the VAT base")
        self.assertEqual(invoice._cabinet_facturx_missing(), {})
        xml = self._assert_true_einvoice(invoice)
        self.assertIn("<ram:CategoryCode>E</ram:CategoryCode>", xml)
        self.assertIn("article 267 II-2° du CGI", xml)

    def test_a_tax_outside_the_scope_of_vat_beside_vat_is_explained_in_words(self):
        outside = self.env["account.tax"].create(
            {"name": "0% EXEMPTS Service", "amount": 0, "amount_type": "percent",
             "type_tax_use": "sale", "company_id": self.company.id,
             "ubl_cii_tax_category_code": "O", "ubl_cii_tax_exemption_reason_code": "VATEX-EU-O"}
        )  # fmt: skip
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "quantity": 1, "price_unit": 300.0},
             {"name": "Frais de greffe", "quantity": 1, "price_unit": 37.45,
              "tax_ids": [Command.set(outside.ids)]}]
        )  # fmt: skip
        with self.assertRaises(UserError) as refused:
            invoice.with_context(lang="en_US")._cabinet_check_facturx()
        message = str(refused.exception)
        self.assertIn("cannot mix them with lines subject to VAT", message)
        self.assertIn("Débours", message)
        self.assertNotIn("BR-O", message)
        with self.assertRaisesRegex(UserError, "champ de la TVA"):
            invoice.with_context(lang="fr_FR")._cabinet_check_facturx()

    def test_a_french_chart_ships_the_disbursement_tax(self):
        company = self.env["res.company"].create(
            {"name": "Cabinet Marseille", "country_id": self.env.ref("base.fr").id}
        )
        self.env["account.chart.template"].try_loading("fr", company, install_demo=False)
        tax = self.env.ref(f"account.{company.id}_cabinet_tva_debours")
        self.assertEqual((tax.amount, tax.ubl_cii_tax_category_code), (0.0, "E"))
        self.assertEqual(tax.company_id, company)

    # ----------------------------------------------------------------------------------
    # 4. Stable and idempotent
    # ----------------------------------------------------------------------------------
    def _attachments(self, invoice):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", invoice.id)]
        )

    def test_the_first_issue_is_kept_and_fetching_stores_nothing_more(self):
        invoice = self._invoice([{"product_id": self.dashboard.id, "quantity": 1,
                                  "price_unit": 100.0}])  # fmt: skip
        first = invoice._cabinet_issue_facturx()[invoice]
        count = len(self._attachments(invoice))
        [fetched] = self.env["account.move"].get_facturx(invoice.ids)
        [again] = self.env["account.move"].get_facturx(invoice.ids)
        self.assertEqual(invoice._cabinet_issue_facturx()[invoice], first)
        invoice.action_cabinet_download_facturx()
        self.assertEqual(len(self._attachments(invoice)), count)
        self.assertEqual(fetched["pdf"], again["pdf"])
        self.assertEqual(fetched["filename"], first.name)

    def test_what_happens_after_posting_does_not_change_the_e_invoice(self):
        invoice = self._invoice([{"product_id": self.dashboard.id, "quantity": 1,
                                  "price_unit": 100.0}])  # fmt: skip
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 50.0, "payment_date": "2026-11-25"})._create_payments()
        before = invoice._cabinet_facturx_xml()
        self.assertIn(b"<ram:TotalPrepaidAmount>50.00</ram:TotalPrepaidAmount>", before)
        self.assertEqual(facturx_checker.check([before])[0], [])
        # Later: a credit note reconciled with the invoice, and a payment after its date.
        refund = self._reverse(invoice, "Geste commercial")
        (invoice | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(invoice._cabinet_facturx_xml(), before)

    def test_control_characters_in_a_label_are_left_out(self):
        invoice = self._invoice(
            [{"product_id": self.dashboard.id, "name": "Tableau de bord\x0b mensuel\x1f",
              "quantity": 1, "price_unit": 30.0}]
        )  # fmt: skip
        xml = self._assert_true_einvoice(invoice)
        self.assertIn("<ram:Description>Tableau de bord mensuel</ram:Description>", xml)
