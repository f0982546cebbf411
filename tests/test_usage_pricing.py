"""Usage pricing with quantity tiers (addons/cabinet_online_services/rules/usage_pricing.py)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cabinet_online_services_rules import usage_pricing as up

TIERS = [up.Tier(500, 0.08), up.Tier(2000, 0.05)]

quantities = st.integers(min_value=0, max_value=100_000)
prices = st.decimals(min_value=0, max_value=100, places=2).map(float)
tier_lists = st.lists(
    st.tuples(st.integers(min_value=1, max_value=50_000), prices),
    max_size=5,
    unique_by=lambda t: t[0],
).map(lambda pairs: [up.Tier(start, price) for start, price in pairs])


@pytest.mark.parametrize(
    ("quantity", "mode", "expected"),
    [
        (300, up.GRADUATED, [(300, 0.10)]),
        (730, up.GRADUATED, [(500, 0.10), (230, 0.08)]),
        (2300, up.GRADUATED, [(500, 0.10), (1500, 0.08), (300, 0.05)]),
        (500, up.GRADUATED, [(500, 0.10)]),
        (730, up.VOLUME, [(730, 0.08)]),
        (2000, up.VOLUME, [(2000, 0.05)]),
        (499, up.VOLUME, [(499, 0.10)]),
        (0, up.GRADUATED, []),
    ],
)
def test_worked_examples(quantity, mode, expected):
    segments = up.price_segments(quantity, 0.10, TIERS, mode)
    assert [(s.quantity, s.unit_price) for s in segments] == expected


def test_a_tier_at_zero_replaces_the_base_price():
    segments = up.price_segments(100, 0.10, [up.Tier(0, 0.09)])
    assert [(s.quantity, s.unit_price) for s in segments] == [(100, 0.09)]


@given(quantities, prices, tier_lists, st.sampled_from([up.GRADUATED, up.VOLUME]))
def test_segments_add_up_to_the_quantity(quantity, base, tiers, mode):
    segments = up.price_segments(quantity, base, tiers, mode)
    assert all(s.quantity > 0 for s in segments)
    assert math.isclose(sum(s.quantity for s in segments), quantity)


@given(quantities, quantities, prices, tier_lists)
def test_graduated_amount_never_decreases_with_quantity(q1, q2, base, tiers):
    low, high = sorted((q1, q2))
    amount_low = up.amount(up.price_segments(low, base, tiers))
    amount_high = up.amount(up.price_segments(high, base, tiers))
    assert amount_low <= amount_high + 1e-9


@given(quantities, prices, tier_lists)
def test_graduated_segments_stay_within_their_tier(quantity, base, tiers):
    starts = sorted({0.0} | {t.from_quantity for t in tiers})
    for segment in up.price_segments(quantity, base, tiers):
        following = [s for s in starts if s > segment.from_quantity]
        assert segment.from_quantity in starts
        if following:
            assert segment.from_quantity + segment.quantity <= following[0]


def test_tier_problems():
    assert up.check_tiers(TIERS) == []
    assert up.check_tiers([up.Tier(-1, 0.1)]) == ["negative_quantity"]
    assert up.check_tiers([up.Tier(1, -0.1)]) == ["negative_price"]
    assert up.check_tiers([up.Tier(5, 0.1), up.Tier(5, 0.2)]) == ["duplicate_start"]
