"""What to remind a client of, in one daily run: the set-based heart of dunning.

The model gathers every open receivable line of the clients in one pass and hands them here
as plain ``Item``s; this module decides, for each client, the level to remind at, the items
the reminder lists, the amount, or why nothing is sent. It reads no database.

Levels are ranks 1..n in the policy's order. Each invoice has its own level, reached from its
own days late (``dunning_levels.rank_reached``); the reminder's level is the highest level due
among its invoices, but a client climbs one level at a time: level n+1 only once level n was
sent (it is recorded on the invoices it reminded) and the minimum interval has passed. The
client's current level is the highest level recorded on its open debts, so it falls back when
the invoices that raised it are paid.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import dunning_levels

# Why an item or a client is not reminded.
CLIENT_EXCLUDED = "client_excluded"
CLIENT_BLOCKED = "client_blocked"
CLIENT_PENDING = "pending"
NOT_DUE = "not_due"
COVERED_BY_CREDITS = "covered_by_credits"
BELOW_MINIMUM = "below_minimum"
ITEM_REASONS = ("no_followup", "dispute", "promise", "direct_debit")


@dataclass(frozen=True)
class Item:
    """An open receivable line: a debt (residual > 0) or a credit (residual < 0).

    ``last_sequence`` is the rank of the level recorded on it by the last reminder sent,
    ``last_date`` that reminder's run date.
    """

    key: int
    due_date: date
    residual: Decimal
    last_sequence: int | None = None
    last_date: date | None = None
    excluded_reason: str | None = None


@dataclass
class ClientDecision:
    level: dunning_levels.Level | None = None
    reason: str | None = None
    reminded: list = field(default_factory=list)
    not_yet_due: list = field(default_factory=list)
    skipped: dict = field(default_factory=dict)
    raised: dict = field(default_factory=dict)
    amount_due: Decimal = Decimal(0)


def decide(items, levels, today, min_interval_days=0, client_reason=None, catch_up=False):
    """The reminder of one client on ``today`` (the run's date).

    Invariants: an excluded item or client is never reminded; the reminded items have each
    reached at least the first level, and the overdue ones below it are listed apart
    (``not_yet_due``); the decision's level is above the client's current level (the highest
    level recorded on its open debts) and, unless ``catch_up``, exactly one above it; it is
    never above the highest level due among the reminded items; two reminders are at least
    ``min_interval_days`` apart; the amount due is the reminded debts net of the client's open
    credits, and positive. ``raised`` maps each reminded item to the level it records once the
    reminder is sent: the decision's level, or the item's own level if that is lower.
    """
    decision = ClientDecision()
    debts = [item for item in items if item.residual > 0]
    if client_reason:
        decision.reason = client_reason
        decision.skipped = {item.key: client_reason for item in debts}
        return decision
    credits = -sum((item.residual for item in items if item.residual < 0), Decimal(0))
    reached = {}
    for item in debts:
        if item.due_date >= today:
            continue
        if item.excluded_reason:
            decision.skipped[item.key] = item.excluded_reason
            continue
        rank = dunning_levels.rank_reached(levels, (today - item.due_date).days)
        if rank:
            reached[item.key] = rank
        else:
            decision.not_yet_due.append(item.key)
    if not reached:
        decision.reason = (
            dunning_levels.BELOW_FIRST_LEVEL
            if decision.not_yet_due
            else _main_reason(decision.skipped)
            if decision.skipped
            else NOT_DUE
        )
        return decision
    amount_due = sum((item.residual for item in debts if item.key in reached), Decimal(0))
    amount_due -= credits
    if amount_due <= 0:
        decision.reason = COVERED_BY_CREDITS
        decision.skipped.update({key: COVERED_BY_CREDITS for key in reached})
        return decision
    # The highest level the client's debt calls for, by its oldest reminded invoice and its
    # amount, above the level it already has and after the minimum interval.
    current = max((item.last_sequence or 0 for item in debts), default=0)
    last_dates = [item.last_date for item in debts if item.last_date and item.last_sequence]
    choice = dunning_levels.level_due(
        levels,
        max((today - item.due_date).days for item in debts if item.key in reached),
        float(amount_due),
        last_sequence=current or None,
        days_since_last=(today - max(last_dates)).days if current and last_dates else None,
        min_interval_days=min_interval_days,
    )
    if not choice.level:
        # Every reminded invoice reached the first level's days: only the amounts fall short.
        decision.reason = (
            BELOW_MINIMUM if choice.reason == dunning_levels.BELOW_FIRST_LEVEL else choice.reason
        )
        return decision
    target = choice.level.sequence
    rank = target if catch_up else current + 1
    decision.level = next(level for level in levels if level.sequence == rank)
    decision.reminded = [item.key for item in debts if item.key in reached]
    decision.amount_due = amount_due
    by_key = {item.key: item for item in debts}
    for key, own in reached.items():
        new = min(rank, own)
        if (by_key[key].last_sequence or 0) < new:
            decision.raised[key] = new
    return decision


def _main_reason(reasons_by_key):
    """The reason to show for a client: the most frequent one."""
    counts = {}
    for reason in reasons_by_key.values():
        counts[reason] = counts.get(reason, 0) + 1
    return max(sorted(counts), key=counts.get)
