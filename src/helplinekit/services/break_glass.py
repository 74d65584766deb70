"""Break-the-glass: emergency access to one case, for a limited time, with a written reason.

A staff member who is not assigned to a case can open it in an emergency (a survivor in
danger calls while the assigned lawyer is away). They must write why; the reason is stored
encrypted under the case's key; the grant lasts ``minutes`` (60 by default, at most 240);
it is audited; and every grant shows up in a list supervisors review. While it lasts, the
case counts as assigned to them for what their role may do with assigned cases.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import attrs

from helplinekit.db.repos.grants import Grant
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import Case, CaseStatus, DomainError
from helplinekit.domain.errors import NotFound
from helplinekit.domain.references import CASE_REFERENCE_RE
from helplinekit.i18n import N_
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import (
    audit,
    audit_now,
    audit_refusal,
    require_audited,
)
from helplinekit.services.context import ServiceContext

__all__ = [
    "DEFAULT_MINUTES",
    "MAX_MINUTES",
    "MIN_REASON_CHARS",
    "Grant",
    "break_glass",
    "list_break_glass",
    "review_break_glass",
    "reviewers",
    "with_grants",
]

DEFAULT_MINUTES = 60
MAX_MINUTES = 240
MIN_REASON_CHARS = 15


def with_grants(ctx: ServiceContext, actor: Actor) -> Actor:
    """The actor as the database knows them now, with their active break-the-glass grants.

    The staff record is read again on every check, so an account disabled (or a role
    removed) a moment ago loses its access at once, even for an actor object created before.
    """
    if actor.staff is None:
        return actor
    with ctx.database.uow(read_only=True) as uow:
        if not uow.staff.exists(actor.staff.id):
            return attrs.evolve(actor, staff=attrs.evolve(actor.staff, active=False))
        current = uow.staff.get(actor.staff.id)
        granted = uow.grants.active_case_ids(actor.staff.id, ctx.clock())
    return attrs.evolve(actor, staff=current, grants=granted)


@service_action(Action.BREAK_GLASS)
def break_glass(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    reason: str,
    *,
    minutes: int = DEFAULT_MINUTES,
) -> Grant:
    """Open one case in an emergency; refused without a written reason."""
    if actor.staff is None:
        raise AccessDenied(Action.BREAK_GLASS, actor, "only a staff member can break the glass")
    require_audited(ctx, actor, Action.BREAK_GLASS)
    if len(reason.strip()) < MIN_REASON_CHARS:
        raise DomainError.translatable(
            N_(
                "Write why you need this case (at least %(count)s characters); the reason is "
                "kept and reviewed by a supervisor."
            ),
            count=MIN_REASON_CHARS,
        )
    if not 1 <= minutes <= MAX_MINUTES:
        raise DomainError.translatable(
            N_("Access lasts 1 to %(most)s minutes, not %(minutes)s."),
            most=MAX_MINUTES,
            minutes=minutes,
        )
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case = _find_case(uow, case_ref)
        if case.status == CaseStatus.ERASED:
            raise DomainError.translatable(
                N_("Case %(reference)s was erased: there is nothing left to open."),
                reference=case.reference,
            )
        expires_at = now + timedelta(minutes=minutes)
        grant_id = uow.grants.add(case.id, actor.staff.id, reason, now=now, expires_at=expires_at)
        audit(ctx, uow, actor, "case.break_glass", "case", case.id, minutes=minutes)
        uow.commit()
    return Grant(grant_id, case.reference, actor.staff.id, reason, now, expires_at)


@service_action(Action.BREAK_GLASS_REVIEW)
def list_break_glass(
    ctx: ServiceContext, actor: Actor, *, unreviewed_only: bool = True
) -> list[Grant]:
    """Grants for supervisors to review, newest first."""
    require_audited(ctx, actor, Action.BREAK_GLASS_REVIEW)
    with ctx.database.uow(read_only=True) as uow:
        grants = uow.grants.for_review(unreviewed_only=unreviewed_only)
    audit_now(ctx, actor, "break_glass.list", None, None, result_count=len(grants))
    return grants


@service_action(Action.BREAK_GLASS_REVIEW)
def review_break_glass(ctx: ServiceContext, actor: Actor, grant_id: uuid.UUID) -> None:
    """Mark a grant reviewed by this supervisor."""
    if actor.id is None:
        raise AccessDenied(Action.BREAK_GLASS_REVIEW, actor, "a supervisor reviews grants")
    require_audited(ctx, actor, Action.BREAK_GLASS_REVIEW)
    with ctx.database.uow() as uow:
        row = uow.grants.find(grant_id)
        if row is None:
            raise NotFound(N_("There is no such break-the-glass grant; reload the review page."))
        if row.staff_id == actor.id:
            # Four eyes: whoever broke the glass cannot be the one who says it was fine.
            audit_refusal(ctx, uow, actor, "case", row.case_id, attempted="break_glass.review_own")
            raise AccessDenied(
                Action.BREAK_GLASS_REVIEW,
                actor,
                "you broke the glass on this case yourself; another supervisor reviews it",
            )
        if row.reviewed:
            return
        uow.grants.mark_reviewed(grant_id, actor.id, ctx.clock())
        audit(ctx, uow, actor, "break_glass.review", "case", row.case_id)
        uow.commit()


def reviewers(ctx: ServiceContext) -> int:
    """How many active accounts may review break-the-glass grants.

    With fewer than two, a supervisor who also breaks the glass (an allowed role pair) has
    nobody to review their grants: ``config check`` and the review page warn.
    """
    with ctx.database.uow(read_only=True) as uow:
        people = uow.staff.active()
    probe = Actor.system()
    return sum(
        1
        for person in people
        if ctx.policy.allows(attrs.evolve(probe, staff=person), Action.BREAK_GLASS_REVIEW)
    )


def _find_case(uow: UnitOfWork, case_ref: uuid.UUID | str) -> Case:
    case: Case | None = None
    if isinstance(case_ref, uuid.UUID):
        try:
            case = uow.cases.get(case_ref, with_attributes=False)
        except LookupError:
            case = None
    elif CASE_REFERENCE_RE.match(case_ref.strip().upper()):
        case = uow.cases.get_by_reference(case_ref.strip().upper(), with_attributes=False)
    if case is None:
        raise DomainError.translatable(
            N_("There is no case %(reference)s; check the reference."), reference=repr(case_ref)
        )
    return case
