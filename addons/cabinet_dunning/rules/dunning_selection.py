"""What to remind a client of, in one daily run: the set-based heart of dunning.

The model gathers every open receivable line of the clients in one pass and hands them here
as plain ``Item``s; this module decides, for each client, the level to remind at, the items
the reminder lists, the amount, or why nothing is sent. It reads no database.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from . import dunning_levels

# Why an item or a client is not reminded.
CLIENT_EXCLUDED = "client_excluded"
CLIENT_BLOCKED = "client_blocked"
NOT_DUE = "not_due"
COVERED_BY_CREDITS = "covered_by_credits"
ITEM_REASONS = ("no_followup", "dispute", "promise", "direct_debit")


@dataclass(frozen=True)
class Item:
    """An open receivable line: a debt (residual > 0) or a credit (residual < 0)."""

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
    skipped: dict = field(default_factory=dict)
    amount_due: Decimal = Decimal(0)


def decide(items, levels, today, min_interval_days=0, client_reason=None):
    """The reminder of one client today.

    Invariants: the decision's level is strictly above every level its items already had;
    the amount due is the overdue debts not excluded, net of the client's open credits, and
    positive; an excluded item or client is never reminded.
    """
    decision = ClientDecision()
    if client_reason:
        decision.reason = client_reason
        decision.skipped = {item.key: client_reason for item in items if item.residual > 0}
        return decision
    credits = -sum((item.residual for item in items if item.residual < 0), Decimal(0))
    overdue = []
    for item in items:
        if item.residual <= 0 or item.due_date >= today:
            continue
        if item.excluded_reason:
            decision.skipped[item.key] = item.excluded_reason
        else:
            overdue.append(item)
    if not overdue:
        decision.reason = NOT_DUE if not decision.skipped else _main_reason(decision.skipped)
        return decision
    amount_due = sum((item.residual for item in overdue), Decimal(0)) - credits
    if amount_due <= 0:
        decision.reason = COVERED_BY_CREDITS
        decision.skipped.update({item.key: COVERED_BY_CREDITS for item in overdue})
        return decision
    last_dates = [item.last_date for item in overdue if item.last_date]
    days_since_last = (today - max(last_dates)).days if last_dates else None
    best, reasons = None, []
    for item in overdue:
        choice = dunning_levels.level_due(
            levels,
            (today - item.due_date).days,
            float(amount_due),
            last_sequence=item.last_sequence,
            days_since_last=days_since_last,
            min_interval_days=min_interval_days,
        )
        if choice.level and (best is None or choice.level.sequence > best.sequence):
            best = choice.level
        elif not choice.level:
            reasons.append(choice.reason)
    if best is None:
        decision.reason = _main_reason({index: r for index, r in enumerate(reasons)})
        return decision
    decision.level = best
    decision.reminded = [item.key for item in overdue]
    decision.amount_due = amount_due
    return decision


def items_to_raise(decision, items):
    """The keys of the reminded items whose recorded level becomes the decision's level: those
    below it. An item already at a higher level keeps it (levels never go backwards)."""
    if not decision.level:
        return []
    reminded = set(decision.reminded)
    return [
        item.key
        for item in items
        if item.key in reminded
        and (item.last_sequence is None or item.last_sequence < decision.level.sequence)
    ]


def _main_reason(reasons_by_key):
    """The reason to show for a client: the most frequent one."""
    counts = {}
    for reason in reasons_by_key.values():
        counts[reason] = counts.get(reason, 0) + 1
    return max(sorted(counts), key=counts.get)
