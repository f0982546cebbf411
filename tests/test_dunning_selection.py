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


def test_first_reminder_is_the_first_level_listing_what_reached_it():
    decision = ds.decide([debt(1, 12), debt(2, 31), debt(3, 3), debt(4, -5)], LEVELS, TODAY)
    assert decision.level.sequence == 1, "never skip a level"
    assert decision.reminded == [1, 2]
    assert decision.not_yet_due == [3], "overdue, below the first level: shown apart"
    assert decision.amount_due == Decimal("200")
    assert decision.raised == {1: 1, 2: 1}


def test_catch_up_starts_at_the_level_of_the_days_late():
    decision = ds.decide([debt(1, 12), debt(2, 31)], LEVELS, TODAY, catch_up=True)
    assert decision.level.sequence == 5
    assert decision.raised == {1: 2, 2: 5}, "each invoice records its own level, at most"


def test_nothing_reached_yet():
    decision = ds.decide([debt(1, 3)], LEVELS, TODAY)
    assert decision.level is None
    assert decision.reason == dl.BELOW_FIRST_LEVEL
    assert decision.not_yet_due == [1]


def test_a_client_with_a_reminder_waiting_gets_no_other():
    decision = ds.decide([debt(1, 40)], LEVELS, TODAY, client_reason=ds.CLIENT_PENDING)
    assert decision.level is None and decision.reason == ds.CLIENT_PENDING


def test_minimum_amounts_cap_the_level():
    levels = [dl.Level(1, 5, 0), dl.Level(2, 10, 500)]
    decision = ds.decide([debt(1, 30, last_sequence=1, last_date=TODAY - timedelta(days=20))],
                         levels, TODAY)  # fmt: skip
    assert decision.level is None and decision.reason == dl.ALREADY_AT_LEVEL
    assert ds.decide([debt(1, 30)], [dl.Level(1, 5, 500)], TODAY).reason == ds.BELOW_MINIMUM


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


def test_levels_climb_one_at_a_time_and_fall_back_when_paid():
    sent = TODAY - timedelta(days=6)
    items = [debt(1, 61, last_sequence=3, last_date=sent), debt(2, 6)]
    decision = ds.decide(items, LEVELS, TODAY, min_interval_days=5)
    assert decision.level.sequence == 4, "the level after the one sent"
    assert decision.raised == {1: 4, 2: 1}, "the recent invoice records its own level"
    # The old invoice paid: the client's level is what remains.
    remaining = [debt(2, 12, last_sequence=1, last_date=sent)]
    assert ds.decide(remaining, LEVELS, TODAY, min_interval_days=5).level.sequence == 2


def test_an_invoice_already_higher_keeps_its_level():
    items = [debt(1, 50, last_sequence=7, last_date=TODAY - timedelta(days=9)), debt(2, 6)]
    decision = ds.decide(items, LEVELS, TODAY)
    assert decision.level is None, "the client is at the last level"
    assert decision.reason == dl.ALREADY_AT_LEVEL


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
       st.integers(0, 10), st.booleans())  # fmt: skip
def test_decision_invariants(items, interval, catch_up):
    decision = ds.decide(items, LEVELS, TODAY, min_interval_days=interval, catch_up=catch_up)
    by_key = {item.key: item for item in items}
    if decision.level is None:
        assert decision.reminded == [] and decision.raised == {}
        return
    assert decision.amount_due > 0
    current = max((item.last_sequence or 0 for item in items if item.residual > 0), default=0)
    assert decision.level.sequence > current
    if not catch_up:
        assert decision.level.sequence == current + 1, "never skip a level"
    last = [i.last_date for i in items if i.residual > 0 and i.last_sequence and i.last_date]
    if current and last:
        assert (TODAY - max(last)).days >= interval, "reminders are apart"
    for key in decision.reminded:
        item = by_key[key]
        assert item.excluded_reason is None and item.residual > 0 and item.due_date < TODAY
        own = dl.rank_reached(LEVELS, (TODAY - item.due_date).days)
        assert own is not None, "only invoices that reached the first level are reminded"
    assert decision.level.sequence <= max(
        dl.rank_reached(LEVELS, (TODAY - by_key[key].due_date).days) for key in decision.reminded
    ), "never above the highest level due"
    assert not set(decision.reminded) & set(decision.not_yet_due)
    for key, level in decision.raised.items():
        assert key in decision.reminded
        assert level <= decision.level.sequence
        assert (by_key[key].last_sequence or 0) < level
