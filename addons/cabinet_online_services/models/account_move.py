from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, formatLang, html2plaintext, is_html_empty

from ..rules import facturx_cii
from .account_move_facturx_check import FacturxRejected

SDD_METHOD_CODE = "sepa_direct_debit"
# Direct-debit orders whose file has not been sent to the bank yet.
ORDER_IN_PROGRESS = ("draft", "open", "generated")
EU_COUNTRIES = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
# The fields Odoo's l10n_fr_facturx_chorus_pro adds to invoices.
CHORUS_PRO_FIELDS = {"buyer_reference", "contract_reference", "purchase_order_reference"}
# The name of the Factur-X XML attachment of an issued invoice.
FACTURX_XML = "factur-x.xml"
# VAT categories with a rate; the others need an exemption reason.
RATED_CATEGORIES = ("S", "Z", "L", "M")
# The VATEX code a category implies when the tax gives none (exempt "E" has no default).
DEFAULT_EXEMPTION_CODES = {
    "AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O",
}  # fmt: skip


class AccountMove(models.Model):
    _inherit = "account.move"

    def _free_billed_periods(self):
        """An online services invoice that is cancelled or deleted no longer bills its
        periods nor its usage: the next billing run bills them again."""
        periods = self.env["cabinet.billed.period"].sudo().search([("move_id", "in", self.ids)])
        periods.unlink()
        self.env["cabinet.usage.line"].sudo().search(
            [("move_id", "in", self.ids), ("state", "=", "billed")]
        ).write({"state": "to_bill", "move_id": False})

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered(lambda move: move.state == "cancel")._free_billed_periods()
        return result

    def unlink(self):
        self._free_billed_periods()
        return super().unlink()

    # ------------------------------------------------------------------------------------
    # SEPA direct debit
    # ------------------------------------------------------------------------------------
    @api.model
    def _cabinet_debit_lines(self, domain, due_by=None):
        """The open instalments of the posted invoices of ``domain`` (on journal items), paid
        by SEPA direct debit with a valid mandate, due by ``due_by`` (all when None), and in no
        order not yet sent to the bank."""
        domain = [
            *domain,
            ("move_id.move_type", "=", "out_invoice"),
            ("parent_state", "=", "posted"),
            ("display_type", "=", "payment_term"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("move_id.payment_mode_id.payment_method_id.code", "=", SDD_METHOD_CODE),
            ("move_id.mandate_id.state", "=", "valid"),
            ("payment_line_ids", "not any", [("state", "in", ORDER_IN_PROGRESS)]),
        ]
        if due_by:
            domain.append(("date_maturity", "<=", due_by))
        return self.env["account.move.line"].search(domain, order="date_maturity, id")

    @api.model
    def _cabinet_prepare_direct_debits(self, domain, due_by=None):
        """Put the instalments of the invoices of ``domain`` due by ``due_by`` into the draft
        direct-debit order of their payment mode (created when there is none). Returns the
        orders."""
        lines = self._cabinet_debit_lines(domain, due_by)
        by_mode = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            by_mode[line.move_id.payment_mode_id] |= line
        orders = self.env["account.payment.order"]
        for mode, mode_lines in by_mode.items():
            order = orders.search(
                [("payment_mode_id", "=", mode.id), ("state", "=", "draft")], limit=1
            ) or orders.create({"payment_mode_id": mode.id})
            mode_lines.create_payment_line_from_move_line(order)
            orders |= order
        return orders

    def action_cabinet_prepare_direct_debits(self):
        """Gather the selected invoices paid by direct debit into direct-debit orders."""
        orders = self._cabinet_prepare_direct_debits([("move_id", "in", self.ids)])
        if not orders:
            raise UserError(
                self.env._(
                    "None of these invoices has an instalment to collect by SEPA direct debit: "
                    "they must be posted, unpaid, paid by direct debit with a valid mandate, "
                    "and in no direct-debit order not yet sent to the bank."
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account_payment_order.account_payment_order_inbound_action"
        )
        if len(orders) == 1:
            action.update({"view_mode": "form", "views": [(False, "form")], "res_id": orders.id})
        else:
            action["domain"] = [("id", "in", orders.ids)]
        return action

    @api.model
    def _cron_cabinet_prepare_direct_debits(self):
        """Daily: the online services instalments due within each company's lead time go
        into draft direct-debit orders."""
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("online_services_journal_id", "!=", False)])
        for company in companies:
            self.with_company(company)._cabinet_prepare_direct_debits(
                [("journal_id", "=", company.online_services_journal_id.id)],
                today + timedelta(days=company.online_services_debit_lead_days),
            )

    # ------------------------------------------------------------------------------------
    # Factur-X
    # ------------------------------------------------------------------------------------
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
        client = self.commercial_partner_id
        return client.einvoice_format == "chorus_pro" or bool(client.einvoice_service_code)

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

    def _cabinet_facturx_problems(self):
        """What the Factur-X XSD and the EN 16931 and French schematrons reject."""
        self.ensure_one()
        return self._cabinet_facturx_rejections().get(self, [])

    def _cabinet_facturx_missing(self):
        """{invoice: [what the French rules require and the invoice lacks]}, in the user's
        language; an invoice missing nothing is not listed."""
        missing = {}
        for move in self:
            seller = move.company_id.partner_id
            buyer = move.commercial_partner_id
            problems = []
            if move.state != "posted" or move.move_type not in ("out_invoice", "out_refund"):
                problems.append(self.env._("it is not a posted customer invoice or credit note"))
            if not seller.siren:
                problems.append(self.env._("the SIREN of %(company)s", company=seller.name))
            if not seller.vat:
                problems.append(self.env._("the VAT number of %(company)s", company=seller.name))
            if buyer.country_id.code == "FR" and buyer.is_company and not buyer.siren:
                problems.append(self.env._("the SIREN of the client %(client)s",
                                           client=buyer.name))  # fmt: skip
            if not (buyer.street and buyer.zip and buyer.city):
                problems.append(self.env._("the address of the client %(client)s",
                                           client=buyer.name))  # fmt: skip
            categories = set()
            for line in move.invoice_line_ids.filtered(lambda item: item.display_type == "product"):
                tax = move._cabinet_facturx_tax(line)
                categories.add(tax.category)
                if (
                    tax.category == "E"
                    and not tax.exemption_code
                    and is_html_empty(line.tax_ids[:1].invoice_legal_notes)
                ):
                    problems.append(
                        self.env._(
                            "the VAT exemption reason of “%(tax)s” on “%(line)s” (its Tax "
                            "Exemption Reason Code, VATEX, or its legal notes)",
                            tax=line.tax_ids[:1].name or self.env._("no tax"),
                            line=line.name or line.product_id.name,
                        )
                    )
            if "O" in categories and len(categories) > 1:
                problems.append(
                    self.env._(
                        "a separate invoice for the lines outside the scope of VAT: an "
                        "e-invoice cannot mix them with lines subject to VAT (European standard "
                        "EN 16931). Disbursements (débours) re-invoiced at cost take the "
                        "“Débours” tax, which can sit beside VAT."
                    )
                )
            if move.payment_mode_id.payment_method_id.code == SDD_METHOD_CODE:
                if not move.mandate_id.partner_bank_id:
                    problems.append(self.env._("the client's bank account and SEPA mandate"))
            elif not move._cabinet_payee_bank():
                problems.append(self.env._("the IBAN of the firm's bank account to be paid on"))
            if problems:
                missing[move] = problems
        return missing

    def _cabinet_facturx_differences(self, xml):
        """What the totals written in ``xml`` say otherwise than the invoice, in words with
        both figures; empty when they agree."""
        self.ensure_one()
        written = facturx_cii.written_totals(xml)
        # Fixed taxes are charges of the e-invoice: in its taxable amount, not in its VAT.
        fixed = self._cabinet_fixed_taxes()
        expected = {
            "tax_basis_total": (self.amount_untaxed + fixed, self.env._("total without tax")),
            "tax_total": (self.amount_tax - fixed, self.env._("VAT")),
            "grand_total": (self.amount_total, self.env._("total with tax")),
            "due": (
                self.amount_total - self._cabinet_prepaid_amount(),
                self.env._("amount due"),
            ),
        }
        return [
            self.env._(
                "the %(total)s of the e-invoice, %(xml)s, differs from the invoice's, %(invoice)s",
                total=label,
                xml=formatLang(self.env, float(written[key]), currency_obj=self.currency_id),
                invoice=formatLang(self.env, figure, currency_obj=self.currency_id),
            )
            for key, (figure, label) in expected.items()
            if self.currency_id.compare_amounts(float(written.get(key, 0)), figure)
        ]

    def _cabinet_check_totals(self, xmls):
        """Refuse to issue an e-invoice whose totals are not its invoice's: {invoice: xml}."""
        differences = {}
        for move, xml in xmls.items():
            found = move.with_env(self.env)._cabinet_facturx_differences(xml)
            if found:
                differences[move] = found
        if differences:
            raise UserError(
                self.env._("These e-invoices do not say what their invoices say:")
                + "".join(
                    f"\n- {move.name}: " + "; ".join(found) for move, found in differences.items()
                )
            )

    def _cabinet_check_facturx(self, meanwhile=None):
        """Refuse, with the list of what is missing, to issue invoices the rules reject.
        While the checker process runs the XSD and schematrons, ``meanwhile()`` runs here
        (e.g. the PDF render) and its result is returned."""
        missing = self._cabinet_facturx_missing()
        rejections = (
            self - self.browse([move.id for move in missing])
        )._cabinet_facturx_check_start()
        result = meanwhile() if meanwhile and not missing else None
        for move, problems in rejections().items():
            missing[move] = [f"{rule}: {text}" for rule, text in problems]
        if missing:
            raise FacturxRejected(
                self.env._("These invoices cannot be issued as Factur-X yet:")
                + "".join(
                    "\n- "
                    + self.env._(
                        "%(invoice)s: missing %(missing)s",
                        invoice=move.name or move.display_name,
                        missing="; ".join(problems),
                    )
                    for move, problems in missing.items()
                ),
                missing,
            )
        return result

    def _cabinet_issue_facturx(self, checked=False):
        """Issue these invoices as Factur-X: checked, their PDF rendered in one report call
        and split per invoice, the CII XML built and embedded (PDF/A-3), and both kept as
        attachments of the invoice. Returns {invoice: attachment of the PDF}. ``checked``: the
        caller has run the checks already."""
        import facturx  # noqa: PLC0415 - needs stdnum's data files, restored at import

        issued = self._cabinet_issued_facturx()
        todo = self.filtered(lambda move: move not in issued)
        if not todo:
            return issued
        if checked:
            pdfs = todo._cabinet_invoice_pdfs()
        else:
            pdfs = todo._cabinet_check_facturx(meanwhile=todo._cabinet_invoice_pdfs)
        xmls = {move: move._cabinet_facturx_xml() for move in todo}
        todo._cabinet_check_totals(xmls)
        vals_list = []
        for move in todo:
            xml = xmls[move]
            pdf = facturx.generate_from_binary(
                pdfs[move], xml, flavor="factur-x",
                level="en16931", check_xsd=True, lang=(move.partner_id.lang or "fr_FR")[:2],
            )  # fmt: skip
            name = move._get_invoice_report_filename()
            vals_list += [
                {"name": name, "raw": pdf, "mimetype": "application/pdf",
                 "res_model": "account.move", "res_id": move.id},
                {"name": FACTURX_XML, "raw": xml, "mimetype": "application/xml",
                 "res_model": "account.move", "res_id": move.id},
            ]  # fmt: skip
        attachments = self.env["ir.attachment"].create(vals_list)
        return {**issued, **dict(zip(todo, attachments[0::2], strict=True))}

    def _cabinet_issued_facturx(self):
        """{invoice: attachment of its Factur-X PDF} of those issued already: the first
        issue is the e-invoice, kept and returned, never issued again."""
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "in", self.ids),
             ("name", "=", FACTURX_XML)], order="id"
        )  # fmt: skip
        xml_by_move = {}
        for attachment in attachments:
            xml_by_move.setdefault(attachment.res_id, attachment)
        if not xml_by_move:
            return {}
        pdfs = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "in", list(xml_by_move)),
             ("mimetype", "=", "application/pdf")], order="id"
        )  # fmt: skip
        issued = {}
        for move in self.filtered(lambda item: item.id in xml_by_move):
            # The PDF made with the XML: the first one after it, of the same name.
            pdf = pdfs.filtered(
                lambda attachment, move=move: (
                    attachment.res_id == move.id
                    and attachment.id < xml_by_move[move.id].id
                    and attachment.name == move._get_invoice_report_filename()
                )
            )[-1:]
            if pdf:
                issued[move] = pdf
        return issued

    def _cabinet_invoice_pdfs(self):
        """{invoice: PDF bytes} of Odoo's invoice report, rendered once for all of them and
        split per invoice (see ``ir.actions.report._cabinet_render_pdfs``)."""
        pdfs = self.env["ir.actions.report"]._cabinet_render_pdfs(
            "account.account_invoices", self.ids
        )
        return {move: pdfs[move.id] for move in self}

    def _cabinet_render_invoice_pdfs(self):
        """{invoice: attachment of its plain PDF}, rendered in one report call."""
        pdfs = self._cabinet_invoice_pdfs()
        attachments = self.env["ir.attachment"].create(
            [
                {"name": move._get_invoice_report_filename(), "raw": pdfs[move],
                 "mimetype": "application/pdf", "res_model": "account.move", "res_id": move.id}
                for move in self
            ]
        )  # fmt: skip
        return dict(zip(self, attachments, strict=True))

    def _cabinet_einvoice_route(self):
        """How and where this invoice goes: the client's format if it agreed to one (a PDF
        by email otherwise), to its invoicing email, else its payer's, else its own."""
        self.ensure_one()
        client = self.commercial_partner_id
        einvoice_format = client.einvoice_format if client.einvoice_agreed_on else "pdf_email"
        if client._is_private_individual():
            # Individuals are in the e-reporting scope: never an e-invoice.
            einvoice_format = "pdf_email"
        if einvoice_format == "chorus_pro":
            destination = "Chorus Pro " + (client.einvoice_service_code or client.siren or "")
        else:
            payer = client.sudo().payer_id
            destination = client.einvoice_email or payer.email or client.email or ""
        return {"einvoice_format": einvoice_format or "pdf_email", "destination": destination}

    def action_cabinet_send_einvoices(self):
        """Send the selected invoices as their clients agreed, in the background."""
        batch = self.env["cabinet.einvoice.batch"]._queue(self)
        if not batch:
            raise UserError(
                self.env._("These invoices are already sent or being sent, or not posted.")
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cabinet.einvoice.batch",
            "res_id": batch.id,
            "view_mode": "form",
        }

    @api.model
    def get_facturx(self, invoice_ids):
        """For integrators (XML-RPC): the Factur-X PDF and XML of posted invoices, issued
        when not yet (once: fetching again returns the same documents and stores nothing),
        as ``[{"id", "name", "filename", "pdf", "xml"}]`` (base64)."""
        moves = self.browse(invoice_ids)
        moves.check_access("read")
        pdfs = moves._cabinet_issue_facturx()
        xmls = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "in", moves.ids),
             ("name", "=", FACTURX_XML)], order="id"
        )  # fmt: skip
        result = []
        for move in moves:
            xml = xmls.filtered(lambda attachment, move=move: attachment.res_id == move.id)[:1]
            pdf = pdfs[move]
            result.append({"id": move.id, "name": move.name, "filename": pdf.name,
                           "pdf": pdf.datas.decode(), "xml": xml.datas.decode()})  # fmt: skip
        return result

    def _cabinet_invoice_mentions(self):
        """The French mentions the invoice PDF carries, as in its Factur-X: the client's
        SIREN, the nature of the operation, the due date and the B2B payment mentions of
        Code de commerce L441-9. Empty outside French customer invoices."""
        self.ensure_one()
        if self.move_type not in ("out_invoice", "out_refund") or (
            self.company_id.country_id.code != "FR"
        ):
            return []
        mentions = []
        if self.commercial_partner_id.siren:
            mentions.append(
                self.env._("Client SIREN: %(siren)s", siren=self.commercial_partner_id.siren)
            )
        # Odoo's French localisation prints the operation type and the VAT on debits itself
        # when the taxes say them (their scope, their exigibility): never twice.
        french_report = "l10n_fr_is_company_french" in self._fields and (
            self.l10n_fr_is_company_french
        )
        taxes = self.invoice_line_ids.tax_ids
        if not (french_report and any(taxes.mapped("tax_scope"))):
            mentions.append(self._cabinet_operation_nature())
        localised_debits = french_report and any(
            line.product_id.type == "service"
            and any(t.tax_exigibility == "on_invoice" and t.tax_scope == "consu"
                    for t in line.tax_ids)
            for line in self.invoice_line_ids
        )  # fmt: skip
        if self.company_id.vat_on_debits and not localised_debits:
            mentions.append(self.env._("Option for the payment of VAT on debits."))
        first_due, terms = self._cabinet_payment_terms()
        if first_due and self.move_type == "out_invoice":
            mentions.append(self.env._("Due date: %(date)s", date=format_date(self.env, first_due)))
            if len(self.line_ids.filtered(lambda line: line.display_type == "payment_term")) > 1:
                mentions.append(terms)
        notes = self._cabinet_facturx_notes()
        if self.commercial_partner_id._is_private_individual():
            # No business-to-business mention for a consumer; an early payment discount, if
            # any, still stated.
            term = self.invoice_payment_term_id
            return mentions + ([notes["AAB"]] if term.early_discount else [])
        return mentions + [notes["PMD"], notes["PMT"], notes["AAB"]]

    def _cabinet_first_due_date(self):
        """The first due date of the invoice's instalments (the one its e-invoice states)."""
        self.ensure_one()
        return self._cabinet_payment_terms()[0]

    def _cabinet_operation_nature(self):
        return {
            "S": self.env._("Nature of the operation: services"),
            "B": self.env._("Nature of the operation: delivery of goods"),
            "M": self.env._("Nature of the operation: delivery of goods and services"),
        }[self._cabinet_facturx_billing_mode()[0]]

    def action_cabinet_download_facturx(self):
        """Issue this invoice as Factur-X (once) and download it."""
        self.ensure_one()
        self.check_access("read")
        attachment = self._cabinet_issue_facturx()[self]
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
