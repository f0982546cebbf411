"""The CII XML of a Factur-X invoice at the EN 16931 profile, with the French CTC mentions.

Plain Python over dataclasses, so the XML is built and checked without a database: the
Odoo side only fills an ``Invoice``. What the French rules add to EN 16931: the billing mode
(BT-23, e.g. ``S1`` for services), the 9-digit SIREN as legal registration (scheme 0002), the
electronic addresses of seller and buyer (BT-34/BT-49, scheme 0225 for the SIREN), and the
notes of the B2B payment mentions of Code de commerce L441-9: recovery indemnity (PMT), late
penalties (PMD) and discount or its absence (AAB).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"

INVOICE = "380"
CREDIT_NOTE = "381"
# Billing modes of the French CTC (BT-23): B = goods, S = services, M = mixed; 1 = invoice
# to pay, 2 = already paid, 4 = final invoice after down payments.
SIREN_SCHEME = "0002"
SIREN_ADDRESS_SCHEME = "0225"
EMAIL_SCHEME = "EM"
CENT = Decimal("0.01")
# Unit prices carry at most 4 decimals (the French rules allow 6 for BT-146, EN 16931 needs
# no more), quantities at most 4 (BR-FR-DEC-02).
PRICE_DECIMALS = 4
# The characters XML 1.0 cannot carry (control characters but tab and line breaks,
# surrogates and the two non-characters U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The subject code (UNTDID 4451) of a free note: general information.
GENERAL_NOTE = "AAI"
# The French processing-type note (BR-FR-31) that marks a consumer invoice, in the
# e-reporting scope rather than e-invoicing.
PROCESSING_NOTE = "BAR"
CONSUMER = "B2C"


def amount(value):
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def price(value):
    """A unit price as written: its own decimals, at least two, at most four (40.00,
    12.345, 0.0833)."""
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-PRICE_DECIMALS), ROUND_HALF_UP)
    value = value.normalize()
    return f"{value.quantize(CENT) if value.as_tuple().exponent > -2 else value:f}"


def quantity(value):
    """A quantity as written: at most four decimals, no trailing zeros (1, 0.5, 2.3333)."""
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-PRICE_DECIMALS), ROUND_HALF_UP)
    return f"{value.normalize():f}" if value else "0"


def clean_text(text):
    """``text`` without the characters XML cannot carry (a control character typed or
    pasted in a label), which lxml would refuse."""
    return _NOT_XML.sub("", text)


@dataclass
class Party:
    name: str
    country: str
    siren: str = ""
    vat: str = ""
    street: str = ""
    street2: str = ""
    zip: str = ""
    city: str = ""
    electronic_address: str = ""
    electronic_scheme: str = SIREN_ADDRESS_SCHEME
    email: str = ""


@dataclass
class Tax:
    """A VAT category of a line or of the breakdown: ``category`` S (standard), Z (zero),
    E (exempt, with a reason), AE (reverse charge), K (intra-EU), O (outside scope)."""

    category: str
    rate: Decimal = Decimal(0)
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass
class Line:
    """An invoice line: ``unit_price`` is its net price (BT-146), ``gross_price`` its price
    before the discount (BT-148, None without a discount) and ``net_amount`` its net amount
    (BT-131) as the invoice states it; quantity times net price when not given."""

    name: str
    quantity: Decimal
    unit_price: Decimal
    tax: Tax
    unit_code: str = "C62"
    description: str = ""
    gross_price: Decimal | None = None
    net_amount: Decimal | None = None

    @property
    def total(self):
        if self.net_amount is not None:
            return amount(self.net_amount)
        return amount(Decimal(str(self.quantity)) * Decimal(str(self.unit_price)))


@dataclass
class AllowanceCharge:
    """A document-level allowance (BG-20) or charge (BG-21, ``charge`` True), without tax,
    in a VAT category."""

    amount: Decimal
    tax: Tax
    reason: str = ""
    reason_code: str = ""
    charge: bool = False


@dataclass
class TaxSubtotal:
    """A VAT breakdown entry (BG-23): the taxable amount and the VAT of a category, as the
    invoice states them."""

    tax: Tax
    basis: Decimal
    amount: Decimal


@dataclass
class Totals:
    """The document totals (BG-22)."""

    line_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_basis_total: Decimal
    tax_total: Decimal
    grand_total: Decimal
    prepaid: Decimal
    due: Decimal


@dataclass
class Invoice:
    number: str
    type_code: str
    issue_date: date
    currency: str
    seller: Party
    buyer: Party
    lines: list
    billing_mode: str = "S1"
    due_date: date | None = None
    payment_means_code: str = "30"
    payee_iban: str = ""
    payee_bic: str = ""
    creditor_id: str = ""
    mandate_reference: str = ""
    debtor_iban: str = ""
    payment_reference: str = ""
    payment_terms: str = ""
    buyer_reference: str = ""
    purchase_order: str = ""
    contract_reference: str = ""
    preceding_invoice: str = ""
    preceding_invoice_date: date | None = None
    prepaid_amount: Decimal = Decimal(0)
    delivery_date: date | None = None
    # Deliver-to party and address (BG-13..BG-15) when it differs from the buyer's.
    delivery_party: Party | None = None
    # BT-8: when VAT falls due, "5" on the invoice date (option for VAT on debits), "72" on
    # payment (services by default), "" to leave it out.
    vat_point_code: str = ""
    notes: dict = field(default_factory=dict)
    # Document-level allowances and charges (BG-20, BG-21).
    allowances_charges: list = field(default_factory=list)
    # The VAT breakdown as the invoice states it ([TaxSubtotal]); None: computed from the
    # lines (each category's VAT rounded once).
    vat_breakdown: list | None = None


def _key(tax):
    return (tax.category, Decimal(str(tax.rate)), tax.exemption_reason, tax.exemption_code)


def tax_breakdown(invoice):
    """The VAT breakdown of ``invoice``: its own when given, else the taxable amount of
    each category (lines, less allowances, plus charges) and its VAT rounded once, in order
    of appearance."""
    if invoice.vat_breakdown is not None:
        return list(invoice.vat_breakdown)
    bases = {}
    for tax, basis in [(line.tax, line.total) for line in invoice.lines] + [
        (item.tax, amount(item.amount) if item.charge else -amount(item.amount))
        for item in invoice.allowances_charges
    ]:
        entry = bases.setdefault(_key(tax), [tax, Decimal(0)])
        entry[1] += basis
    return [
        TaxSubtotal(tax, basis, amount(basis * Decimal(str(tax.rate)) / 100))
        for tax, basis in bases.values()
    ]


def totals(invoice):
    """The document totals of ``invoice`` from its lines, allowances and charges and VAT
    breakdown."""
    line_total = sum((line.total for line in invoice.lines), Decimal(0))
    allowances = sum((amount(item.amount) for item in invoice.allowances_charges
                      if not item.charge), Decimal(0))  # fmt: skip
    charges = sum((amount(item.amount) for item in invoice.allowances_charges
                   if item.charge), Decimal(0))  # fmt: skip
    tax_total = sum((amount(entry.amount) for entry in tax_breakdown(invoice)), Decimal(0))
    basis = line_total - allowances + charges
    prepaid = amount(invoice.prepaid_amount)
    return Totals(line_total, allowances, charges, basis, tax_total, basis + tax_total,
                  prepaid, basis + tax_total - prepaid)  # fmt: skip


def _sub(parent, tag, text=None, **attrib):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrib)
    if text is not None:
        element.text = clean_text(str(text))
    return element


def _date(parent, tag, day):
    wrapper = _sub(parent, tag)
    _sub(wrapper, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _party(parent, tag, party):
    element = _sub(parent, tag)
    _sub(element, "ram:Name", party.name)
    if party.siren:
        organization = _sub(element, "ram:SpecifiedLegalOrganization")
        _sub(organization, "ram:ID", party.siren, schemeID=SIREN_SCHEME)
    address = _sub(element, "ram:PostalTradeAddress")
    if party.zip:
        _sub(address, "ram:PostcodeCode", party.zip)
    if party.street:
        _sub(address, "ram:LineOne", party.street)
    if party.street2:
        _sub(address, "ram:LineTwo", party.street2)
    if party.city:
        _sub(address, "ram:CityName", party.city)
    _sub(address, "ram:CountryID", party.country)
    if party.electronic_address:
        uri = _sub(element, "ram:URIUniversalCommunication")
        _sub(uri, "ram:URIID", party.electronic_address, schemeID=party.electronic_scheme)
    if party.vat:
        registration = _sub(element, "ram:SpecifiedTaxRegistration")
        _sub(registration, "ram:ID", party.vat, schemeID="VA")
    return element


def _rate_text(rate):
    """20 -> "20", 5.5 -> "5.5", 0 -> "0"."""
    text = f"{Decimal(str(rate)):.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tax(parent, tax, basis=None, calculated=None, vat_point_code=""):
    """An ApplicableTradeTax of a line (``tax`` only) or of the VAT breakdown."""
    element = _sub(parent, "ram:ApplicableTradeTax")
    if calculated is not None:
        _sub(element, "ram:CalculatedAmount", calculated)
    _sub(element, "ram:TypeCode", "VAT")
    if tax.exemption_reason and basis is not None:
        _sub(element, "ram:ExemptionReason", tax.exemption_reason)
    if basis is not None:
        _sub(element, "ram:BasisAmount", basis)
    _sub(element, "ram:CategoryCode", tax.category)
    if tax.exemption_code and basis is not None:
        _sub(element, "ram:ExemptionReasonCode", tax.exemption_code)
    if vat_point_code:
        _sub(element, "ram:DueDateTypeCode", vat_point_code)
    if tax.category != "O":
        _sub(element, "ram:RateApplicablePercent", _rate_text(tax.rate))
    return element


def _document(root, invoice):
    context = _sub(root, "rsm:ExchangedDocumentContext")
    process = _sub(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
    _sub(process, "ram:ID", invoice.billing_mode)
    guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _sub(guideline, "ram:ID", EN16931)
    document = _sub(root, "rsm:ExchangedDocument")
    _sub(document, "ram:ID", invoice.number)
    _sub(document, "ram:TypeCode", invoice.type_code)
    _date(document, "ram:IssueDateTime", invoice.issue_date)
    for subject, content in invoice.notes.items():
        note = _sub(document, "ram:IncludedNote")
        _sub(note, "ram:Content", content)
        _sub(note, "ram:SubjectCode", subject)


def _line_item(transaction, index, line):
    item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
    line_document = _sub(item, "ram:AssociatedDocumentLineDocument")
    _sub(line_document, "ram:LineID", index)
    product = _sub(item, "ram:SpecifiedTradeProduct")
    _sub(product, "ram:Name", line.name)
    if line.description:
        _sub(product, "ram:Description", line.description)
    agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
    net_price = Decimal(str(line.unit_price))
    billed = Decimal(str(line.quantity))
    # Prices are never negative (BR-27, BR-28): a line typed with a negative price (a
    # discount line) is written as a negative quantity at a positive price.
    sign = -1 if net_price < 0 else 1
    if line.gross_price is not None and Decimal(str(line.gross_price)) != net_price:
        # A discounted line: its price before the discount (BT-148) and the discount (BT-147).
        gross_price = Decimal(str(line.gross_price))
        gross = _sub(agreement, "ram:GrossPriceProductTradePrice")
        _sub(gross, "ram:ChargeAmount", price(sign * gross_price))
        allowance = _sub(gross, "ram:AppliedTradeAllowanceCharge")
        _sub(_sub(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        _sub(allowance, "ram:ActualAmount",
             price(sign * gross_price - Decimal(price(sign * net_price))))  # fmt: skip
    net = _sub(agreement, "ram:NetPriceProductTradePrice")
    _sub(net, "ram:ChargeAmount", price(sign * net_price))
    delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
    _sub(delivery, "ram:BilledQuantity", quantity(sign * billed), unitCode=line.unit_code)
    settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
    _tax(settlement, line.tax)
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", line.total)


def _agreement_and_delivery(transaction, invoice):
    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    if invoice.buyer_reference:
        _sub(agreement, "ram:BuyerReference", invoice.buyer_reference)
    _party(agreement, "ram:SellerTradeParty", invoice.seller)
    _party(agreement, "ram:BuyerTradeParty", invoice.buyer)
    if invoice.purchase_order:
        order = _sub(agreement, "ram:BuyerOrderReferencedDocument")
        _sub(order, "ram:IssuerAssignedID", invoice.purchase_order)
    if invoice.contract_reference:
        contract = _sub(agreement, "ram:ContractReferencedDocument")
        _sub(contract, "ram:IssuerAssignedID", invoice.contract_reference)
    delivery = _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    if invoice.delivery_party:
        ship_to = _sub(delivery, "ram:ShipToTradeParty")
        _sub(ship_to, "ram:Name", invoice.delivery_party.name)
        address = _sub(ship_to, "ram:PostalTradeAddress")
        for tag, value in (("ram:PostcodeCode", invoice.delivery_party.zip),
                           ("ram:LineOne", invoice.delivery_party.street),
                           ("ram:LineTwo", invoice.delivery_party.street2),
                           ("ram:CityName", invoice.delivery_party.city)):  # fmt: skip
            if value:
                _sub(address, tag, value)
        _sub(address, "ram:CountryID", invoice.delivery_party.country)
    if invoice.delivery_date:
        event = _sub(delivery, "ram:ActualDeliverySupplyChainEvent")
        _date(event, "ram:OccurrenceDateTime", invoice.delivery_date)


def _payment_means(settlement, invoice):
    means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _sub(means, "ram:TypeCode", invoice.payment_means_code)
    if invoice.debtor_iban:
        debtor = _sub(means, "ram:PayerPartyDebtorFinancialAccount")
        _sub(debtor, "ram:IBANID", invoice.debtor_iban)
    if invoice.payee_iban:
        account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
        _sub(account, "ram:IBANID", invoice.payee_iban)
        if invoice.payee_bic:
            institution = _sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _sub(institution, "ram:BICID", invoice.payee_bic)


def _allowance_charge(settlement, item):
    element = _sub(settlement, "ram:SpecifiedTradeAllowanceCharge")
    _sub(_sub(element, "ram:ChargeIndicator"), "udt:Indicator", "true" if item.charge else "false")
    _sub(element, "ram:ActualAmount", amount(item.amount))
    if item.reason_code:
        _sub(element, "ram:ReasonCode", item.reason_code)
    if item.reason:
        _sub(element, "ram:Reason", item.reason)
    category = _sub(element, "ram:CategoryTradeTax")
    _sub(category, "ram:TypeCode", "VAT")
    _sub(category, "ram:CategoryCode", item.tax.category)
    if item.tax.category != "O":
        _sub(category, "ram:RateApplicablePercent", _rate_text(item.tax.rate))


def _settlement(transaction, invoice):
    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    if invoice.creditor_id:
        _sub(settlement, "ram:CreditorReferenceID", invoice.creditor_id)
    if invoice.payment_reference:
        _sub(settlement, "ram:PaymentReference", invoice.payment_reference)
    _sub(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
    _payment_means(settlement, invoice)
    for entry in tax_breakdown(invoice):
        point = invoice.vat_point_code if entry.tax.category == "S" else ""
        _tax(settlement, entry.tax, basis=amount(entry.basis), calculated=amount(entry.amount),
             vat_point_code=point)  # fmt: skip
    for item in invoice.allowances_charges:
        _allowance_charge(settlement, item)
    if invoice.payment_terms or invoice.due_date or invoice.mandate_reference:
        terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
        if invoice.payment_terms:
            _sub(terms, "ram:Description", invoice.payment_terms)
        if invoice.due_date:
            _date(terms, "ram:DueDateDateTime", invoice.due_date)
        if invoice.mandate_reference:
            _sub(terms, "ram:DirectDebitMandateID", invoice.mandate_reference)
    total = totals(invoice)
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _sub(summation, "ram:LineTotalAmount", total.line_total)
    if invoice.allowances_charges:
        _sub(summation, "ram:ChargeTotalAmount", total.charge_total)
        _sub(summation, "ram:AllowanceTotalAmount", total.allowance_total)
    _sub(summation, "ram:TaxBasisTotalAmount", total.tax_basis_total)
    _sub(summation, "ram:TaxTotalAmount", total.tax_total, currencyID=invoice.currency)
    _sub(summation, "ram:GrandTotalAmount", total.grand_total)
    if total.prepaid:
        _sub(summation, "ram:TotalPrepaidAmount", total.prepaid)
    _sub(summation, "ram:DuePayableAmount", total.due)
    if invoice.preceding_invoice:
        preceding = _sub(settlement, "ram:InvoiceReferencedDocument")
        _sub(preceding, "ram:IssuerAssignedID", invoice.preceding_invoice)
        if invoice.preceding_invoice_date:
            formatted = _sub(preceding, "ram:FormattedIssueDateTime")
            _sub(formatted, "qdt:DateTimeString",
                 invoice.preceding_invoice_date.strftime("%Y%m%d"), format="102")  # fmt: skip


def build_cii(invoice):
    """The CII XML (bytes) of ``invoice`` at the EN 16931 profile."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    _document(root, invoice)
    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for index, line in enumerate(invoice.lines, start=1):
        _line_item(transaction, index, line)
    _agreement_and_delivery(transaction, invoice)
    _settlement(transaction, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def written_totals(xml):
    """{"line_total", "tax_basis_total", "tax_total", "grand_total", "prepaid", "due"} as
    written in a CII XML (bytes), to compare with the invoice it was built from."""
    root = etree.fromstring(xml)
    summation = root.find(
        f".//{{{RAM}}}ApplicableHeaderTradeSettlement"
        f"/{{{RAM}}}SpecifiedTradeSettlementHeaderMonetarySummation"
    )
    tags = {"line_total": "LineTotalAmount", "tax_basis_total": "TaxBasisTotalAmount",
            "tax_total": "TaxTotalAmount",
            "grand_total": "GrandTotalAmount", "prepaid": "TotalPrepaidAmount",
            "due": "DuePayableAmount"}  # fmt: skip
    return {key: Decimal(summation.findtext(f"{{{RAM}}}{tag}") or 0) for key, tag in tags.items()}
