"""State machines for cases and referrals.

Every status change goes through :func:`check_transition` or :func:`check_referral_transition`,
so the rules live in one place and an invalid change fails with a message naming both states
and the allowed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from helplinekit.domain.errors import InvalidTransition
from helplinekit.domain.markers import N_


class CaseStatus(StrEnum):
    """Where a case is in its lifecycle (see DOMAIN.md, "Case lifecycle")."""

    NEW = "new"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CALLER = "waiting_on_caller"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED = "closed"
    ERASED = "erased"


# The ordinary moves, in the order of the design table; kept as tuples so that error messages
# and allowed_transitions() list them in a stable, documented order.
_CASE_MOVES: Mapping[CaseStatus, tuple[CaseStatus, ...]] = MappingProxyType(
    {
        CaseStatus.NEW: (CaseStatus.TRIAGED, CaseStatus.CLOSED),
        CaseStatus.TRIAGED: (CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.CLOSED),
        CaseStatus.IN_PROGRESS: (
            CaseStatus.WAITING_ON_CALLER,
            CaseStatus.REFERRED,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        ),
        CaseStatus.WAITING_ON_CALLER: (
            CaseStatus.IN_PROGRESS,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        ),
        CaseStatus.REFERRED: (CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
        CaseStatus.RESOLVED: (CaseStatus.CLOSED, CaseStatus.IN_PROGRESS),
        CaseStatus.CLOSED: (CaseStatus.IN_PROGRESS,),
        CaseStatus.ERASED: (),
    }
)

#: Every allowed case move. ``erased`` is reachable from every other status, but only through
#: the erasure service (``erase=True``); nothing leaves ``erased``.
CASE_TRANSITIONS: Mapping[CaseStatus, frozenset[CaseStatus]] = MappingProxyType(
    {
        status: frozenset(moves if status is CaseStatus.ERASED else (*moves, CaseStatus.ERASED))
        for status, moves in _CASE_MOVES.items()
    }
)


def allowed_transitions(current: CaseStatus | str) -> tuple[CaseStatus, ...]:
    """Return the statuses a case in ``current`` may move to, excluding ``erased``.

    ``erased`` is left out because only the erasure service may request it; staff-facing
    choices should never offer it.
    """
    return _CASE_MOVES[CaseStatus(current)]


def check_transition(
    current: CaseStatus | str, requested: CaseStatus | str, *, erase: bool = False
) -> None:
    """Raise :class:`InvalidTransition` unless a case may move from ``current`` to ``requested``.

    ``erase=True`` is the erasure service's permission to move to ``erased``; without it that
    move fails, whatever the current status.
    """
    current = CaseStatus(current)
    requested = CaseStatus(requested)
    allowed = _CASE_MOVES[current]
    if requested is CaseStatus.ERASED and current is not CaseStatus.ERASED:
        if erase:
            return
        raise InvalidTransition(
            "case",
            current,
            requested,
            allowed,
            reason=N_("Only the erasure service may erase a case."),
        )
    if requested not in allowed:
        raise InvalidTransition("case", current, requested, allowed)


class ReferralStatus(StrEnum):
    """Where a referral to a partner organisation is in its lifecycle."""

    PROPOSED = "proposed"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


_REFERRAL_MOVES: Mapping[ReferralStatus, tuple[ReferralStatus, ...]] = MappingProxyType(
    {
        ReferralStatus.PROPOSED: (ReferralStatus.SENT, ReferralStatus.WITHDRAWN),
        ReferralStatus.SENT: (
            ReferralStatus.ACCEPTED,
            ReferralStatus.DECLINED,
            ReferralStatus.WITHDRAWN,
        ),
        ReferralStatus.ACCEPTED: (ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN),
        ReferralStatus.DECLINED: (),
        ReferralStatus.COMPLETED: (),
        ReferralStatus.WITHDRAWN: (),
    }
)

#: Every allowed referral move; declined, completed and withdrawn are terminal.
REFERRAL_TRANSITIONS: Mapping[ReferralStatus, frozenset[ReferralStatus]] = MappingProxyType(
    {status: frozenset(moves) for status, moves in _REFERRAL_MOVES.items()}
)


def check_referral_transition(
    current: ReferralStatus | str, requested: ReferralStatus | str
) -> None:
    """Raise :class:`InvalidTransition` unless a referral may move to ``requested``."""
    current = ReferralStatus(current)
    requested = ReferralStatus(requested)
    allowed = _REFERRAL_MOVES[current]
    if requested not in allowed:
        raise InvalidTransition("referral", current, requested, allowed)
