"""Matching a person across cases, without disclosing anything across cases.

When staff record a call or walk-in with a contact point (a phone number, a handle, an
email) that belongs to a caller already on record, saying so would tell them that this
person has contacted the helpline, and how to reach them. An abuser who has one staff
account, or a staff member who knows the abuser, could type a number and find a survivor.
So, the rule every face uses (the console, the CLI, the Python API and the channels):

- if the actor may already read at least one of that caller's cases, the new case may join
  the caller ("returning caller"), and the page shows only what the actor may see;
- otherwise a new caller is opened and nothing about the existing one is shown or changed:
  the page for a known number is the page for an unknown one;
- either way the lookup is audited (``caller.match``: whether the number matched, and
  whether the match was disclosed), so a supervisor can see someone probing numbers.
"""

from __future__ import annotations

import uuid

from attrs import frozen

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import URN, Caller
from helplinekit.security.policy import Action, Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext

__all__ = ["CallerMatch", "match_contact_point", "visible_cases_of_caller"]


@frozen
class CallerMatch:
    """What a lookup of a contact point may tell this actor.

    Attributes:
        caller: the caller the new contact joins; ``None`` when the contact point is new to
            this actor (unknown, or known only on cases the actor may not read).
        visible_case_ids: that caller's cases the actor may read, oldest first.
    """

    caller: Caller | None = None
    visible_case_ids: tuple[uuid.UUID, ...] = ()

    @property
    def disclosed(self) -> bool:
        return self.caller is not None


def visible_cases_of_caller(
    ctx: ServiceContext, uow: UnitOfWork, actor: Actor, caller_id: uuid.UUID
) -> list[uuid.UUID]:
    """The caller's cases whose content the actor may read (their own grants included)."""
    from helplinekit.services.break_glass import with_grants

    scope = ctx.policy.scope(with_grants(ctx, actor), Action.CASE_READ_MESSAGES)
    return uow.cases.ids_for_caller(caller_id, scope)


def match_contact_point(
    ctx: ServiceContext, uow: UnitOfWork, actor: Actor, urn: URN, *, purpose: str
) -> CallerMatch:
    """Look ``urn`` up for ``actor`` inside ``uow``, and audit the lookup with it.

    ``purpose`` names the operation in the audit entry (``case.open``, …). The audit entry
    commits with the operation; it holds no number, only whether it matched.
    """
    candidates = uow.callers.find_all_by_urn(urn)
    match = CallerMatch()
    for caller in candidates:
        visible = visible_cases_of_caller(ctx, uow, actor, caller.id)
        if visible:
            match = CallerMatch(caller, tuple(visible))
            break
    audit(
        ctx,
        uow,
        actor,
        "caller.match",
        "caller",
        # The pseudonymous id lets a supervisor see which caller was probed for.
        match.caller.id if match.caller else (candidates[0].id if candidates else None),
        purpose=purpose,
        matched=bool(candidates),
        disclosed=match.disclosed,
    )
    return match
