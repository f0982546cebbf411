"""Prices of usage-based services (number of entries, payslips...) with quantity tiers.

A tier starts at a quantity (``from_quantity``) and has a unit price. Two ways to apply them:

- ``graduated``: each unit is priced by the tier it falls in (the first 500 entries at 0.10,
  the next ones at 0.08...); the invoice shows one line per tier used;
- ``volume``: every unit is priced by the tier the whole quantity reaches.

Below the first tier (or with no tier at all) the service's base unit price applies.
"""

from dataclasses import dataclass

GRADUATED = "graduated"
VOLUME = "volume"


@dataclass(frozen=True)
class Tier:
    from_quantity: float
    unit_price: float


@dataclass(frozen=True)
class Segment:
    """``quantity`` units billed at ``unit_price``: one invoice line."""

    quantity: float
    unit_price: float
    from_quantity: float = 0.0


def check_tiers(tiers):
    """The problems with a list of tiers (codes), empty when they are usable."""
    problems = []
    starts = [tier.from_quantity for tier in tiers]
    if any(start < 0 for start in starts):
        problems.append("negative_quantity")
    if any(tier.unit_price < 0 for tier in tiers):
        problems.append("negative_price")
    if len(set(starts)) != len(starts):
        problems.append("duplicate_start")
    return problems


def price_segments(quantity, base_unit_price, tiers, mode=GRADUATED):
    """Split ``quantity`` into the segments to bill.

    Invariants: the segment quantities are positive and add up to ``quantity``; in graduated
    mode each segment lies within its tier, so the amount never decreases when the quantity
    grows (with non-negative prices).
    """
    if quantity <= 0:
        return []
    bands = [Tier(0.0, base_unit_price)] + sorted(
        (t for t in tiers if t.from_quantity > 0), key=lambda t: t.from_quantity
    )
    zero_tier = [t for t in tiers if t.from_quantity == 0]
    if zero_tier:
        bands[0] = zero_tier[0]
    if mode == VOLUME:
        reached = [band for band in bands if band.from_quantity <= quantity][-1]
        return [Segment(quantity, reached.unit_price, reached.from_quantity)]
    segments = []
    for band, following in zip(bands, bands[1:] + [None], strict=True):
        if band.from_quantity >= quantity:
            break
        end = quantity if following is None else min(quantity, following.from_quantity)
        if end > band.from_quantity:
            segments.append(Segment(end - band.from_quantity, band.unit_price, band.from_quantity))
    return segments


def amount(segments):
    return sum(segment.quantity * segment.unit_price for segment in segments)
