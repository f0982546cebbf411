"""Factur-X CII of our invoices against the official XSD and schematrons
(addons/cabinet_online_services/rules/facturx_cii.py, tools/facturx_validation.py)."""

from datetime import date
from decimal import Decimal as D

import pytest

from cabinet_online_services_rules import facturx_cii as fx
from cabinet_online_services_tools import facturx_validation

pytest.importorskip("facturx")
pytest.importorskip("saxonche")

NOTES = {
    "PMT": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
    "40 € (article D441-5 du Code de commerce).",
    "PMD": "Pénalités de retard : taux de refinancement de la BCE majoré de 10 points "
    "(article L441-10 du Code de commerce).",
    "AAB": "Pas d'escompte pour paiement anticipé.",
}
SELLER = fx.Party("Cabinet Expertise SAS", "FR", siren="823054015", vat="FR12823054015",
                  street="1 rue de la Paix", zip="75002", city="Paris",
                  electronic_address="823054015")  # fmt: skip
BUYER = fx.Party("Boulangerie Martin", "FR", siren="552032534", vat="FR06552032534",
                 street="3 place du Marché", zip="69001", city="Lyon",
                 electronic_address="552032534")  # fmt: skip
STANDARD = fx.Tax("S", D("20"))


def invoice(**overrides):
    values = {
        "number": "FAC/2026/00001",
        "type_code": fx.INVOICE,
        "issue_date": date(2026, 11, 25),
        "currency": "EUR",
        "seller": SELLER,
        "buyer": BUYER,
        "lines": [
            fx.Line("Tableau de bord", D("1"), D("30.00"), STANDARD),
            fx.Line("Paie en ligne", D("3"), D("40.00"), STANDARD),
        ],
        "due_date": date(2026, 12, 31),
        "payee_iban": "FR7630001007941234567890185",
        "payee_bic": "SOGEFRPPXXX",
        "notes": dict(NOTES),
    }
    values.update(overrides)
    return fx.Invoice(**values)


def exempt_invoice(reason, code=""):
    """A service at the standard rate and a training exempt from VAT (reason, VATEX code)."""
    return invoice(
        lines=[
            fx.Line("Tableau de bord", D("1"), D("30.00"), STANDARD),
            fx.Line("Formation professionnelle", D("1"), D("500.00"),
                    fx.Tax("E", D("0"), reason, code)),
        ]
    )  # fmt: skip


CASES = {
    "plain services invoice": invoice(),
    "several VAT rates": invoice(
        lines=[
            fx.Line("Conseil", D("2"), D("150.00"), STANDARD),
            fx.Line("Formation", D("1"), D("300.00"), fx.Tax("S", D("10"))),
            fx.Line("Ouvrage", D("4"), D("12.50"), fx.Tax("S", D("5.5"))),
        ]
    ),
    "exempt line": exempt_invoice("Exonération de TVA, article 261-4-4° a du CGI"),
    "credit note": invoice(
        number="AV/2026/00001",
        type_code=fx.CREDIT_NOTE,
        preceding_invoice="FAC/2026/00001",
        preceding_invoice_date=date(2026, 11, 25),
    ),
    "EU client, reverse charge": invoice(
        buyer=fx.Party(
            "Bäckerei Müller GmbH",
            "DE",
            vat="DE811569869",
            street="Hauptstraße 1",
            zip="10115",
            city="Berlin",
            electronic_address="compta@mueller.example",
            electronic_scheme="EM",
        ),
        lines=[
            fx.Line(
                "Tableau de bord",
                D("1"),
                D("30.00"),
                fx.Tax("AE", D("0"), "Autoliquidation, article 196 de la directive 2006/112/CE"),
            )
        ],
    ),
    "public body with service code": invoice(
        buyer=fx.Party(
            "Mairie de Lyon",
            "FR",
            siren="216901231",
            street="1 place de la Comédie",
            zip="69001",
            city="Lyon",
            electronic_address="216901231",
        ),
        buyer_reference="SERVICE-COMPTA",
        purchase_order="EJ-2026-000123",
        contract_reference="MARCHE-2026-07",
    ),
    "SEPA direct debit": invoice(
        payment_means_code="59",
        creditor_id="FR78ZZZ424242",
        mandate_reference="BM0000042",
        debtor_iban="FR7630006000011234567890189",
        payee_iban="",
        payee_bic="",
    ),
    "line discount": invoice(
        lines=[
            fx.Line("Tableau de bord", D("1"), D("30.00"), STANDARD),
            fx.Line("Paie en ligne", D("3"), D("36.00"), STANDARD, gross_price=D("40.00")),
        ]
    ),
    "goods and services": invoice(billing_mode="M1"),
    "exempt line with its VATEX code": exempt_invoice("Exonération de TVA", "VATEX-FR-CGI261-4"),
    "prepaid": invoice(prepaid_amount=D("100.00")),
    "purchase order reference": invoice(purchase_order="BC-2026-118"),
    "VAT on debits": invoice(vat_point_code="5"),
    "delivery address": invoice(
        delivery_party=fx.Party(
            "Boulangerie Martin - atelier",
            "FR",
            street="12 rue des Fours",
            zip="69007",
            city="Lyon",
        )
    ),
    "VAT on payments": invoice(vat_point_code="72"),
    "fractional quantity at a 4-decimal price": invoice(
        lines=[
            fx.Line(
                "Tableau de bord (prorata)",
                D("0.3333"),
                D("30.1234"),
                STANDARD,
                net_amount=D("10.04"),
            ),
            fx.Line("Saisie", D("1234.5"), D("0.0833"), STANDARD, net_amount=D("102.83")),
        ]
    ),
    "negative discount line": invoice(
        lines=[
            fx.Line("Tableau de bord", D("1"), D("30.00"), STANDARD),
            fx.Line("Remise fidélité", D("1"), D("-5.00"), STANDARD),
        ]
    ),
    "negative line with its own discount": invoice(
        lines=[
            fx.Line("Tableau de bord", D("2"), D("30.00"), STANDARD),
            fx.Line("Geste commercial", D("1"), D("-9.00"), STANDARD, gross_price=D("-10.00")),
        ]
    ),
    "document-level allowance and charge": invoice(
        allowances_charges=[
            fx.AllowanceCharge(D("10.00"), STANDARD, reason="Remise globale", reason_code="95"),
            fx.AllowanceCharge(D("5.00"), STANDARD, reason="Frais de dossier", charge=True),
        ]
    ),
    "the invoice's own VAT breakdown, rounded per line": invoice(
        lines=[fx.Line(f"Ligne {index}", D("1"), D("0.13"), STANDARD) for index in range(10)],
        vat_breakdown=[fx.TaxSubtotal(STANDARD, D("1.30"), D("0.30"))],
    ),
    "consumer": invoice(
        buyer=fx.Party(
            "Jeanne Dupont",
            "FR",
            street="5 rue Vieille",
            zip="69002",
            city="Lyon",
            electronic_address="jeanne@example.org",
            electronic_scheme="EM",
        ),
        notes={**NOTES, "BAR": "B2C"},
    ),  # fmt: skip
    "a credit note with its reason": invoice(
        number="AV/2026/00002",
        type_code=fx.CREDIT_NOTE,
        preceding_invoice="FAC/2026/00001",
        preceding_invoice_date=date(2026, 11, 25),
        notes={**NOTES, "AAI": "Remboursement du mois non utilisé"},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_our_factur_x_passes_the_xsd_and_both_schematrons(case):
    xml = fx.build_cii(CASES[case])
    assert facturx_validation.problems(xml) == []


def test_a_siret_instead_of_the_siren_is_rejected_by_the_french_rules():
    seller = fx.Party(**{**SELLER.__dict__, "siren": "82305401500012"})
    problems = facturx_validation.problems(fx.build_cii(invoice(seller=seller)))
    assert any("BR-FR" in rule for rule, _message in problems), problems


def test_without_the_payment_mentions_the_french_rules_reject_the_invoice():
    problems = facturx_validation.problems(fx.build_cii(invoice(notes={})))
    assert problems


def test_totals_add_up_per_vat_category():
    total = fx.totals(CASES["several VAT rates"])
    assert total.line_total == total.tax_basis_total == D("650.00")
    assert total.tax_total == D("60.00") + D("30.00") + D("2.75")
    assert total.grand_total == total.due == total.line_total + total.tax_total


def test_the_invoice_own_breakdown_is_written_not_recomputed():
    case = CASES["the invoice's own VAT breakdown, rounded per line"]
    total = fx.totals(case)
    assert (total.line_total, total.tax_total, total.grand_total) == (
        D("1.30"), D("0.30"), D("1.60"))  # fmt: skip
    xml = fx.build_cii(case).decode()
    assert "<ram:CalculatedAmount>0.30</ram:CalculatedAmount>" in xml
    assert "<ram:GrandTotalAmount>1.60</ram:GrandTotalAmount>" in xml


def test_allowances_and_charges_enter_the_taxable_amount():
    total = fx.totals(CASES["document-level allowance and charge"])
    assert total.tax_basis_total == D("150.00") - D("10.00") + D("5.00")
    assert total.tax_total == D("29.00")


def test_a_negative_price_is_written_as_a_negative_quantity():
    xml = fx.build_cii(CASES["negative discount line"]).decode()
    assert '<ram:BilledQuantity unitCode="C62">-1</ram:BilledQuantity>' in xml
    assert "<ram:ChargeAmount>5.00</ram:ChargeAmount>" in xml
    assert "<ram:LineTotalAmount>-5.00</ram:LineTotalAmount>" in xml


def test_prices_and_quantities_have_at_most_four_decimals():
    assert fx.price(D("10") / D("3")) == "3.3333"
    assert fx.price(D("40")) == "40.00"
    assert fx.price(D("12.345")) == "12.345"
    assert fx.quantity(D("1") / D("3")) == "0.3333"
    assert fx.quantity(D("2.50")) == "2.5"


def test_control_characters_are_left_out_of_the_xml():
    case = invoice(lines=[fx.Line("Tableau\x0b de bord\x00", D("1"), D("30.00"), STANDARD)])
    xml = fx.build_cii(case).decode()
    assert "<ram:Name>Tableau de bord</ram:Name>" in xml
    assert facturx_validation.problems(xml.encode()) == []


def test_a_discounted_line_states_its_price_before_the_discount():
    xml = fx.build_cii(CASES["line discount"]).decode()
    assert (
        "<ram:GrossPriceProductTradePrice><ram:ChargeAmount>40.00</ram:ChargeAmount>"
        "<ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false"
        "</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>4.00</ram:ActualAmount>"
    ) in xml.replace("\n", "").replace(" ", "")
    assert "<ram:GrossPriceProductTradePrice>" not in fx.build_cii(invoice()).decode()
