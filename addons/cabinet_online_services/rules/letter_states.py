"""The life cycle of an engagement letter: which transitions exist.

draft -> sent -> signed -> active <-> suspended, and active or suspended -> terminated.
A sent letter can go back to draft for changes; a terminated letter never comes back.
"""

DRAFT, SENT, SIGNED, ACTIVE, SUSPENDED, TERMINATED = (
    "draft", "sent", "signed", "active", "suspended", "terminated",
)  # fmt: skip

TRANSITIONS = {
    DRAFT: {SENT},
    SENT: {SIGNED, DRAFT},
    SIGNED: {ACTIVE, TERMINATED},
    ACTIVE: {SUSPENDED, TERMINATED},
    SUSPENDED: {ACTIVE, TERMINATED},
    TERMINATED: set(),
}

# States in which the letter's services run (are billed, reachable on the portal).
RUNNING = frozenset({ACTIVE})
# States in which the letter binds the client (it can be amended or terminated).
BINDING = frozenset({SIGNED, ACTIVE, SUSPENDED})


def allowed(current, target):
    return target in TRANSITIONS.get(current, set())


def refused_letters(states_by_letter, target):
    """The letters (keys) whose current state cannot move to ``target``."""
    return [letter for letter, state in states_by_letter.items() if not allowed(state, target)]
