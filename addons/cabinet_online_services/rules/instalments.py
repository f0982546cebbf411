"""Equal monthly instalments: an annual fee collected in monthly SEPA direct debits.

``equal_monthly_instalments(total, count, earliest, debit_day)`` splits ``total`` into
``count`` instalments of the same amount, the rounding cents on the last one (said on the
invoice), due on ``debit_day`` of successive months (the month's last day when it is shorter),
the first on the first such day on or after ``earliest`` (the invoice date plus the SEPA
pre-notification lead time).
"""

import calendar
from datetime import date
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def debit_date(year, month, debit_day):
    """``debit_day`` of the month, or its last day when the month is shorter."""
    return date(year, month, min(debit_day, calendar.monthrange(year, month)[1]))


def equal_monthly_instalments(total, count, earliest, debit_day):
    """[(due date, amount)] of ``count`` equal instalments of ``total`` (a Decimal, may be
    negative for a credit), the last one carrying the rounding cents."""
    if count < 1 or not 1 <= debit_day <= 31:
        raise ValueError("count >= 1 and a debit day from 1 to 31")
    total = Decimal(total).quantize(CENT)
    share = (abs(total) / count).quantize(CENT, rounding=ROUND_DOWN).copy_sign(total)
    amounts = [share] * (count - 1) + [total - share * (count - 1)]
    year, month = earliest.year, earliest.month
    if debit_date(year, month, debit_day) < earliest:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    dates = []
    for _index in range(count):
        dates.append(debit_date(year, month, debit_day))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(zip(dates, amounts, strict=True))
