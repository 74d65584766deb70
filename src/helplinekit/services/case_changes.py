"""Changing a case: triage, assignment, status, notes, replies, tasks and legal hold.

Every service here runs the one skeleton of
:func:`~helplinekit.services.case_access.case_change`: load and lock the case, check the
policy for the service's action, change, save, audit, commit. Lifecycle hooks fire only
after the commit; a reply goes to the outbox in the same transaction as its case change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import attrs

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import (
    Assignment,
    Case,
    CaseAttributes,
    CaseStatus,
    Direction,
    DomainError,
    Message,
    Note,
    NoteSection,
    RiskLevel,
    Role,
    Specialism,
    Task,
    TaskKind,
)
from helplinekit.domain.states import DeliveryState
from helplinekit.i18n import N_
from helplinekit.security.policy import INTAKE_STATUSES, AccessDenied, Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit_refusal
from helplinekit.services.case_access import CaseRef, case_change, case_of_task
from helplinekit.services.context import ServiceContext

__all__ = [
    "add_note",
    "assign",
    "change_status",
    "close_case",
    "complete_task",
    "create_task",
    "queue_reply",
    "set_legal_hold",
    "triage_case",
]


@service_action(Action.CASE_TRIAGE)
def triage_case(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    *,
    categories: Iterable[str] | None = None,
    attributes: CaseAttributes | None = None,
    risk_level: RiskLevel | None = None,
    specialisms_needed: Iterable[Specialism] | None = None,
) -> Case:
    """Set what the case is about and what help it needs (a person's triage)."""
    with case_change(ctx, actor, case_ref) as change:
        if attributes is not None:
            # The attributes are case content: only someone who may read them may set them
            # (a supervisor triages risk and categories, never the facts they cannot see).
            change.require(Action.CASE_READ_MESSAGES)
        after = change.case
        if categories is not None:
            after = after.categorise(categories, ctx.registries.build_taxonomy())
        changes: dict[str, object] = {"needs_manual_triage": False}
        if attributes is not None:
            changes["attributes"] = attributes
        if risk_level is not None:
            changes["risk_level"] = risk_level
        if specialisms_needed is not None:
            changes["specialisms_needed"] = frozenset(specialisms_needed)
        after = attrs.evolve(after, **changes)  # type: ignore[arg-type]
        if after.status is CaseStatus.NEW:
            after = after.transition(CaseStatus.TRIAGED, at=ctx.clock())
        change.after = after
        change.audit("case.triage")
    from helplinekit.services.triage import route

    return route(ctx, after.id)


def _require_ordinary_self_assignment(
    ctx: ServiceContext,
    uow: UnitOfWork,
    actor: Actor,
    case: Case,
    specialism: Specialism | None,
) -> None:
    """Let staff assign themselves only as ordinary work: an intake agent taking a case
    from the intake queue, as the intake agent. Any other self-assignment would widen the
    actor's own access (another specialism's notes, a supervisor's every case, a case kept
    after it leaves intake), so it goes through break-the-glass: a reason, a time limit and
    a second person's review."""
    roles = actor.roles
    ordinary = (
        Role.INTAKE in roles
        and Role.SUPERVISOR not in roles
        and specialism is None
        and case.status in INTAKE_STATUSES
    )
    if ordinary:
        return
    audit_refusal(
        ctx,
        uow,
        actor,
        "case",
        case.id,
        attempted="case.assign_self",
        specialism=specialism.value if specialism else None,
    )
    raise AccessDenied(
        Action.CASE_ASSIGN,
        actor,
        "assigning yourself this way would widen your own access; ask a supervisor to assign "
        "you, or, in an emergency, break the glass on the case page (a written reason, a time "
        "limit, and a review by another supervisor)",
    )


@service_action(Action.CASE_ASSIGN)
def assign(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    specialist_id: uuid.UUID,
    specialism: Specialism | None = None,
) -> Case:
    """Assign a staff member to the case, for one of their specialisms or as its owner."""
    with case_change(ctx, actor, case_ref) as change:
        if actor.id is not None and specialist_id == actor.id:
            _require_ordinary_self_assignment(ctx, change.uow, actor, change.case, specialism)
        specialist = change.uow.staff.get(specialist_id)
        if not specialist.active:
            raise DomainError.translatable(
                N_("%(name)s has a disabled account; an admin enables it first."),
                name=specialist.display_name,
            )
        if specialism is not None and specialism not in specialist.specialisms:
            raise DomainError(
                f"{specialist.display_name} does not offer {specialism.value}; "
                f"they offer {', '.join(sorted(specialist.specialisms)) or 'no specialism'}."
            )
        change.after = after = change.case.assign(
            Assignment(
                specialist_id=specialist_id,
                specialism=specialism,
                assigned_at=ctx.clock(),
                assigned_by=actor.id,
            )
        )
        change.audit(
            "case.assign",
            staff_id=str(specialist_id),
            specialism=specialism.value if specialism else None,
        )
    return after


@service_action(Action.CASE_CHANGE_STATUS)
def change_status(ctx: ServiceContext, actor: Actor, case_ref: CaseRef, to: CaseStatus) -> Case:
    """Move a case along its lifecycle (closing needs :func:`close_case`)."""
    if to is CaseStatus.CLOSED:
        return close_case(ctx, actor, case_ref)
    if to is CaseStatus.ERASED:
        raise DomainError(N_("Only the erasure service can erase a case."))
    with case_change(ctx, actor, case_ref) as change:
        before = change.case
        change.after = after = before.transition(to, at=ctx.clock())
        change.audit("case.change_status", previous=before.status.value, status=after.status.value)
    return after


@service_action(Action.CASE_CLOSE)
def close_case(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> Case:
    """Close a case (its retention period starts)."""
    with case_change(ctx, actor, case_ref) as change:
        change.after = after = change.case.transition(CaseStatus.CLOSED, at=ctx.clock())
        change.audit("case.close", previous=change.case.status.value)
    return after


@service_action(Action.NOTE_WRITE)
def add_note(
    ctx: ServiceContext, actor: Actor, case_ref: CaseRef, section: NoteSection, body: str
) -> Note:
    """Write a note in one section (legal, digital security, counselling, general)."""
    if actor.id is None:
        raise AccessDenied(Action.NOTE_WRITE, actor, "notes are written by staff")
    with case_change(ctx, actor, case_ref, section=section, lock=False) as change:
        note = Note(
            case_id=change.case.id,
            section=section,
            author_id=actor.id,
            body=body,
            created_at=ctx.clock(),
        )
        change.uow.notes.add(note)
        change.audit("note.write", section=section.value)
    return note


@service_action(Action.REPLY_SEND)
def queue_reply(ctx: ServiceContext, actor: Actor, case_ref: CaseRef, body: str) -> Message:
    """Write a reply; it goes to the outbox in the same transaction and the worker sends it.

    The reply goes back on the most recent conversation on a channel that can send (the
    web form's "check my case" page, or a messaging channel). Whether its contact point is
    safe is checked again when it is sent.
    """
    if not body.strip():
        raise DomainError(N_("A reply cannot be empty."))
    now = ctx.clock()
    with case_change(ctx, actor, case_ref, lock=False) as change:
        uow, case = change.uow, change.case
        contacts = [c for c in uow.contacts.for_case(case.id) if c.channel in ctx.channels]
        if not contacts:
            raise DomainError.translatable(
                N_(
                    "Case %(reference)s has no conversation on a channel that can send a "
                    "reply; call the survivor back on a contact method they marked safe."
                ),
                reference=case.reference,
            )
        contact = contacts[-1]
        message = Message(
            contact_id=contact.id,
            direction=Direction.OUTBOUND,
            channel=contact.channel,
            body=body,
            created_at=now,
            author_id=actor.id,
        )
        uow.messages.add(message, case.id, delivery_status=DeliveryState.QUEUED)
        uow.outbox.enqueue(
            reply_id=uuid.uuid4(),
            case_id=case.id,
            contact_id=contact.id,
            message_id=message.id,
            channel=contact.channel,
            body=body,
            now=now,
        )
        change.audit("reply.queue", channel=contact.channel)
    return message


@service_action(Action.TASK_MANAGE)
def create_task(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    *,
    title: str,
    due_at: datetime,
    kind: TaskKind = TaskKind.FOLLOW_UP,
    assignee_id: uuid.UUID | None = None,
) -> Task:
    """Add a task to the case (a follow-up, a call-back), due at ``due_at``."""
    with case_change(ctx, actor, case_ref, lock=False) as change:
        task = Task(
            case_id=change.case.id, kind=kind, title=title, due_at=due_at, assignee_id=assignee_id
        )
        change.uow.tasks.save(task)
        change.audit("task.create", kind=kind.value)
    return task


@service_action(Action.TASK_MANAGE)
def complete_task(ctx: ServiceContext, actor: Actor, task_id: uuid.UUID) -> Task:
    """Mark a task done, by the actor, now."""
    if actor.id is None:
        raise AccessDenied(Action.TASK_MANAGE, actor, "tasks are completed by staff")
    # The title is decrypted only once the access check has passed.
    with case_change(ctx, actor, case_of_task(task_id), lock=False) as change:
        task = change.uow.tasks.get(task_id).complete(by=actor.id, at=ctx.clock())
        change.uow.tasks.save(task)
        change.audit("task.complete")
    return task


@service_action(Action.CASE_LEGAL_HOLD)
def set_legal_hold(ctx: ServiceContext, actor: Actor, case_ref: CaseRef, hold: bool = True) -> Case:
    """Put a case on legal hold (it cannot be erased) or release it."""
    with case_change(ctx, actor, case_ref) as change:
        change.after = after = attrs.evolve(change.case, legal_hold=hold)
        change.audit("case.legal_hold", hold=hold)
    return after
