"""Engagement letter rules: dates (term, renewal, billing day, payment term) and states."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabinet_online_services_rules import letter_dates as ld
from cabinet_online_services_rules import letter_states as ls

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 1, 1), -13, date(2024, 12, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert ld.add_months(day, months) == expected


def test_term_and_renewal_worked_examples():
    start = date(2026, 1, 1)
    assert ld.term_end(start, 12) == date(2026, 12, 31)
    assert ld.current_term_end(start, 12, False, date(2028, 6, 1)) == date(2026, 12, 31)
    assert ld.current_term_end(start, 12, True, date(2028, 6, 1)) == date(2028, 12, 31)
    assert ld.current_term_end(start, 12, True, date(2026, 12, 31)) == date(2026, 12, 31)
    assert ld.notice_deadline(date(2026, 12, 31), 3) == date(2026, 9, 30)


@given(days, st.integers(1, 36), days)
def test_renewed_term_runs_on_today(start, months, today):
    end = ld.current_term_end(start, months, True, today)
    assert end >= today or end == ld.term_end(start, months)
    previous_ends = [ld.term_end(start, months * n) for n in range(1, 1300)]
    assert end in previous_ends
    earlier = [e for e in previous_ends if e < end]
    assert all(e < today for e in earlier), "no earlier term end is still to come"


@pytest.mark.parametrize(
    ("period_start", "period_end", "timing", "day", "expected"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), ld.ADVANCE, 25, date(2026, 2, 25)),
        (date(2026, 3, 1), date(2026, 3, 31), ld.ADVANCE, 31, date(2026, 2, 28)),
        (date(2026, 1, 1), date(2026, 3, 31), ld.ADVANCE, 25, date(2025, 12, 25)),
        (date(2026, 3, 1), date(2026, 3, 31), ld.ARREARS, 25, date(2026, 4, 1)),
    ],
)
def test_billing_date(period_start, period_end, timing, day, expected):
    assert ld.billing_date(period_start, period_end, timing, day) == expected


@given(days, st.integers(1, 31))
def test_billing_in_advance_is_always_before_the_period(period_start, day):
    period_start = period_start.replace(day=1)
    billed = ld.billing_date(period_start, period_start, ld.ADVANCE, day)
    assert billed < period_start
    assert (period_start - billed).days <= 31


def test_longest_payment_term_is_30_days_end_of_month():
    assert ld.longest_due_allowed(date(2026, 1, 10)) == date(2026, 3, 2)
    thirty_days = ld.payment_term_too_long(
        lambda d: d + timedelta(days=30), ld.sample_invoice_dates()
    )
    assert thirty_days is None
    sixty_days = ld.payment_term_too_long(
        lambda d: d + timedelta(days=60), ld.sample_invoice_dates()
    )
    assert sixty_days == date(2024, 1, 2), "from the 2nd of a 31-day month, 60 days is too long"


def test_state_machine():
    assert ls.allowed(ls.DRAFT, ls.SENT)
    assert ls.allowed(ls.SUSPENDED, ls.ACTIVE)
    assert not ls.allowed(ls.DRAFT, ls.ACTIVE)
    assert not ls.allowed(ls.TERMINATED, ls.ACTIVE)
    assert ls.refused_letters({"a": ls.DRAFT, "b": ls.SIGNED}, ls.ACTIVE) == ["a"]


@given(st.lists(st.sampled_from(sorted(ls.TRANSITIONS)), min_size=1, max_size=30))
def test_a_terminated_letter_never_comes_back(path):
    state, terminated = ls.DRAFT, False
    for target in path:
        if ls.allowed(state, target):
            state = target
        terminated = terminated or state == ls.TERMINATED
        assert not terminated or state == ls.TERMINATED
    assert ls.TRANSITIONS[ls.TERMINATED] == set()
