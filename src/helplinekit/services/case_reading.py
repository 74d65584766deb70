"""Reading cases: the queue, one case, its timeline, notes, tasks and referrals.

Each read is checked against the policy and audited once, in its own short transaction
after the data is read (:func:`~helplinekit.services.case_access.case_reading`). Lists are
filtered in the database by the actor's scope; only the note sections the actor's work
needs are decrypted.
"""

from __future__ import annotations

from attrs import frozen

from helplinekit.domain import Case, Contact, Message, Note, Referral, Task
from helplinekit.domain.filters import CaseFilters
from helplinekit.security.policy import Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit_now
from helplinekit.services.case_access import (
    CaseRef,
    case_reading,
    may_read_content,
    readable_sections,
)
from helplinekit.services.context import ServiceContext

__all__ = [
    "Page",
    "TimelineEntry",
    "list_cases",
    "list_referrals",
    "list_tasks",
    "read_notes",
    "read_timeline",
    "view_case",
]


@frozen
class Page:
    """One page of a case list and the total in scope."""

    cases: tuple[Case, ...]
    total: int


@frozen
class TimelineEntry:
    """One contact (a call, a chat, an email thread) and its messages, oldest first."""

    contact: Contact
    messages: tuple[tuple[Message, str | None], ...]


@service_action(Action.CASE_LIST)
def list_cases(
    ctx: ServiceContext,
    actor: Actor,
    filters: CaseFilters | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
    with_attributes: bool = True,
) -> Page:
    """Cases the actor may see, high risk first; the count agrees with the scope.

    ``with_attributes=False`` leaves every case's encrypted attributes undecrypted (a queue
    page that does not show them).
    """
    filters = filters or CaseFilters()
    from helplinekit.services.break_glass import with_grants

    current = with_grants(ctx, actor)
    scope = ctx.policy.scope(current, Action.CASE_LIST)
    content_scope = ctx.policy.scope(current, Action.CASE_READ_MESSAGES)
    with ctx.database.uow(read_only=True) as uow:
        cases = uow.cases.list_page(
            scope,
            filters,
            limit=limit,
            offset=offset,
            content_scope=content_scope,
            with_attributes=with_attributes,
        )
        total = uow.cases.count(scope, filters)
    audit_now(
        ctx,
        actor,
        "case.list",
        kind="filtered" if filters != CaseFilters() else "queue",
        result_count=total,
        page_size=len(cases),
    )
    return Page(tuple(cases), total)


@service_action(Action.CASE_VIEW)
def view_case(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> Case:
    """A case's metadata: status, risk, categories, assignments."""
    with case_reading(ctx, actor, case_ref) as reading:
        if may_read_content(ctx, actor, reading.case):
            # Attributes (a minor victim, the perpetrator, identities) are case content.
            reading.case = reading.uow.cases.get(reading.case.id)
        reading.audit("case.view")
    return reading.case


@service_action(Action.CASE_READ_MESSAGES)
def read_timeline(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> list[TimelineEntry]:
    """The case's contacts and their messages, in and out, oldest first."""
    with case_reading(ctx, actor, case_ref) as reading:
        messages = reading.uow.messages.for_case(reading.case.id)
        entries = [
            TimelineEntry(
                contact=contact,
                messages=tuple(item for item in messages if item[0].contact_id == contact.id),
            )
            for contact in reading.uow.contacts.for_case(reading.case.id)
        ]
        reading.audit("case.read_messages", message_count=len(messages))
    return entries


@service_action(Action.NOTE_READ)
def read_notes(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> list[Note]:
    """The notes in the sections the actor's work needs; other sections are not decrypted."""
    with case_reading(ctx, actor, case_ref) as reading:
        sections = readable_sections(ctx, actor, reading.case)
        notes = reading.uow.notes.for_case(reading.case.id, sections)
        reading.audit(
            "note.read",
            sections=[section.value for section in sections],
            note_count=len(notes),
        )
    return notes


@service_action(Action.TASK_MANAGE)
def list_tasks(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> list[Task]:
    """The case's tasks (call-backs, follow-ups), their titles decrypted."""
    with case_reading(ctx, actor, case_ref) as reading:
        tasks = reading.uow.tasks.for_case(reading.case.id)
        reading.audit("task.list", task_count=len(tasks))
    return tasks


@service_action(Action.REFERRAL_MANAGE)
def list_referrals(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> list[Referral]:
    """The case's referrals to partners, with their status and outcome."""
    with case_reading(ctx, actor, case_ref) as reading:
        referrals = reading.uow.referrals.for_case(reading.case.id)
        reading.audit("referral.list", referral_count=len(referrals))
    return referrals
