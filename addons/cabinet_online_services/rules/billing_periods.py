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


def days_outside(active, suspended):
    """The days of ``active`` (first, last) not covered by the ``suspended`` intervals
    (first, last), as (first, last) intervals in order."""
    first, last = active
    remaining = []
    for suspended_from, suspended_to in sorted(suspended):
        if suspended_to < first or suspended_from > last:
            continue
        if suspended_from > first:
            remaining.append((first, suspended_from - timedelta(days=1)))
        first = max(first, suspended_to + timedelta(days=1))
    if first <= last:
        remaining.append((first, last))
    return remaining


def share_less_suspended(amount, period, active, suspended):
    """The price of the ``active`` days of ``period`` (costing ``amount``) that fall in no
    ``suspended`` interval: the share of those days, less the share of the suspended ones.
    Shares are differences of cumulative amounts, so the parts add up exactly to the cent."""
    return sum(
        (period_share(amount, period, part) for part in days_outside(active, suspended)),
        Decimal(0),
    )


@dataclass(frozen=True)
class Charge:
    """A subscription to invoice for one period: its days (``date_from``..``date_to``) within
    the full period (``period_start``..``period_end``) and their price. Days of a suspension
    that stopped billing are not charged: ``active`` lists the days charged (an empty list
    and a zero amount when the suspension covered all of them)."""

    key: object
    period_start: date
    period_end: date
    date_from: date
    date_to: date
    amount: Decimal
    active: tuple = ()


def subscription_charges(services, frequency, anchor_month, timing, billing_day, today):
    """The charges due on ``today`` for subscriptions not billed yet.

    ``services`` are tuples (key, monthly price, first day, last day or None, last day
    already billed or None, suspended intervals (first, last) whose days are never billed).
    A period costs its months times the monthly price; a service that starts or stops inside
    a period, or is suspended for part of it, pays the share of its other days
    (``share_less_suspended``). Invariants: a service is never charged twice for a day, no
    suspended day is charged, and successive runs charge every other day of the service
    once its billing date has come.
    """
    months = MONTHS_PER_PERIOD[frequency]
    charges = []
    for key, monthly_price, first_day, last_day, billed_until, suspended in services:
        full_price = Decimal(str(monthly_price)) * months
        for start, end in periods_to_bill(
            frequency, anchor_month, first_day, last_day, billed_until, today, timing,
            billing_day,
        ):  # fmt: skip
            period = period_containing(start, frequency, anchor_month)
            date_to = min(end, last_day) if last_day else end
            active = days_outside((start, date_to), suspended)
            charges.append(
                Charge(key, period[0], period[1], start, date_to,
                       share_less_suspended(full_price, period, (start, date_to), suspended),
                       tuple(active))
            )  # fmt: skip
    return charges
