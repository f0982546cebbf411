"""Which dunning level an overdue debt has reached.

A policy is an ordered list of levels, each reached a number of days after the due date
(and above a minimum amount). The level due is the highest level reached; a debt never goes
back to a lower level, and two reminders are at least ``min_interval_days`` apart.
"""

from dataclasses import dataclass

NOT_OVERDUE = "not_overdue"
BELOW_FIRST_LEVEL = "below_first_level"
ALREADY_AT_LEVEL = "already_at_level"
TOO_SOON = "too_soon"


@dataclass(frozen=True)
class Level:
    sequence: int
    days_after_due: int
    min_amount: float = 0.0


@dataclass(frozen=True)
class Decision:
    level: Level | None
    reason: str | None = None


def check_levels(levels):
    """Problems (codes) with a policy's levels: their days must grow with their order."""
    ordered = sorted(levels, key=lambda level: level.sequence)
    days = [level.days_after_due for level in ordered]
    problems = []
    if any(d < 0 for d in days):
        problems.append("negative_days")
    if any(later <= earlier for earlier, later in zip(days, days[1:], strict=False)):
        problems.append("days_not_increasing")
    return problems


def rank_reached(levels, days_overdue):
    """The rank (sequence) of the highest level an invoice has reached by its own days late,
    amounts aside, or None when it has not reached the first level yet."""
    if days_overdue <= 0:
        return None
    return max(
        (level.sequence for level in levels if level.days_after_due <= days_overdue), default=None
    )


def level_due(levels, days_overdue, amount_due, last_sequence=None, days_since_last=None,
              min_interval_days=0):  # fmt: skip
    """The level to remind at now, or a Decision with no level and the reason why.

    Invariants: the level returned is reached (its days have passed and the amount is at least
    its minimum); it is strictly above ``last_sequence``; it is the highest such level.
    """
    if days_overdue <= 0 or amount_due <= 0:
        return Decision(None, NOT_OVERDUE)
    reached = [
        level
        for level in levels
        if level.days_after_due <= days_overdue and amount_due >= level.min_amount
    ]
    if not reached:
        return Decision(None, BELOW_FIRST_LEVEL)
    target = max(reached, key=lambda level: level.sequence)
    if last_sequence is not None and target.sequence <= last_sequence:
        return Decision(None, ALREADY_AT_LEVEL)
    if days_since_last is not None and days_since_last < min_interval_days:
        return Decision(None, TOO_SOON)
    return Decision(target)


CALL = "phone"
WRITTEN_CHANNELS = ("email", "letter", "sms")


def channel_for(level_channel, preferred=None, keeps_channel=False):
    """The channel a reminder goes through.

    The client's preferred channel replaces the level's when both are written channels
    (email, letter, SMS) and the level does not keep its own (a formal notice or a litigation
    letter stays a letter). A call stays a call, and a preference for calls turns no written
    level into a call.
    """
    if keeps_channel or level_channel not in WRITTEN_CHANNELS or preferred not in WRITTEN_CHANNELS:
        return level_channel
    return preferred
