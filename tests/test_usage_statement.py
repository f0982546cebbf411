"""Vendor usage statements (addons/cabinet_online_services/rules/usage_statement.py)."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cabinet_online_services_rules import usage_statement as us

GOOD = "client;service;période;quantité\n552032534;ECR;2026-11;1 250,5\n"


def test_a_french_statement_with_semicolons_and_decimal_commas():
    rows, errors = us.read_statement(GOOD)
    assert errors == []
    assert rows == [
        us.Row(2, "552032534", "ECR", date(2026, 11, 1), date(2026, 11, 30), Decimal("1250.5"))
    ]


def test_every_bad_row_is_reported_with_its_number():
    text = (
        "Client,Service,Period,Quantity\n"
        "552032534,ECR,11/2026,10\n"
        "552032534,ECR,2026-11-15,3\n"
        "552032534,PAI,2026-13,3\n"
        "552032534,PAI,2026-11,trois\n"
        ",PAI,2026-11,3\n"
        "552032534,PAI,2026-11,-2\n"
        "\n"
        "55203253400646,PAI,2026-11,4\n"
    )
    rows, errors = us.read_statement(text)
    assert [row.number for row in rows] == [2, 9]
    assert errors == [
        us.RowError(3, us.DUPLICATE, "2"),
        us.RowError(4, us.BAD_DATE, "2026-13"),
        us.RowError(5, us.BAD_NUMBER, "trois"),
        us.RowError(6, us.MISSING_VALUE, "client"),
        us.RowError(7, us.BAD_NUMBER, "-2"),
    ]
    assert us.normalize_client(rows[1].client) == "552032534", "a SIRET names its SIREN"


def test_missing_columns_and_empty_files():
    assert us.read_statement("client;service;quantité\n1;2;3\n") == (
        [],
        [us.RowError(1, us.MISSING_COLUMNS, "period")],
    )
    assert us.read_statement("") == ([], [us.RowError(1, us.EMPTY_FILE)])
    assert us.read_statement(GOOD, with_amount=True)[1] == [
        us.RowError(1, us.MISSING_COLUMNS, "amount")
    ]


def test_an_invoice_detail_carries_amounts():
    rows, errors = us.read_statement(
        "client;service;mois;qté;montant HT\nCLI-7;ECR;11/2026;100;4,00\n", with_amount=True
    )
    assert errors == []
    assert rows[0].amount == Decimal("4.00")
    assert us.normalize_client(rows[0].client) == "CLI-7"


@given(st.lists(st.tuples(st.sampled_from(["552032534", "732829320", "CLI-1"]),
                          st.sampled_from(["ECR", "PAI"]), st.integers(1, 12),
                          st.integers(0, 10_000)), max_size=30))  # fmt: skip
def test_each_client_service_and_month_is_kept_once(records):
    text = "client;service;period;quantity\n" + "".join(
        f"{client};{service};2026-{month:02d};{quantity}\n"
        for client, service, month, quantity in records
    )
    rows, errors = us.read_statement(text)
    assert len(rows) + len(errors) == len(records)
    keys = [(row.client, row.service, row.period_start) for row in rows]
    assert len(keys) == len(set(keys))
    assert all(error.code == us.DUPLICATE for error in errors)


def test_rows_of_another_month_than_the_statement_are_errors():
    text = (
        "client;service;période;quantité\n"
        "552032534;ECR;2026-11;10\n"
        "552032534;PAI;2026-12;3\n"
        "732829320;ECR;2027-03;3\n"
    )
    rows, errors = us.read_statement(text, month=date(2026, 11, 17))
    assert [row.number for row in rows] == [2]
    assert errors == [
        us.RowError(3, us.OUT_OF_MONTH, "2026-12"),
        us.RowError(4, us.OUT_OF_MONTH, "2027-03"),
    ]


def test_numbers_in_other_notations_and_huge_quantities_are_errors():
    text = "client;service;période;quantité\n" + "".join(
        f"CLI-{index};ECR;2026-11;{quantity}\n"
        for index, quantity in enumerate(["1e20", "1E3", "0x10", "NaN", "Infinity", "9" * 400,
                                          "10000001", "10 000 000"])
    )  # fmt: skip
    rows, errors = us.read_statement(text)
    assert [row.quantity for row in rows] == [Decimal(10_000_000)]
    assert [(error.number, error.code) for error in errors] == [
        (2, us.BAD_NUMBER), (3, us.BAD_NUMBER), (4, us.BAD_NUMBER), (5, us.BAD_NUMBER),
        (6, us.BAD_NUMBER), (7, us.TOO_LARGE), (8, us.TOO_LARGE),
    ]  # fmt: skip


def test_a_binary_file_is_refused_at_its_first_nul_byte():
    text = "client;service;période;quantité\n552032534;ECR;2026-11;1\n\x00\x01PK\x03\x04"
    assert us.read_statement(text) == ([], [us.RowError(3, us.NOT_TEXT)])


def test_values_quoted_back_never_run_as_formulas():
    assert us.neutralised('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert us.neutralised("-2+3") == "'-2+3"
    assert us.neutralised("@SUM(A1)") == "'@SUM(A1)"
    assert us.neutralised("CLI-7") == "CLI-7"


@given(st.text())
def test_any_text_is_read_without_crashing_and_quoted_back_harmless(text):
    rows, errors = us.read_statement("client;service;période;quantité\n" + text)
    assert all(row.quantity <= us.MAX_QUANTITY for row in rows)
    for error in errors:
        assert not us.neutralised(error.value).startswith(us.FORMULA_STARTS)


def test_old_mac_line_ends_and_monster_fields_are_read_or_refused_with_a_row():
    rows, errors = us.read_statement("client;service;période;quantité\r552032534;ECR;2026-11;1\r")
    assert (len(rows), errors) == (1, [])
    monster = "client;service;période;quantité\n552032534;ECR;2026-11;1\n" + "x" * 200_000
    assert us.read_statement(monster) == ([], [us.RowError(3, us.UNREADABLE)])


@given(st.binary(max_size=400))
def test_any_file_gives_a_text_and_an_answer(raw):
    text = us.decode_statement(raw)
    assert isinstance(text, str)
    rows, errors = us.read_statement(text)
    assert rows or errors or not text.strip("\ufeff\r\n\t ;,")


def test_spreadsheet_encodings_are_read_and_an_image_is_refused():
    assert us.decode_statement("Café;éçà".encode()) == "Café;éçà"
    assert us.decode_statement("Café;éçà".encode("cp1252")) == "Café;éçà"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x81\x8d\x8f"
    _rows, [error] = us.read_statement(us.decode_statement(png))
    assert (error.number, error.code) == (3, us.NOT_TEXT), "at the row of its first NUL byte"
