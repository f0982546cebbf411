"""Client identifier rules: SIREN/SIRET, VAT, and when a VAT number is required.

Pure functions over plain values. They never raise for a partner that is fine and
return every problem found, so the user sees the whole list at once. Each problem is an
``IdentifierProblem`` whose ``code`` the model turns into a translated message.
"""

from dataclasses import dataclass, field

from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

# France and the overseas territories that use the French SIRENE register.
FRENCH_REGISTRY_COUNTRIES = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"})

# The 27 member states, by ISO 3166 code (Greece is GR here, EL in VAT numbers).
EU_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


@dataclass(frozen=True)
class IdentifierProblem:
    code: str
    params: dict = field(default_factory=dict)


def compact_digits(value):
    """The value without the spaces, dots and dashes people type in identifiers."""
    return "".join(ch for ch in (value or "") if ch not in " .-/\u00a0")


def is_valid_siren(siren):
    return len(siren) == 9 and siren.isdigit() and fr_siren.is_valid(siren)


def is_valid_siret(siret):
    """python-stdnum's check, which knows La Poste's own SIRET checksum."""
    return len(siret) == 14 and siret.isdigit() and fr_siret.is_valid(siret)


def siren_of(registry, country_code):
    """The SIREN carried by a French company registry number (SIREN or SIRET), else None.

    Invariant: a returned SIREN is nine digits and passes the Luhn check.
    """
    if (country_code or "FR") not in FRENCH_REGISTRY_COUNTRIES:
        return None
    number = compact_digits(registry)
    if len(number) == 9 and is_valid_siren(number):
        return number
    if len(number) == 14 and is_valid_siret(number):
        return number[:9]
    return None


def distinct_establishments(registry, other_registry):
    """Whether two registry numbers name two establishments: two valid SIRETs that differ
    (the same SIREN, another establishment number)."""
    first, second = compact_digits(registry), compact_digits(other_registry)
    return is_valid_siret(first) and is_valid_siret(second) and first != second


def siren_of_french_vat(vat):
    """The SIREN inside a French VAT number (FR + 2-character key + SIREN), else None."""
    number = compact_digits(vat).upper()
    if not number.startswith("FR") or len(number) != 13:
        return None
    return number[4:] if number[4:].isdigit() else None


def vat_required(*, is_company, country_code, firm_country_code):
    """A company established in another EU member state than the firm's (itself in the
    EU) must give its VAT number.

    Without it the firm cannot apply the reverse charge nor print the mandatory
    intra-community mention on its invoices; a firm outside the EU has neither.
    """
    return bool(
        is_company
        and country_code in EU_COUNTRIES
        and firm_country_code in EU_COUNTRIES
        and country_code != firm_country_code
    )


def check_client_identifiers(*, is_company, country_code, firm_country_code, registry, vat):
    """Every problem with a commercial partner's identifiers, as a list (empty when fine).

    - a French registry number must be a SIREN (9 digits) or SIRET (14 digits) with a
      valid checksum;
    - a French VAT number must be valid and carry the same SIREN as the registry number;
    - a company of another EU member state must have a VAT number, valid for the EU.
    """
    problems = []
    country_code = (country_code or "").upper()
    number = compact_digits(registry)
    siren = None
    if number and (country_code or "FR") in FRENCH_REGISTRY_COUNTRIES:
        if not number.isdigit() or len(number) not in (9, 14):
            problems.append(IdentifierProblem("registry_format", {"number": registry}))
        elif len(number) == 9 and not is_valid_siren(number):
            problems.append(IdentifierProblem("siren_checksum", {"number": number}))
        elif len(number) == 14 and not is_valid_siret(number):
            problems.append(IdentifierProblem("siret_checksum", {"number": number}))
        else:
            siren = number[:9]

    vat_number = compact_digits(vat).upper()
    if vat_number and vat_number != "/":
        if vat_number.startswith("FR"):
            if not fr_tva.is_valid(vat_number):
                problems.append(IdentifierProblem("vat_invalid", {"vat": vat}))
            elif siren and siren_of_french_vat(vat_number) not in (None, siren):
                problems.append(
                    IdentifierProblem(
                        "vat_siren_mismatch",
                        {"vat": vat, "siren": siren, "vat_siren": siren_of_french_vat(vat_number)},
                    )
                )
        elif country_code in EU_COUNTRIES and vat_number[:2].isalpha():
            if not eu_vat.is_valid(vat_number):
                problems.append(IdentifierProblem("vat_invalid", {"vat": vat}))
    elif vat_required(
        is_company=is_company, country_code=country_code, firm_country_code=firm_country_code
    ):
        problems.append(IdentifierProblem("vat_required", {"country": country_code}))
    return problems
