from decimal import Decimal

from odoo import api, models
from odoo.tools import format_date, formatLang, html2plaintext, is_html_empty

from ..rules import facturx_cii
from .account_move_direct_debit import SDD_METHOD_CODE
from .res_partner import CHORUS_PRO

EU_COUNTRIES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
# The fields Odoo's l10n_fr_facturx_chorus_pro adds to invoices.
CHORUS_PRO_FIELDS = {"buyer_reference", "contract_reference", "purchase_order_reference"}
# VAT categories with a rate; the others need an exemption reason.
RATED_CATEGORIES = ("S", "Z", "L", "M")
# The VATEX code a category implies when the tax gives none (exempt "E" has no default).
DEFAULT_EXEMPTION_CODES = {
    "AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O",
}  # fmt: skip


class AccountMove(models.Model):
    # The Factur-X XML of an invoice: a concern of its own (account_move_<concern>.py).
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _cabinet_facturx_party(self, partner, siren):
        """A party of the Factur-X; its electronic address is the one on its card, else its
        SIREN (French company), else its email."""
        partner = partner.commercial_partner_id
        french = partner.country_id.code == "FR"
        address = partner.einvoice_address or (siren if french and siren else "")
        return facturx_cii.Party(
            name=partner.name,
            country=partner.country_id.code or "FR",
            siren=siren if french else "",
            vat=partner.vat or "",
            street=partner.street or "",
            street2=partner.street2 or "",
            zip=partner.zip or "",
            city=partner.city or "",
            electronic_address=address or partner.email or "",
            electronic_scheme=facturx_cii.SIREN_ADDRESS_SCHEME
            if address and french
            else facturx_cii.EMAIL_SCHEME,
        )

    def _cabinet_facturx_tax(self, line):
        """The VAT category (BT-151) and exemption reason (BT-120, BT-121) of an invoice
        line: its tax's e-invoicing codes (Odoo's Tax Category Code and Tax Exemption Reason
        Code) where set; otherwise standard rate above 0%, reverse charge for a business
        client elsewhere in the EU, exempt (its reason then still to be given) at 0%. A fixed
        tax (an eco-contribution) is no VAT: it is a charge (see ``_cabinet_tax_details``)."""
        tax = line.tax_ids.filtered(lambda item: item.amount_type != "fixed")[:1]
        rate = Decimal(str(tax.amount)) if tax else Decimal(0)
        category = tax.ubl_cii_tax_category_code
        if not category:
            buyer_country = self.commercial_partner_id.country_id.code
            if rate > 0:
                category = "S"
            elif buyer_country in EU_COUNTRIES and buyer_country != "FR":
                category = "AE"
            else:
                category = "E"
        if category in RATED_CATEGORIES:
            return facturx_cii.Tax(category, rate)
        code = tax.ubl_cii_tax_exemption_reason_code or DEFAULT_EXEMPTION_CODES.get(category, "")
        notes = tax.with_context(lang=self.partner_id.lang or self.env.lang).invoice_legal_notes
        if not is_html_empty(notes):
            # The legal notes the invoice PDF prints for this tax: the XML says the same.
            reason = html2plaintext(notes)
        elif category == "AE":
            reason = self.env._("Reverse charge (article 196 of Directive 2006/112/EC)")
        else:
            reasons = dict(self.env["account.tax"]._fields["ubl_cii_tax_exemption_reason_code"]
                           ._description_selection(self.env)) if code else {}  # fmt: skip
            reason = (
                reasons.get(code, "").split(" - ", 1)[-1]
                or tax.invoice_label
                or self.env._("VAT exempt")
            )
        return facturx_cii.Tax(category, rate, reason, code)

    def _cabinet_line_prices(self, line):
        """(net price BT-146, gross price BT-148 or None) of an invoice line, without tax:
        its own unit price less its discount (written with at most 4 decimals); from its
        subtotal when its price includes a tax."""
        discount = Decimal(str(line.discount)) / 100
        if any(line.tax_ids.mapped("price_include")) and line.quantity:
            net = Decimal(str(line.price_subtotal)) / Decimal(str(line.quantity))
            gross = net / (1 - discount) if line.discount and discount < 1 else None
            return net, gross
        price_unit = Decimal(str(line.price_unit))
        return price_unit * (1 - discount), price_unit if line.discount else None

    def _cabinet_facturx_billing_mode(self):
        """The French billing mode (BT-23): goods (B), services (S) or both (M), then 1 for
        an invoice to pay, 2 for one already paid when it is issued. A line without product
        is a service, as a firm's lines are."""
        self.ensure_one()
        products = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        ).product_id
        kinds = {"S" if product.type == "service" else "B" for product in products} or {"S"}
        nature = kinds.pop() if len(kinds) == 1 else "M"
        paid = self.move_type == "out_invoice" and not self.currency_id.compare_amounts(
            self._cabinet_prepaid_amount(), self.amount_total
        )
        return nature + ("2" if paid else "1")

    def _cabinet_prepaid_amount(self):
        """What the client had paid when the invoice was issued (BT-113): the payments
        reconciled with it dated on or before its invoice date. Credit notes and payments
        that came later are not prepayments, so the e-invoice says the same whenever it is
        built."""
        self.ensure_one()
        if self.move_type != "out_invoice":
            return 0.0
        partials, _exchange_moves = self._get_reconciled_invoices_partials()
        return self.currency_id.round(
            sum(
                amount
                for _partial, amount, counterpart in partials
                if not counterpart.move_id.is_invoice(include_receipts=True)
                and counterpart.date <= self.invoice_date
            )
        )

    def _cabinet_facturx_notes(self):
        """The B2B payment mentions of Code de commerce L441-9, in the invoice's language:
        recovery indemnity (PMT), late penalties (PMD), and the early payment discount of the
        payment term or its absence (AAB).

        Odoo's l10n_fr_pdp writes these notes itself for companies on its platform: where it
        does, its wording is kept, so that no note is written twice nor two ways."""
        env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        term = self.invoice_payment_term_id
        if term.early_discount:
            discount = env._(
                "Discount for early payment: %(percent)s%% if paid within %(days)s days.",
                percent=formatLang(env, term.discount_percentage, digits=2).rstrip("0")
                .rstrip(".,"),
                days=term.discount_days,
            )  # fmt: skip
        else:
            discount = env._("No discount for early payment.")
        if self.commercial_partner_id._is_private_individual():
            # A consumer owes neither the B2B indemnity nor the B2B penalties: the French
            # rules still want both notes, which say so; the invoice is marked B2C.
            return {
                "PMT": env._("Consumer client: no fixed recovery indemnity."),
                "PMD": env._("Consumer client: the business-to-business payment terms do "
                             "not apply."),
                "AAB": discount,
                facturx_cii.PROCESSING_NOTE: facturx_cii.CONSUMER,
            }  # fmt: skip
        notes = {
            "PMT": env._(
                "Fixed recovery indemnity in case of late payment: 40 EUR (article D441-5 of "
                "the French Commercial Code)."
            ),
            "PMD": env._(
                "Late payment penalties: the ECB refinancing rate plus 10 points (article "
                "L441-10 of the French Commercial Code)."
            ),
            "AAB": discount,
        }
        if hasattr(self, "_l10n_fr_pdp_get_default_notes"):
            notes.update(self._l10n_fr_pdp_get_default_notes())
        return notes

    def _cabinet_payee_bank(self):
        """The firm's IBAN the client pays to: the invoice's, its payment mode's, or the
        company's first IBAN."""
        self.ensure_one()
        candidates = (
            self.partner_bank_id
            | self.partner_banks_to_show()
            | self.company_id.partner_id.bank_ids
        )
        return candidates.filtered(lambda account: account.acc_type == "iban")[:1]

    def _cabinet_credited_invoice(self):
        """The invoice a credit note gives back: the one it reverses, or for a credit of days
        not used, the invoice that billed those days."""
        self.ensure_one()
        if self.move_type != "out_refund":
            return self.browse()
        if self.reversed_entry_id:
            return self.reversed_entry_id
        credits = (
            self.env["cabinet.billed.period"]
            .sudo()
            .search([("move_id", "=", self.id), ("kind", "=", "credit")])
        )
        charged = self.env["cabinet.billed.period"].sudo().search(
            [("kind", "=", "charge"), ("line_id", "in", credits.line_id.ids),
             ("period_start", "in", credits.mapped("period_start"))],
            order="id",
        )  # fmt: skip
        return charged.move_id[:1].sudo(False)

    def _cabinet_global_discount_lines(self):
        """The lines of a global discount (Odoo's discount on a whole sale order, carried to
        its invoice): a document-level allowance of the e-invoice, not a line."""
        return self.invoice_line_ids.filtered(
            lambda line: (
                line.display_type == "product"
                and (line.extra_tax_data or {})
                .get("computation_key", "")
                .startswith("global_discount,")
            )
        )

    def _cabinet_facturx_allowances(self):
        """{invoice line: facturx_cii.AllowanceCharge} of the global discount lines (BG-20,
        reason code 95 "discount"; a positive one is a charge, BG-21)."""
        env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        return {
            line: facturx_cii.AllowanceCharge(
                amount=abs(Decimal(str(line.price_subtotal))),
                tax=self._cabinet_facturx_tax(line),
                reason=line.name or env._("Discount"),
                reason_code="" if line.price_subtotal > 0 else "95",
                charge=line.price_subtotal > 0,
            )
            for line in self._cabinet_global_discount_lines()
        }

    def _cabinet_facturx_lines(self):
        """{invoice line: facturx_cii.Line} of the product lines, with the invoice's own
        figures: its quantity, its price and discount, its subtotal."""
        lines = {}
        for line in (
            self.invoice_line_ids.filtered(lambda item: item.display_type == "product")
            - self._cabinet_global_discount_lines()
        ):
            net, gross = self._cabinet_line_prices(line)
            lines[line] = facturx_cii.Line(
                name=line.product_id.name or line.name or "-",
                description=line.name
                if line.product_id and line.name and line.name != line.product_id.name
                else "",
                quantity=Decimal(str(line.quantity)),
                unit_price=net,
                gross_price=gross,
                net_amount=Decimal(str(line.price_subtotal)),
                tax=self._cabinet_facturx_tax(line),
            )  # fmt: skip
        return lines

    def _cabinet_tax_details(self, lines):
        """([facturx_cii.TaxSubtotal], [facturx_cii.AllowanceCharge]): the invoice's own VAT
        breakdown per category, Odoo's tax details rounded from the invoice's tax journal
        items (so the same under both tax rounding methods, per line and globally), and its
        fixed taxes (an eco-contribution), which are no VAT: document-level charges in the
        VAT category of their lines."""
        tax_model = self.env["account.tax"]
        base_lines, _tax_lines = self._get_rounded_base_and_tax_lines()
        keys = {line: facturx_cii._key(item.tax) for line, item in lines.items()}
        taxes = {key: item.tax for key, item in zip(keys.values(), lines.values(), strict=True)}

        def grouping(base_line, tax_data):
            # Early-payment discount and cash rounding lines have no e-invoice line: apart
            # under their own key, their difference shows when totals are compared.
            key = keys.get(base_line["record"], "other")
            if tax_data and tax_data["tax"].amount_type == "fixed":
                return ("fixed", tax_data["tax"], key)
            return key

        values = tax_model._aggregate_base_lines_aggregated_values(
            tax_model._aggregate_base_lines_tax_details(base_lines, grouping)
        )
        env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        breakdown, charges = [], []
        for key, amounts in values.items():
            tax_amount = Decimal(str(self.currency_id.round(amounts["tax_amount_currency"])))
            if key in taxes:
                basis = Decimal(str(self.currency_id.round(amounts["base_amount_currency"])))
                breakdown.append(facturx_cii.TaxSubtotal(taxes[key], basis, tax_amount))
            elif isinstance(key, tuple) and key[0] == "fixed" and key[2] in taxes and tax_amount:
                fixed = key[1].with_env(env)
                charges.append(
                    facturx_cii.AllowanceCharge(
                        amount=tax_amount, tax=taxes[key[2]], charge=True,
                        reason=fixed.invoice_label or fixed.name,
                    )
                )  # fmt: skip
        return breakdown, charges

    def _cabinet_fixed_taxes(self):
        """The amount of the invoice's fixed taxes, from its tax journal items."""
        return self.currency_id.round(
            sum(
                self.line_ids.filtered(lambda line: line.tax_line_id.amount_type == "fixed").mapped(
                    "amount_currency"
                )
            )
            * self.direction_sign
        )

    def _cabinet_payment_terms(self):
        """(first due date BT-9, payment terms text BT-20): the instalments of the invoice's
        own schedule, each with its amount and date, in the client's language."""
        self.ensure_one()
        env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        instalments = self.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).sorted(lambda line: (line.date_maturity or self.invoice_date, line.id))
        first_due = instalments[:1].date_maturity or self.invoice_date_due
        term_name = self.invoice_payment_term_id.with_env(env).name or ""
        if len(instalments) < 2:
            return first_due, term_name
        schedule = "; ".join(
            env._(
                "%(amount)s on %(date)s",
                amount=formatLang(env, abs(line.amount_currency), currency_obj=self.currency_id),
                date=format_date(env, line.date_maturity),
            )
            for line in instalments
        )
        return first_due, env._(
            "%(term)s: %(count)s instalments, %(schedule)s",
            term=term_name or env._("Instalments"),
            count=len(instalments),
            schedule=schedule,
        )

    def _cabinet_facturx_invoice(self):
        """This posted customer invoice or credit note as a ``facturx_cii.Invoice``, with
        its own figures: lines, VAT breakdown, prepaid amount."""
        self.ensure_one()
        company = self.company_id
        lines = self._cabinet_facturx_lines()
        allowances = self._cabinet_facturx_allowances()
        breakdown, fixed_charges = self._cabinet_tax_details({**lines, **allowances})
        first_due, terms = self._cabinet_payment_terms()
        values = {
            "number": self.name,
            "type_code": facturx_cii.CREDIT_NOTE
            if self.move_type == "out_refund"
            else facturx_cii.INVOICE,
            "issue_date": self.invoice_date,
            "currency": self.currency_id.name,
            "seller": self._cabinet_facturx_party(company.partner_id, company.partner_id.siren),
            "buyer": self._cabinet_facturx_party(self.partner_id,
                                                 self.commercial_partner_id.siren),
            "lines": list(lines.values()),
            "allowances_charges": list(allowances.values()) + fixed_charges,
            "vat_breakdown": breakdown,
            "due_date": first_due,
            "payment_terms": terms,
            "billing_mode": self._cabinet_facturx_billing_mode(),
            "prepaid_amount": Decimal(str(self._cabinet_prepaid_amount())),
            **self._cabinet_facturx_references(),
            "payment_reference": self.payment_reference or self.name,
            "notes": self._cabinet_facturx_notes(),
            "vat_point_code": "5" if company.vat_on_debits else "",
        }  # fmt: skip
        free_note = self._cabinet_free_note()
        if free_note:
            values["notes"] = {**values["notes"], facturx_cii.GENERAL_NOTE: free_note}
        shipping = self.partner_shipping_id
        if shipping and shipping != self.partner_id and shipping.street:
            values["delivery_party"] = facturx_cii.Party(
                name=shipping.name or shipping.commercial_partner_id.name,
                country=shipping.country_id.code or "FR", street=shipping.street or "",
                street2=shipping.street2 or "", zip=shipping.zip or "", city=shipping.city or "",
            )  # fmt: skip
        preceding = self._cabinet_credited_invoice()
        if preceding:
            values["preceding_invoice"] = preceding.name
            values["preceding_invoice_date"] = preceding.invoice_date
        if self.payment_mode_id.payment_method_id.code == SDD_METHOD_CODE and self.mandate_id:
            values.update(
                payment_means_code="59",
                creditor_id=company.sepa_creditor_identifier or "",
                mandate_reference=self.mandate_id.unique_mandate_reference or "",
                debtor_iban=self.mandate_id.partner_bank_id.sanitized_acc_number or "",
            )
        elif self.move_type == "out_refund":
            # A credit note is paid back to the client by transfer (58, to its IBAN), or set
            # off against what it owes when its IBAN is not known (1, instrument not defined).
            bank = (self.mandate_id.partner_bank_id | self.commercial_partner_id.bank_ids).filtered(
                lambda account: account.acc_type == "iban"
            )[:1]
            values.update(
                payment_means_code="58" if bank else "1",
                payee_iban=bank.sanitized_acc_number or "",
                payee_bic=bank.bank_bic or "",
            )
        else:
            # A SEPA credit transfer (58) names the firm's IBAN; without one, "30".
            bank = self._cabinet_payee_bank()
            values.update(
                payment_means_code="58" if bank else "30",
                payee_iban=bank.sanitized_acc_number or "",
                payee_bic=bank.bank_bic or "",
            )
        return facturx_cii.Invoice(**values)

    def _cabinet_is_public_body(self):
        client = self.commercial_partner_id.with_company(self.company_id)
        return client.invoice_sending_method == CHORUS_PRO or bool(client.einvoice_service_code)

    def _cabinet_free_note(self):
        """The invoice's free reference where it is no buyer reference: a credit note's
        reason, or an invoice's reference when the buyer is a public body (whose buyer
        reference is its service code). Carried as a note (BT-22)."""
        if not self.ref:
            return ""
        if self.move_type == "out_refund":
            return self.ref
        if self._cabinet_is_public_body():
            env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
            return env._("Reference: %(ref)s", ref=self.ref)
        return ""

    def _cabinet_facturx_references(self):
        """The buyer's references: BT-10 the buyer reference (a public body's service code,
        else the invoice's own buyer reference or free reference), BT-12 the contract, BT-13
        only the purchase order or legal commitment. The invoice's Chorus Pro fields where
        Odoo's l10n_fr_facturx_chorus_pro is installed, else the client's e-invoicing
        preferences."""
        client = self.commercial_partner_id
        chorus = CHORUS_PRO_FIELDS <= set(self._fields)
        given = (chorus and self.buyer_reference) or ""
        if self._cabinet_is_public_body():
            buyer_reference = given or client.einvoice_service_code or ""
        else:
            buyer_reference = given or (self.ref if self.move_type == "out_invoice" else "")
        return {
            "buyer_reference": buyer_reference or "",
            "purchase_order": (chorus and self.purchase_order_reference)
            or client.einvoice_commitment or "",
            "contract_reference": (chorus and self.contract_reference) or "",
        }  # fmt: skip

    @api.model
    def _cabinet_public_body_vals(self, client):
        """A new invoice's Chorus Pro fields (l10n_fr_facturx_chorus_pro, where installed)
        from the client's e-invoicing preferences."""
        if not CHORUS_PRO_FIELDS <= set(self._fields):
            return {}
        client = client.commercial_partner_id
        return {
            "buyer_reference": client.einvoice_service_code or False,
            "purchase_order_reference": client.einvoice_commitment or False,
        }

    def _cabinet_facturx_xml(self):
        return facturx_cii.build_cii(self._cabinet_facturx_invoice())
