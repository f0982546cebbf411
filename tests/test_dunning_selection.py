"""The daily run's decision for one client (addons/cabinet_dunning/rules/dunning_selection.py)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cabinet_dunning_rules import dunning_levels as dl
from cabinet_dunning_rules import dunning_selection as ds

TODAY = date(2026, 6, 30)
LEVELS = [dl.Level(seq, days) for seq, days in enumerate([5, 10, 15, 20, 30, 45, 60], start=1)]


def debt(key, days_late, amount="100", **kw):
    return ds.Item(key, TODAY - timedelta(days=days_late), Decimal(amount), **kw)


def test_highest_level_due_lists_every_overdue_invoice():
    decision = ds.decide([debt(1, 12), debt(2, 31), debt(3, -5)], LEVELS, TODAY)
    assert decision.level.sequence == 5
    assert decision.reminded == [1, 2]
    assert decision.amount_due == Decimal("200")


def test_excluded_items_are_never_reminded():
    items = [
        debt(1, 40, excluded_reason="dispute"),
        debt(2, 40, excluded_reason="promise"),
        debt(3, 40, excluded_reason="no_followup"),
        debt(4, 40, excluded_reason="direct_debit"),
    ]
    decision = ds.decide(items, LEVELS, TODAY)
    assert decision.level is None
    assert decision.skipped == {1: "dispute", 2: "promise", 3: "no_followup", 4: "direct_debit"}


def test_excluded_or_blocked_client():
    decision = ds.decide([debt(1, 40)], LEVELS, TODAY, client_reason=ds.CLIENT_BLOCKED)
    assert decision.level is None
    assert decision.reason == ds.CLIENT_BLOCKED


def test_credits_net_the_overdue_amount():
    credit = ds.Item(9, TODAY, Decimal("-60"))
    decision = ds.decide([debt(1, 20), credit], LEVELS, TODAY)
    assert decision.amount_due == Decimal("40")
    covered = ds.decide([debt(1, 20), ds.Item(9, TODAY, Decimal("-150"))], LEVELS, TODAY)
    assert covered.level is None
    assert covered.reason == ds.COVERED_BY_CREDITS


def test_partial_payment_reminds_only_the_residual():
    decision = ds.decide([debt(1, 20, amount="35.50")], LEVELS, TODAY)
    assert decision.amount_due == Decimal("35.50")


def test_already_reminded_at_that_level_or_too_soon():
    same = ds.decide([debt(1, 12, last_sequence=2, last_date=TODAY - timedelta(days=2))], LEVELS,
                     TODAY)  # fmt: skip
    assert same.level is None and same.reason == dl.ALREADY_AT_LEVEL
    soon = ds.decide(
        [debt(1, 16, last_sequence=2, last_date=TODAY - timedelta(days=2))],
        LEVELS,
        TODAY,
        min_interval_days=5,
    )
    assert soon.level is None and soon.reason == dl.TOO_SOON


def test_an_invoice_already_higher_keeps_its_level():
    items = [debt(1, 61, last_sequence=6, last_date=TODAY - timedelta(days=5)), debt(2, 6)]
    decision = ds.decide(items, LEVELS, TODAY)
    assert decision.level.sequence == 7
    assert ds.items_to_raise(decision, items) == [1, 2]
    items = [debt(1, 50, last_sequence=7, last_date=TODAY - timedelta(days=9)), debt(2, 6)]
    decision = ds.decide(items, LEVELS, TODAY)
    assert decision.level.sequence == 1
    assert ds.items_to_raise(decision, items) == [2], "invoice 1 stays at level 7"


item_strategy = st.builds(
    ds.Item,
    key=st.integers(1, 10_000),
    due_date=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)),
    residual=st.decimals(-500, 5_000, places=2),
    last_sequence=st.one_of(st.none(), st.integers(1, 7)),
    last_date=st.one_of(st.none(), st.dates(min_value=date(2025, 1, 1), max_value=TODAY)),
    excluded_reason=st.one_of(st.none(), st.sampled_from(ds.ITEM_REASONS)),
)


@given(st.lists(item_strategy, max_size=12, unique_by=lambda item: item.key),
       st.integers(0, 10))  # fmt: skip
def test_decision_invariants(items, interval):
    decision = ds.decide(items, LEVELS, TODAY, min_interval_days=interval)
    by_key = {item.key: item for item in items}
    if decision.level is None:
        assert decision.reminded == []
        return
    assert decision.amount_due > 0
    for key in decision.reminded:
        item = by_key[key]
        assert item.excluded_reason is None and item.residual > 0 and item.due_date < TODAY
    assert any(
        item.last_sequence is None or item.last_sequence < decision.level.sequence
        for item in (by_key[key] for key in decision.reminded)
    )
    for key in ds.items_to_raise(decision, items):
        assert (
            by_key[key].last_sequence is None or by_key[key].last_sequence < decision.level.sequence
        )
