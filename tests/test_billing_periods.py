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
    share = bp.prorated_share(30, periods[1], (date(2026, 2, 1), date(2026, 2, 10)))
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


@given(st.decimals(0, 100_000, places=2), st.lists(st.integers(1, 31), min_size=1, max_size=6))
def test_prorated_parts_sum_to_the_whole(amount, lengths):
    shares = bp.split_exactly(amount, lengths)
    assert sum(shares) == amount
    assert all(share >= 0 for share in shares)
    total = sum(lengths)
    for share, length in zip(shares, lengths, strict=True):
        assert abs(share - amount * length / total) < Decimal("0.01")


@given(st.decimals(0, 10_000, places=2), days, st.integers(1, 27))
def test_a_month_split_at_any_day_sums_to_its_price(amount, day, cut):
    period = bp.period_containing(day, "monthly")
    middle = period[0] + timedelta(days=cut)
    if middle > period[1]:
        middle = period[1]
    segments = [(period[0], middle - timedelta(days=1)), (middle, period[1])]
    segments = [s for s in segments if s[0] <= s[1]]
    assert sum(bp.prorate_period(amount, segments)) == amount
