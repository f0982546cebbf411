"""Usage statements and invoice details of software vendors, read from CSV.

One row per client, service and month: ``client`` (SIREN, SIRET or the client's account code
at the vendor), ``service`` (the vendor's service code), ``period`` (the month: 2026-11,
11/2026 or any day of it), ``quantity`` and, in an invoice detail, ``amount`` (excluding
tax). Columns are found by their header, in French or English; ``;`` or ``,`` separate them
and numbers may use a decimal comma. Every problem is reported with its row number: a row of
another month than the statement's, a quantity above the bound, a number in another notation
(``1e20``) or a file that is not text (NUL bytes) included. Values quoted back to the user are
neutralised (``neutralised``), so that a spreadsheet opening them runs no formula.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from . import letter_dates

HEADERS = {
    "client": {"client", "siren", "siret", "client code", "code client", "identifiant client",
               "account code", "compte"},
    "service": {"service", "service code", "code service", "code produit", "product"},
    "period": {"period", "période", "periode", "mois", "month"},
    "quantity": {"quantity", "quantité", "quantite", "qty", "qté", "qte"},
    "amount": {"amount", "montant", "montant ht", "amount excl. tax"},
}  # fmt: skip

MISSING_COLUMNS = "missing_columns"
EMPTY_FILE = "empty_file"
MISSING_VALUE = "missing_value"
BAD_NUMBER = "bad_number"
BAD_DATE = "bad_date"
DUPLICATE = "duplicate"
OUT_OF_MONTH = "out_of_month"
TOO_LARGE = "too_large"
NOT_TEXT = "not_text"
UNREADABLE = "unreadable"
# A quantity above this is a typing or export error, whatever the service.
MAX_QUANTITY = Decimal(10_000_000)
# Plain decimals only: digits, one decimal separator (the comma already made a dot).
NUMBER = re.compile(r"\d+(\.\d+)?")
# What a spreadsheet reads as a formula at the start of a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    number: int
    client: str
    service: str
    period_start: date
    period_end: date
    quantity: Decimal
    amount: Decimal | None = None


@dataclass(frozen=True)
class RowError:
    """A problem of row ``number`` (1 is the header): ``code`` and the ``value`` at fault."""

    number: int
    code: str
    value: str = ""


def parse_month(text):
    """(first day, last day) of the month written in ``text``, or None."""
    text = (text or "").strip()
    patterns = [
        (r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", lambda m: (int(m[1]), int(m[2]), m[3])),
        (r"(\d{1,2})/(\d{4})", lambda m: (int(m[2]), int(m[1]), None)),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", lambda m: (int(m[3]), int(m[2]), m[1])),
    ]
    for pattern, parts in patterns:
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        year, month, day = parts(match)
        try:
            first = date(year, month, 1)
            if day is not None:
                first.replace(day=int(day))
        except ValueError:
            return None
        return first, letter_dates.end_of_month(first)
    return None


def parse_number(text):
    """A non-negative decimal written with a dot or a comma (spaces as thousands separators),
    or None: no sign, no exponent, no other notation."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").replace(",", ".")
    if not NUMBER.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def neutralised(value):
    """``value`` as it may be shown or exported: a cell a spreadsheet would read as a
    formula gets a leading apostrophe."""
    value = value or ""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _columns(header, with_amount):
    wanted = ["client", "service", "period", "quantity"] + (["amount"] if with_amount else [])
    found = {}
    for index, title in enumerate(header):
        normalized = " ".join(title.strip().lower().replace("_", " ").split())
        for column, aliases in HEADERS.items():
            if normalized in aliases and column not in found:
                found[column] = index
    return {column: found.get(column) for column in wanted}


def decode_statement(raw):
    """The text of a statement file's bytes: UTF-8, else Windows-1252 as spreadsheets save
    it, with the bytes neither reads as U+FFFD. Any file gives a text; a binary one is then
    refused by ``read_statement`` for its NUL bytes, or its rows for what they hold."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_statement(text, with_amount=False, month=None, max_quantity=MAX_QUANTITY):
    """The rows of a statement and the problems found, line by line.

    A row with a problem is not among the rows; a row repeating the client, service and
    month of an earlier one is a duplicate; with ``month`` (any day of it), a row of another
    month is an error; a quantity above ``max_quantity`` is an error. A text with NUL bytes
    (a binary file) is refused as a whole, at the row of the first one.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        return [], [RowError(text[: text.index("\x00")].count("\n") + 1, NOT_TEXT)]
    statement_start = month.replace(day=1) if month else None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error:  # e.g. a field longer than the csv module reads
        return [], [RowError(reader.line_num, UNREADABLE)]
    if not records or not any(field.strip() for field in records[0]):
        return [], [RowError(1, EMPTY_FILE)]
    columns = _columns(records[0], with_amount)
    missing = [column for column, index in columns.items() if index is None]
    if missing:
        return [], [RowError(1, MISSING_COLUMNS, ", ".join(missing))]
    rows, errors, seen = [], [], {}
    for number, record in enumerate(records[1:], start=2):
        if not any(field.strip() for field in record):
            continue
        values = {column: (record[index].strip() if index < len(record) else "")
                  for column, index in columns.items()}  # fmt: skip
        empty = [column for column, value in values.items() if not value]
        if empty:
            errors.append(RowError(number, MISSING_VALUE, ", ".join(empty)))
            continue
        row_month = parse_month(values["period"])
        if row_month is None:
            errors.append(RowError(number, BAD_DATE, values["period"]))
            continue
        if statement_start and row_month[0] != statement_start:
            errors.append(RowError(number, OUT_OF_MONTH, values["period"]))
            continue
        quantity = parse_number(values["quantity"])
        if quantity is None:
            errors.append(RowError(number, BAD_NUMBER, values["quantity"]))
            continue
        if quantity > max_quantity:
            errors.append(RowError(number, TOO_LARGE, values["quantity"]))
            continue
        amount = None
        if with_amount:
            amount = parse_number(values["amount"])
            if amount is None:
                errors.append(RowError(number, BAD_NUMBER, values["amount"]))
                continue
        key = (normalize_client(values["client"]), values["service"].upper(), row_month[0])
        if key in seen:
            errors.append(RowError(number, DUPLICATE, str(seen[key])))
            continue
        seen[key] = number
        rows.append(Row(number, values["client"], values["service"], row_month[0],
                        row_month[1], quantity, amount))  # fmt: skip
    return rows, errors


def normalize_client(identifier):
    """A SIREN from a SIREN or SIRET (spaces removed), else the code as written, upper case."""
    compact = re.sub(r"[\s.\-]", "", identifier)
    if compact.isdigit() and len(compact) in (9, 14):
        return compact[:9]
    return identifier.strip().upper()
