"""Equal monthly instalments (addons/cabinet_online_services/rules/instalments.py)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cabinet_online_services_rules import instalments


def test_an_annual_fee_in_twelve_equal_debits_on_the_fifth():
    plan = instalments.equal_monthly_instalments(Decimal("1000.00"), 12, date(2026, 12, 9), 5)
    assert [due for due, _amount in plan][:3] == [
        date(2027, 1, 5),
        date(2027, 2, 5),
        date(2027, 3, 5),
    ]
    assert plan[-1][0] == date(2027, 12, 5)
    assert [amount for _due, amount in plan] == [Decimal("83.33")] * 11 + [Decimal("83.37")]


def test_a_debit_day_past_a_short_month_falls_on_its_last_day():
    plan = instalments.equal_monthly_instalments(Decimal("120"), 3, date(2027, 1, 2), 31)
    assert [due for due, _amount in plan] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
    ]


@given(
    total=st.decimals(min_value=-100_000, max_value=100_000, places=2),
    count=st.integers(1, 24),
    earliest=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    day=st.integers(1, 31),
)
def test_instalments_add_up_are_equal_and_fall_once_a_month(total, count, earliest, day):
    plan = instalments.equal_monthly_instalments(total, count, earliest, day)
    amounts = [amount for _due, amount in plan]
    dates = [due for due, _amount in plan]
    assert sum(amounts) == total
    assert len(set(amounts[:-1])) <= 1
    assert abs(amounts[-1] - amounts[0]) < Decimal("0.01") * count
    assert dates[0] >= earliest and dates[0] - earliest < timedelta(days=31)
    months = [due.year * 12 + due.month for due in dates]
    assert all(later - earlier == 1 for earlier, later in zip(months, months[1:], strict=False))
    assert all(due.day == day or due.day < day for due in dates)
