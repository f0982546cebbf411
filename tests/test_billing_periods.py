"""Billing periods and proration (addons/cabinet_online_services/rules/billing_periods.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabinet_online_services_rules import billing_periods as bp
from cabinet_online_services_rules import letter_dates as ld

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
frequencies = st.sampled_from(sorted(bp.MONTHS_PER_PERIOD))


@pytest.mark.parametrize(
    ("day", "frequency", "anchor", "expected"),
    [
        (date(2026, 2, 14), "monthly", 1, (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 5, 31), "quarterly", 1, (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 2, 1), "annual", 9, (date(2025, 9, 1), date(2026, 8, 31))),
        (date(2026, 9, 1), "annual", 9, (date(2026, 9, 1), date(2027, 8, 31))),
    ],
)
def test_period_containing(day, frequency, anchor, expected):
    assert bp.period_containing(day, frequency, anchor) == expected


def test_periods_to_bill_in_advance_on_the_25th():
    periods = bp.periods_to_bill(
        "monthly", 1, date(2026, 1, 15), None, None, date(2026, 3, 25), ld.ADVANCE, 25
    )
    assert periods == [
        (date(2026, 1, 15), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
    ]
    again = bp.periods_to_bill(
        "monthly", 1, date(2026, 1, 15), None, date(2026, 4, 30), date(2026, 3, 25),
        ld.ADVANCE, 25,
    )  # fmt: skip
    assert again == [], "a second run the same day bills nothing"


def test_a_stopped_service_is_not_billed_after_its_end():
    periods = bp.periods_to_bill(
        "monthly", 1, date(2026, 1, 1), date(2026, 2, 10), None, date(2026, 12, 1),
        ld.ARREARS, 25,
    )  # fmt: skip
    assert periods == [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    share = bp.period_share(30, periods[1], (date(2026, 2, 1), date(2026, 2, 10)))
    assert share == Decimal("10.71")


@given(frequencies, st.integers(1, 12), days, days, st.lists(days, min_size=1, max_size=6),
       st.sampled_from([ld.ADVANCE, ld.ARREARS]), st.integers(1, 31))  # fmt: skip
def test_successive_runs_never_bill_a_period_twice_nor_skip_one(
    frequency, anchor, start, stop, run_days, timing, billing_day
):
    end = max(start, stop) if stop.toordinal() % 3 else None
    billed_until, billed = None, []
    for today in sorted(run_days):
        periods = bp.periods_to_bill(
            frequency, anchor, start, end, billed_until, today, timing, billing_day
        )
        billed += periods
        if periods:
            billed_until = periods[-1][1]
    for (first, last), (next_first, _next_last) in zip(billed, billed[1:], strict=False):
        assert first <= last
        assert next_first == last + timedelta(days=1), "no gap and no overlap"
    if billed:
        assert billed[0][0] == start
        assert end is None or billed[-1][0] <= end


@given(st.decimals(0, 100_000, places=2), days, st.sampled_from(["monthly", "quarterly", "annual"]),
       st.lists(st.integers(1, 365), max_size=6))  # fmt: skip
def test_the_parts_of_a_period_split_at_any_days_sum_to_its_price(amount, day, frequency, cuts):
    period = bp.period_containing(day, frequency)
    length = bp.days_between(*period)
    bounds = sorted({cut % length for cut in cuts} | {0, length})
    parts = [
        (period[0] + timedelta(days=first), period[0] + timedelta(days=last - 1))
        for first, last in zip(bounds, bounds[1:], strict=False)
    ]
    shares = [bp.period_share(amount, period, part) for part in parts]
    assert sum(shares) == amount
    for share, part in zip(shares, parts, strict=True):
        assert 0 <= share <= amount
        exact = amount * bp.days_between(*part) / length
        assert abs(share - exact) <= Decimal("0.01")


def test_a_share_outside_the_period_is_zero_and_the_whole_period_is_the_price():
    period = (date(2026, 2, 1), date(2026, 2, 28))
    assert bp.period_share(30, period, (date(2026, 3, 1), date(2026, 3, 5))) == 0
    assert bp.period_share(30, period, (date(2026, 1, 1), date(2026, 12, 31))) == 30


def test_an_amendment_mid_month_bills_both_services_and_the_month_sums_up():
    """40 a month until 10 March, then 40 again (new line after an amendment): 40 in all."""
    services = [
        ("old", 40, date(2026, 1, 1), date(2026, 3, 10), date(2026, 2, 28), []),
        ("new", 40, date(2026, 3, 11), None, None, []),
    ]
    charges = bp.subscription_charges(services, "monthly", 1, ld.ADVANCE, 25, date(2026, 2, 25))
    assert [(c.key, c.date_from, c.date_to) for c in charges] == [
        ("old", date(2026, 3, 1), date(2026, 3, 10)),
        ("new", date(2026, 3, 11), date(2026, 3, 31)),
    ]
    assert sum(c.amount for c in charges) == 40


@given(st.decimals(0, 5_000, places=2), frequencies, st.integers(1, 12), days, days,
       st.lists(days, min_size=1, max_size=6), st.sampled_from([ld.ADVANCE, ld.ARREARS]),
       st.integers(1, 31))  # fmt: skip
def test_charges_cover_each_day_of_a_service_once(
    monthly, frequency, anchor, start, stop, run_days, timing, billing_day
):
    end = max(start, stop) if stop.toordinal() % 3 else None
    billed_until, charges = None, []
    for today in sorted(run_days):
        new = bp.subscription_charges(
            [("s", monthly, start, end, billed_until, [])], frequency, anchor, timing, billing_day,
            today,
        )  # fmt: skip
        charges += new
        if new:
            billed_until = new[-1].period_end
    for charge, following in zip(charges, charges[1:], strict=False):
        assert following.date_from == charge.period_end + timedelta(days=1)
    for charge in charges:
        assert start <= charge.date_from <= charge.date_to <= charge.period_end
        assert end is None or charge.date_to <= end
        full = monthly * bp.MONTHS_PER_PERIOD[frequency]
        assert 0 <= charge.amount <= full
        if (charge.date_from, charge.date_to) == (charge.period_start, charge.period_end):
            assert charge.amount == full


def test_a_suspension_inside_a_month_billed_in_arrears_leaves_out_its_days_only():
    """Suspended 10 to 19 December, billed in arrears on 1 January: 21 days of 31."""
    services = [("s", 31, date(2026, 11, 1), None, date(2026, 11, 30),
                 [(date(2026, 12, 10), date(2026, 12, 19))])]  # fmt: skip
    [charge] = bp.subscription_charges(services, "monthly", 1, ld.ARREARS, 1, date(2027, 1, 1))
    assert charge.amount == 21
    assert charge.active == (
        (date(2026, 12, 1), date(2026, 12, 9)),
        (date(2026, 12, 20), date(2026, 12, 31)),
    )


def test_a_period_wholly_suspended_is_charged_nothing():
    services = [("s", 30, date(2026, 1, 1), date(2026, 12, 20), date(2026, 11, 30),
                 [(date(2026, 11, 15), date(2026, 12, 20))])]  # fmt: skip
    [charge] = bp.subscription_charges(services, "monthly", 1, ld.ARREARS, 1, date(2027, 1, 1))
    assert (charge.amount, charge.active) == (0, ())
    assert (charge.date_from, charge.date_to) == (date(2026, 12, 1), date(2026, 12, 20))


intervals = st.lists(st.tuples(days, st.integers(0, 120)), max_size=4).map(
    lambda pairs: [(first, first + timedelta(days=length)) for first, length in pairs]
)


@given(st.decimals(0, 5_000, places=2), frequencies, days, days, intervals)
def test_suspended_days_are_never_charged_and_the_others_add_up(
    monthly, frequency, start, stop, suspended
):
    """Whatever the suspensions (even overlapping), the charges of a period add up to the
    price of its days outside them, to the cent; the charged days avoid every suspension."""
    end = max(start, stop)
    charges = bp.subscription_charges(
        [("s", monthly, start, end, None, suspended)], frequency, 1, ld.ARREARS, 1,
        end + timedelta(days=400),
    )  # fmt: skip
    full = Decimal(str(monthly)) * bp.MONTHS_PER_PERIOD[frequency]
    for charge in charges:
        period = (charge.period_start, charge.period_end)
        days_charged = {
            first + timedelta(days=offset)
            for first, last in charge.active
            for offset in range(bp.days_between(first, last))
        }
        assert all(charge.date_from <= day <= charge.date_to for day in days_charged)
        assert not any(a <= day <= b for day in days_charged for a, b in suspended)
        suspended_share = sum(
            (bp.period_share(full, period, (day, day))
             for day in _days(charge.date_from, charge.date_to)
             if any(a <= day <= b for a, b in suspended)),
            Decimal(0),
        )  # fmt: skip
        whole = bp.period_share(full, period, (charge.date_from, charge.date_to))
        assert 0 <= charge.amount <= whole
        # Day by day shares round differently from a span's; they agree within a cent a day.
        assert abs(charge.amount - (whole - suspended_share)) <= CENT * bp.days_between(
            charge.date_from, charge.date_to
        )
        assert charge.amount == sum(
            (bp.period_share(full, period, part) for part in charge.active), Decimal(0)
        )


CENT = Decimal("0.01")


def _days(first, last):
    return [first + timedelta(days=offset) for offset in range(bp.days_between(first, last))]
