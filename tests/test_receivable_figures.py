"""The dashboard's figures without a database
(addons/cabinet_dunning/rules/receivable_figures.py)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabinet_dunning_rules import receivable_figures as rf


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(-10, "not_due"), (0, "not_due"), (1, "late_1_30"), (30, "late_1_30"),
     (31, "late_31_60"), (60, "late_31_60"), (61, "late_61_90"), (90, "late_61_90"),
     (91, "late_90_plus"), (4000, "late_90_plus")],
)  # fmt: skip
def test_age_buckets_at_their_bounds(days_late, bucket):
    assert rf.age_bucket(days_late) == bucket


def test_month_ends_are_the_last_days_of_the_months_before():
    assert rf.month_ends(date(2026, 3, 15), 3) == [
        date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28),
    ]  # fmt: skip
    assert rf.month_start(date(2026, 1, 20), 1) == date(2025, 12, 1)
    assert rf.month_start(date(2026, 1, 20), -1) == date(2026, 2, 1)


amounts = st.lists(st.decimals(-10_000, 1_000_000, places=2), min_size=1, max_size=6)


@given(amounts)
def test_percentages_add_up_to_exactly_100(values):
    shares = rf.percentages(values)
    assert len(shares) == len(values)
    if sum(values):
        assert sum(shares) == 100
    else:
        assert not any(shares)
    for share in shares:
        assert share == share.quantize(Decimal("0.1"))


def test_percentages_of_a_plain_split():
    assert rf.percentages([1, 1, 1]) == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]


def test_count_back_uses_up_the_latest_months_first():
    # 1,500 owed: this month's 1,000 (20 days so far), then half of last month's 1,000.
    assert rf.count_back_dso(1500, [(20, 1000), (31, 1000), (30, 1000)]) == Decimal("35.5")
    assert rf.count_back_dso(0, [(20, 1000)]) == 0
    assert rf.count_back_dso(-50, [(20, 1000)]) == 0
    # Months without sales are gone through whole.
    assert rf.count_back_dso(500, [(10, 0), (31, 1000)]) == Decimal("25.5")


@given(
    st.decimals(0, 100_000, places=2),
    st.decimals(0, 100_000, places=2),
    st.lists(st.tuples(st.integers(1, 31), st.decimals(0, 50_000, places=2)), max_size=12),
)
def test_count_back_grows_with_what_is_owed_and_stays_within_the_months(a, b, months):
    low, high = sorted((a, b))
    assert rf.count_back_dso(low, months) <= rf.count_back_dso(high, months)
    assert 0 <= rf.count_back_dso(high, months) <= sum(days for days, _sales in months)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 24))
def test_month_ends_follow_each_other(today, count):
    ends = rf.month_ends(today, count)
    assert len(ends) == count
    assert ends[-1] == today.replace(day=1) - timedelta(days=1)
    for end in ends:
        assert (end + timedelta(days=1)).day == 1
