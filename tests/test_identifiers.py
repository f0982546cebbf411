"""SIREN/SIRET/VAT rules of cabinet_dunning (addons/cabinet_dunning/rules/identifiers.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from cabinet_dunning_rules import identifiers as ids

# Worked examples from public SIRENE data: (registry as typed, expected SIREN).
VALID = [
    ("552032534", "552032534"),  # Danone, SIREN
    ("552 032 534 00646", "552032534"),  # Danone, SIRET with spaces
    ("383.474.814.00100", "383474814"),  # Airbus, SIRET with dots
    ("35600000049837", "356000000"),  # La Poste: its own SIRET checksum
]


def make_siren(body):
    return body + luhn.calc_check_digit(body)


def make_siret(siren, nic_body):
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def french_vat(siren):
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


sirens = st.text("0123456789", min_size=8, max_size=8).map(make_siren)
nics = st.text("0123456789", min_size=4, max_size=4)


@pytest.mark.parametrize(("registry", "siren"), VALID)
def test_worked_examples(registry, siren):
    assert ids.siren_of(registry, "FR") == siren
    problems = ids.check_client_identifiers(
        is_company=True, country_code="FR", firm_country_code="FR", registry=registry, vat=""
    )
    assert problems == []


@pytest.mark.parametrize(
    ("registry", "code"),
    [
        ("552032535", "siren_checksum"),
        ("55203253400647", "siret_checksum"),
        ("5520325", "registry_format"),
        ("RCS Paris B 552 032 534", "registry_format"),
        ("35600000049838", "siret_checksum"),
    ],
)
def test_bad_registry_numbers(registry, code):
    problems = ids.check_client_identifiers(
        is_company=True, country_code="FR", firm_country_code="FR", registry=registry, vat=""
    )
    assert [p.code for p in problems] == [code]
    assert ids.siren_of(registry, "FR") is None


@given(sirens, nics)
def test_any_valid_siret_gives_its_siren(siren, nic):
    siret = make_siret(siren, nic)
    assert ids.is_valid_siret(siret) or siren == "356000000"
    assert ids.siren_of(siret, "FR") in (siren, None)
    if ids.is_valid_siret(siret):
        assert ids.siren_of(siret, "FR") == siren


@given(sirens, st.integers(0, 8), st.integers(1, 9))
def test_a_single_wrong_digit_is_always_caught(siren, position, delta):
    """The Luhn key catches every single-digit error, so a typo never passes."""
    wrong = siren[:position] + str((int(siren[position]) + delta) % 10) + siren[position + 1 :]
    assert not ids.is_valid_siren(wrong)
    assert ids.siren_of(wrong, "FR") is None


@given(sirens)
def test_french_vat_matches_its_own_siren_only(siren):
    vat = french_vat(siren)
    ok = ids.check_client_identifiers(
        is_company=True, country_code="FR", firm_country_code="FR", registry=siren, vat=vat
    )
    assert ok == []
    assert ids.siren_of_french_vat(vat) == siren
    other = make_siren(str((int(siren[:8]) + 1) % 10**8).zfill(8))
    mismatch = ids.check_client_identifiers(
        is_company=True, country_code="FR", firm_country_code="FR", registry=other, vat=vat
    )
    assert [p.code for p in mismatch] == ["vat_siren_mismatch"]
    assert mismatch[0].params == {"vat": vat, "siren": other, "vat_siren": siren}


def test_invalid_vat_numbers():
    for country, vat in (("FR", "FR28552032534"), ("DE", "DE136695977")):
        problems = ids.check_client_identifiers(
            is_company=True, country_code=country, firm_country_code="FR", registry="", vat=vat
        )
        assert [p.code for p in problems] == ["vat_invalid"]


@given(
    is_company=st.booleans(),
    country=st.sampled_from(sorted(ids.EU_COUNTRIES | {"CH", "US", "GB", ""})),
    firm=st.sampled_from(["FR", "BE", "US", ""]),
)
def test_vat_required_only_for_companies_of_another_member_state(is_company, country, firm):
    """Of another member state than the firm's, itself in the EU (a US firm asks for none)."""
    required = ids.vat_required(is_company=is_company, country_code=country, firm_country_code=firm)
    assert required == (
        is_company and country in ids.EU_COUNTRIES and firm in ids.EU_COUNTRIES and country != firm
    )
    problems = ids.check_client_identifiers(
        is_company=is_company, country_code=country, firm_country_code=firm, registry="", vat=""
    )
    assert [p.code for p in problems] == (["vat_required"] if required else [])


def test_foreign_registries_are_not_read_as_siren():
    assert ids.siren_of("552032534", "DE") is None
    assert (
        ids.check_client_identifiers(
            is_company=True,
            country_code="DE",
            firm_country_code="FR",
            registry="HRB 12345",
            vat="DE136695976",
        )
        == []
    )


def test_overseas_departments_use_the_french_register():
    assert ids.siren_of("55203253400646", "RE") == "552032534"


def test_slash_means_no_vat_and_is_refused_for_eu_companies():
    problems = ids.check_client_identifiers(
        is_company=True, country_code="BE", firm_country_code="FR", registry="", vat="/"
    )
    assert [p.code for p in problems] == ["vat_required"]
