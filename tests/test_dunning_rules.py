"""Dunning rules of cabinet_dunning: level selection and French late-payment law."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cabinet_dunning_rules import dunning_levels as dl
from cabinet_dunning_rules import late_payment as lp

# The seeds' sequence: +5 call, +10 letter, +15 email, +20 call, +30 letter, +45 notice, +60.
SEED_LEVELS = [
    dl.Level(sequence, days) for sequence, days in enumerate([5, 10, 15, 20, 30, 45, 60], start=1)
]
ECB = {
    date(2024, 1, 1): 4.50,
    date(2024, 7, 1): 4.25,
    date(2025, 1, 1): 3.15,
    date(2025, 7, 1): 2.15,
    date(2026, 1, 1): 2.15,
}

level_lists = st.lists(
    st.tuples(st.integers(0, 365), st.decimals(0, 500, places=2).map(float)),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t[0],
).map(
    lambda pairs: [
        dl.Level(seq, days, minimum) for seq, (days, minimum) in enumerate(sorted(pairs), start=1)
    ]
)


@pytest.mark.parametrize(
    ("days", "last", "expected"),
    [(0, None, None), (4, None, None), (5, None, 1), (12, 1, 2), (31, 2, 5), (31, 5, None),
     (400, None, 7)],
)  # fmt: skip
def test_seed_sequence(days, last, expected):
    decision = dl.level_due(SEED_LEVELS, days, 100.0, last_sequence=last)
    assert (decision.level.sequence if decision.level else None) == expected


def test_reasons_for_no_reminder():
    assert dl.level_due(SEED_LEVELS, -3, 100).reason == dl.NOT_OVERDUE
    assert dl.level_due(SEED_LEVELS, 10, 0).reason == dl.NOT_OVERDUE
    assert dl.level_due(SEED_LEVELS, 3, 100).reason == dl.BELOW_FIRST_LEVEL
    assert dl.level_due(SEED_LEVELS, 12, 100, last_sequence=2).reason == dl.ALREADY_AT_LEVEL
    too_soon = dl.level_due(SEED_LEVELS, 31, 100, 2, days_since_last=3, min_interval_days=7)
    assert too_soon.reason == dl.TOO_SOON


def test_minimum_amount():
    levels = [dl.Level(1, 5), dl.Level(2, 30, min_amount=500.0)]
    assert dl.level_due(levels, 40, 120.0).level.sequence == 1
    assert dl.level_due(levels, 40, 600.0).level.sequence == 2


@given(level_lists, st.integers(-30, 500), st.integers(-30, 500), st.decimals(1, 10_000).map(float))
def test_level_is_monotone_in_days_overdue(levels, d1, d2, amount):
    low, high = sorted((d1, d2))
    first = dl.level_due(levels, low, amount).level
    second = dl.level_due(levels, high, amount).level
    if first:
        assert second is not None and second.sequence >= first.sequence


@given(level_lists, st.integers(1, 500), st.decimals(1, 10_000).map(float),
       st.one_of(st.none(), st.integers(0, 8)))  # fmt: skip
def test_level_never_goes_backwards_and_is_reached(levels, days, amount, last):
    decision = dl.level_due(levels, days, amount, last_sequence=last)
    if decision.level:
        assert last is None or decision.level.sequence > last
        assert decision.level.days_after_due <= days
        assert amount >= decision.level.min_amount
        higher = [lv for lv in levels if lv.sequence > decision.level.sequence]
        assert all(lv.days_after_due > days or amount < lv.min_amount for lv in higher)


@given(level_lists, st.integers(1, 500), st.integers(0, 30), st.integers(1, 30))
def test_minimum_interval_is_respected(levels, days, since, interval):
    assume(since < interval)
    decision = dl.level_due(levels, days, 1000.0, None, since, interval)
    assert decision.level is None


def test_level_days_must_grow():
    assert dl.check_levels(SEED_LEVELS) == []
    assert dl.check_levels([dl.Level(1, 10), dl.Level(2, 10)]) == ["days_not_increasing"]
    assert dl.check_levels([dl.Level(1, -1)]) == ["negative_days"]


# Late-payment interest: worked examples (ECB rate + 10 points, 365-day year).
@pytest.mark.parametrize(
    ("amount", "due", "on", "expected"),
    [
        # 1,000 EUR, 30 days late in the first half of 2025: 13.15 % x 30/365.
        (1000, date(2025, 3, 1), date(2025, 3, 31), Decimal("10.81")),
        # 2,400 EUR over the 1 July 2025 change: 10 days at 13.15 %, 20 days at 12.15 %.
        (2400, date(2025, 6, 20), date(2025, 7, 20), Decimal("24.62")),
        (500, date(2026, 1, 10), date(2026, 1, 10), Decimal("0.00")),
    ],
)
def test_late_interest_worked_examples(amount, due, on, expected):
    assert lp.late_interest(amount, due, on, ECB) == expected


def test_contractual_rate_replaces_the_legal_one():
    interest = lp.late_interest(1000, date(2025, 1, 1), date(2026, 1, 1), ECB, fixed_rate=12)
    assert interest == Decimal("120.00")


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@given(st.decimals(0, 100_000, places=2), dates, st.integers(0, 400), st.integers(0, 400))
def test_interest_is_additive_over_time(amount, due, extra1, extra2):
    middle = due + timedelta(days=extra1)
    end = middle + timedelta(days=extra2)
    whole = lp.late_interest_exact(amount, due, end, ECB)
    parts = lp.late_interest_exact(amount, due, middle, ECB)
    rest = lp.late_interest_exact(amount, middle, end, ECB)
    assert abs(whole - (parts + rest)) < Decimal("1e-18")
    assert whole >= 0


def test_recovery_indemnity_only_for_professionals():
    assert lp.recovery_indemnity(True, 1) == Decimal("40.00")
    assert lp.recovery_indemnity(False, 90) == Decimal(0)
    assert lp.recovery_indemnity(True, 0) == Decimal(0)


def test_interest_runs_on_what_was_paid_late_up_to_its_payment():
    due, on = date(2026, 5, 31), date(2026, 6, 30)
    # 600 still due for 30 days, 400 paid 15 days late, at 2.15 + 10 = 12.15 %:
    # 600 x 12.15 % x 30/365 + 400 x 12.15 % x 15/365 = 5.9918 + 1.9973
    assert lp.late_interest(600, due, on, ECB, payments=[(date(2026, 6, 15), 400)]) == (
        Decimal("7.99")
    )
    on_time = lp.late_interest(600, due, on, ECB, payments=[(date(2026, 5, 20), 400)])
    assert on_time == lp.late_interest(600, due, on, ECB), "paid before the due date: nothing"


@given(st.integers(1, 5_000), st.integers(0, 200), st.integers(0, 200), st.integers(1, 2_000))
def test_interest_with_payments_is_never_less_than_on_the_residual(residual, late, paid, amount):
    due = date(2025, 1, 10)
    on = due + timedelta(days=late)
    payments = [(due + timedelta(days=paid), amount)]
    assert lp.late_interest(residual, due, on, ECB, payments=payments) >= lp.late_interest(
        residual, due, on, ECB
    )


def test_a_missing_half_year_rate_is_reported_not_reused():
    assert lp.missing_rate(date(2026, 6, 30), ECB) is None
    assert lp.missing_rate(date(2026, 7, 1), ECB) == date(2026, 7, 1)


@pytest.mark.parametrize(
    ("level", "preferred", "keeps", "expected"),
    [
        ("letter", "email", False, "email"),
        ("email", "sms", False, "sms"),
        ("email", None, False, "email"),
        ("phone", "email", False, "phone"),
        ("email", "phone", False, "email"),
        ("letter", "email", True, "letter"),
    ],
)
def test_client_channel_where_the_level_allows_it(level, preferred, keeps, expected):
    assert dl.channel_for(level, preferred, keeps_channel=keeps) == expected
