"""Billing periods of engagement letters, what is due, and day-based proration.

Periods follow the calendar: months, quarters (January, April, July, October) or years
starting in the letter's start month. A service billed for part of a period pays the share of
its days; the shares of a period's days add up exactly, to the cent, to its full price.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

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


def cumulative_amount(amount, period, last_day):
    """The part of ``amount`` (the price of ``period``) earned from the period's first day up
    to ``last_day`` included, rounded half up to the cent."""
    days = min(max(days_between(period[0], last_day), 0), days_between(*period))
    share = Decimal(str(amount)) * days / days_between(*period)
    return share.quantize(CENT, rounding=ROUND_HALF_UP)


def period_share(amount, period, active):
    """The price of the ``active`` days (first, last) of ``period`` when the whole period
    costs ``amount``.

    Computed as the difference of two cumulative amounts, so the shares of days that follow
    each other add up exactly, to the cent, to the share of all of them: the parts of a
    period split at any days (a service replaced by an amendment, stopped, resumed) sum to its
    full price. Each share lies between zero and ``amount``.
    """
    first = max(period[0], active[0])
    last = min(period[1], active[1])
    if last < first:
        return Decimal(0)
    return cumulative_amount(amount, period, last) - cumulative_amount(
        amount, period, first - timedelta(days=1)
    )


@dataclass(frozen=True)
class Charge:
    """A subscription to invoice for one period: its days (``date_from``..``date_to``) within
    the full period (``period_start``..``period_end``) and their price."""

    key: object
    period_start: date
    period_end: date
    date_from: date
    date_to: date
    amount: Decimal


def subscription_charges(services, frequency, anchor_month, timing, billing_day, today):
    """The charges due on ``today`` for subscriptions not billed yet.

    ``services`` are tuples (key, monthly price, first day, last day or None, last day
    already billed or None). A period costs its months times the monthly price; a service that
    starts or stops inside a period pays the share of its days (``period_share``).
    Invariants: a service is never charged twice for a day, and successive runs charge every
    day of the service once its billing date has come.
    """
    months = MONTHS_PER_PERIOD[frequency]
    charges = []
    for key, monthly_price, first_day, last_day, billed_until in services:
        full_price = Decimal(str(monthly_price)) * months
        for start, end in periods_to_bill(
            frequency, anchor_month, first_day, last_day, billed_until, today, timing,
            billing_day,
        ):  # fmt: skip
            period = period_containing(start, frequency, anchor_month)
            date_to = min(end, last_day) if last_day else end
            charges.append(
                Charge(key, period[0], period[1], start, date_to,
                       period_share(full_price, period, (start, date_to)))
            )  # fmt: skip
    return charges
