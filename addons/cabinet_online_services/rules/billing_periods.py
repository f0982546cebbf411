"""Billing periods of engagement letters, what is due, and day-based proration.

Periods follow the calendar: months, quarters (January, April, July, October) or years
starting in the letter's start month. A service billed for part of a period pays the share of
its days; the shares of a period split exactly, to the cent, so they add up to the full price.
"""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from . import letter_dates

MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "annual": 12}
CENT = Decimal("0.01")


def period_containing(day, frequency, anchor_month=1):
    """(first day, last day) of the ``frequency`` period that contains ``day``.

    Quarters start in January, April, July and October; years in ``anchor_month``.
    """
    length = MONTHS_PER_PERIOD[frequency]
    anchor = anchor_month if frequency == "annual" else 1
    offset = (day.month - anchor) % length
    start = letter_dates.add_months(day.replace(day=1), -offset)
    return start, letter_dates.add_months(start, length) - timedelta(days=1)


def periods_to_bill(frequency, anchor_month, service_start, service_end, billed_until, today,
                    timing, billing_day):  # fmt: skip
    """The periods of a service not billed yet whose billing date has come, in order.

    ``billed_until`` is the last day already billed (None if nothing was). Invariants: the
    periods follow each other without gap or overlap, start after ``billed_until``, and each
    overlaps the service's days; running again with ``billed_until`` moved to the last period's
    end returns nothing until a new period falls due.
    """
    first_day = service_start
    if billed_until and billed_until >= first_day:
        first_day = billed_until + timedelta(days=1)
    periods = []
    start, end = period_containing(first_day, frequency, anchor_month)
    while service_end is None or start <= service_end:
        if letter_dates.billing_date(start, end, timing, billing_day) > today:
            break
        periods.append((max(start, first_day), end))
        start, end = period_containing(end + timedelta(days=1), frequency, anchor_month)
    return periods


def days_between(first, last):
    return (last - first).days + 1


def prorated_share(amount, period, active):
    """The part of ``amount`` (the full price of ``period``) for the ``active`` days of it,
    rounded down to the cent; ``split_exactly`` gives the cents back to the right shares."""
    first = max(period[0], active[0])
    last = min(period[1], active[1])
    if last < first:
        return Decimal(0)
    share = Decimal(str(amount)) * days_between(first, last) / days_between(*period)
    return share.quantize(CENT, rounding=ROUND_DOWN)


def split_exactly(amount, weights):
    """Split ``amount`` in proportion to ``weights`` into cents that add up to ``amount``.

    Largest remainder: each share is rounded down, then the missing cents go to the shares
    with the largest remainders (earliest first on ties).
    """
    amount = Decimal(str(amount)).quantize(CENT)
    total_weight = sum(weights)
    if not total_weight:
        return [Decimal(0) for _ in weights]
    exact = [amount * weight / total_weight for weight in weights]
    shares = [value.quantize(CENT, rounding=ROUND_DOWN) for value in exact]
    missing = int((amount - sum(shares)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in order[:missing]:
        shares[index] += CENT
    return shares


def prorate_period(amount, segments):
    """The price of each segment of days (first, last) of a period that the segments cover
    entirely without overlap: the shares add up exactly to ``amount``."""
    return split_exactly(amount, [days_between(*segment) for segment in segments])
