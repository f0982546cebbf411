"""French B2B late-payment law (Code de commerce L441-10 and D441-5).

Late interest runs from the day after the due date at the ECB's main refinancing rate in force
on 1 January (for the first half-year) or 1 July (for the second), plus 10 points unless the
terms set another rate; it is computed on a 365-day year. A fixed indemnity of 40 euros for
recovery costs is due per invoice paid late by a professional client.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

RECOVERY_INDEMNITY = Decimal("40.00")
DEFAULT_MARGIN_POINTS = Decimal("10")


def semester_start(day):
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_semester_start(day):
    start = semester_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def rate_for(day, ecb_rates):
    """The ECB rate (percent) in force for ``day``'s half-year: the rate of the latest
    semester start on or before it. ``ecb_rates`` maps semester start dates to rates."""
    known = [start for start in ecb_rates if start <= semester_start(day)]
    if not known:
        raise KeyError(semester_start(day))
    return Decimal(str(ecb_rates[max(known)]))


def late_interest_exact(amount, due_date, on_date, ecb_rates, margin=DEFAULT_MARGIN_POINTS,
                        fixed_rate=None):  # fmt: skip
    """Unrounded late interest on ``amount`` from the day after ``due_date`` to ``on_date``.

    Invariant: additive over time (interest to d2 = interest to d1 + interest from d1 to d2)
    and zero when ``on_date`` is not after ``due_date``.
    """
    amount = Decimal(str(amount))
    total = Decimal(0)
    start = due_date
    while start < on_date:
        end = min(on_date, next_semester_start(start + timedelta(days=1)) - timedelta(days=1))
        days = (end - start).days
        rate = (
            Decimal(str(fixed_rate))
            if fixed_rate is not None
            else rate_for(start + timedelta(days=1), ecb_rates) + Decimal(str(margin))
        )
        total += amount * rate / Decimal(100) * Decimal(days) / Decimal(365)
        start = end
    return total


def late_interest(amount, due_date, on_date, ecb_rates, margin=DEFAULT_MARGIN_POINTS,
                  fixed_rate=None, payments=()):  # fmt: skip
    """Late interest, to the cent, of an invoice on ``on_date``: on ``amount`` still due, from
    the day after ``due_date`` to ``on_date``, and on each part paid late, ``payments`` being
    (payment date, amount) pairs, from the day after ``due_date`` to its payment date.

    Invariant: never less than the interest on the amount still due alone; a payment made on
    or before the due date adds nothing.
    """
    total = late_interest_exact(amount, due_date, on_date, ecb_rates, margin, fixed_rate)
    for paid_on, paid in payments:
        end = min(paid_on, on_date)
        if end > due_date:
            total += late_interest_exact(paid, due_date, end, ecb_rates, margin, fixed_rate)
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def missing_rate(day, ecb_rates):
    """The start of ``day``'s half-year when the table has no ECB rate for it, else None: the
    legal rate is the one in force on 1 January or 1 July, never the previous one reused."""
    start = semester_start(day)
    return None if start in ecb_rates else start


def recovery_indemnity(is_professional, days_overdue):
    """40 euros per late invoice of a professional client, nothing for a consumer."""
    return RECOVERY_INDEMNITY if is_professional and days_overdue > 0 else Decimal(0)
