"""Casework: what staff do on cases, each call checked against the policy.

Every function takes the acting person (an :class:`Actor`) and checks the policy in the
service layer, so the CLI, the web console, the Python API and plugins all pass the same
check. Changes and their outbound replies are committed together; lifecycle hooks fire
only after the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import attrs
from attrs import frozen

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import (
    URN,
    Assignment,
    Caller,
    Case,
    CaseAttributes,
    CaseStatus,
    Consent,
    Contact,
    ContactKind,
    Direction,
    DomainError,
    Message,
    Note,
    NoteSection,
    Referral,
    ReferralStatus,
    RiskLevel,
    Role,
    SafeContactMethod,
    Specialism,
    Specialist,
    Task,
    TaskKind,
)
from helplinekit.domain.filters import CaseFilters
from helplinekit.domain.references import CASE_REFERENCE_RE
from helplinekit.security.policy import INTAKE_STATUSES, AccessDenied, Action, Actor
from helplinekit.services.actions import F, service_action
from helplinekit.services.audit_trail import audit, audit_now, audit_refusal, require_audited
from helplinekit.services.context import ServiceContext
from helplinekit.services.matching import match_contact_point


class NotFound(DomainError):
    """No such case (or not one the actor may see)."""


@frozen
class Page:
    """One page of a case list and the total in scope."""

    cases: tuple[Case, ...]
    total: int


@frozen
class TimelineEntry:
    contact: Contact
    messages: tuple[tuple[Message, str | None], ...]


def _case(uow: UnitOfWork, case_ref: uuid.UUID | str, *, lock: bool = False) -> Case:
    """The case's metadata, for the access check: its encrypted attributes are NOT decrypted.

    Saving a case loaded this way keeps its stored attributes (see CaseRepository.save).
    """
    if isinstance(case_ref, uuid.UUID):
        try:
            return uow.cases.get(case_ref, for_update=lock, with_attributes=False)
        except LookupError:
            raise NotFound(f"There is no case {case_ref}.") from None
    reference = case_ref.strip().upper()
    # Text that cannot be a reference is not looked up (PostgreSQL refuses a NUL byte).
    case = (
        uow.cases.get_by_reference(reference, with_attributes=False)
        if CASE_REFERENCE_RE.match(reference)
        else None
    )
    if case is None:
        raise NotFound(f"There is no case {case_ref!r}; check the reference (e.g. HL-2026-000123).")
    return uow.cases.get(case.id, for_update=True, with_attributes=False) if lock else case


def _may_read_content(ctx: ServiceContext, actor: Actor, case: Case) -> bool:
    from helplinekit.services.break_glass import with_grants

    return ctx.policy.allows(
        with_grants(ctx, actor),
        Action.CASE_READ_MESSAGES,
        status=case.status,
        assignments=case.assignments,
        case_id=case.id,
    )


def _owning_case(lookup: object, object_id: uuid.UUID, what: str) -> uuid.UUID:
    try:
        return lookup(object_id)  # type: ignore[operator, no-any-return]
    except LookupError:
        raise NotFound(f"There is no {what} {object_id}; reload the case page.") from None


def _sections(
    ctx: ServiceContext, actor: Actor, case: Case, action: Action = Action.NOTE_READ
) -> frozenset[NoteSection]:
    """The note sections the actor may read (or write) on this case: those of the roles
    through which they have the case, never those of another role they hold."""
    from helplinekit.services.break_glass import with_grants

    return ctx.policy.sections_on(
        with_grants(ctx, actor),
        action,
        status=case.status,
        assignments=case.assignments,
        case_id=case.id,
    )


def _require(
    ctx: ServiceContext,
    actor: Actor,
    action: Action,
    case: Case,
    section: NoteSection | None = None,
    uow: UnitOfWork | None = None,
) -> None:
    from helplinekit.services.break_glass import with_grants

    try:
        ctx.policy.require(
            with_grants(ctx, actor),
            action,
            status=case.status,
            assignments=case.assignments,
            section=section,
            case_id=case.id,
        )
    except AccessDenied:
        # Refusals are audited too: probing for cases leaves a trace.
        details = {"attempted": action.value, "section": section.value if section else None}
        if uow is not None and not uow.read_only:
            audit_refusal(ctx, uow, actor, "case", case.id, **details)
        else:
            audit_now(ctx, actor, "access.denied", "case", case.id, **details)
        raise


# -- reading -------------------------------------------------------------------------------


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
def view_case(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> Case:
    """A case's metadata: status, risk, categories, assignments."""
    with ctx.database.uow(read_only=True) as uow:
        case = _case(uow, case_ref)
    _require(ctx, actor, Action.CASE_VIEW, case)
    if _may_read_content(ctx, actor, case):
        # Attributes (a minor victim, the perpetrator, identities) are case content.
        with ctx.database.uow(read_only=True) as uow:
            case = uow.cases.get(case.id)
    audit_now(ctx, actor, "case.view", "case", case.id)
    return case


@service_action(Action.CASE_READ_MESSAGES)
def read_timeline(
    ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str
) -> list[TimelineEntry]:
    """The case's contacts and their messages, in and out, oldest first."""
    with ctx.database.uow(read_only=True) as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.CASE_READ_MESSAGES, case, uow=uow)
        messages = uow.messages.for_case(case.id)
        entries = []
        for contact in uow.contacts.for_case(case.id):
            own = tuple(item for item in messages if item[0].contact_id == contact.id)
            entries.append(TimelineEntry(contact=contact, messages=own))
    audit_now(ctx, actor, "case.read_messages", "case", case.id, message_count=len(messages))
    return entries


@service_action(Action.NOTE_READ)
def read_notes(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> list[Note]:
    """The notes in the sections the actor's work needs; other sections are not decrypted."""
    with ctx.database.uow(read_only=True) as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.NOTE_READ, case, uow=uow)
        sections = _sections(ctx, actor, case)
        notes = uow.notes.for_case(case.id, sections)
    audit_now(
        ctx,
        actor,
        "note.read",
        "case",
        case.id,
        sections=[section.value for section in sections],
        note_count=len(notes),
    )
    return notes


@service_action(Action.TASK_MANAGE)
def list_tasks(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> list[Task]:
    with ctx.database.uow(read_only=True) as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.TASK_MANAGE, case, uow=uow)
        tasks = uow.tasks.for_case(case.id)
    audit_now(ctx, actor, "task.list", "case", case.id, task_count=len(tasks))
    return tasks


@service_action(Action.REFERRAL_MANAGE)
def list_referrals(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> list[Referral]:
    with ctx.database.uow(read_only=True) as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.REFERRAL_MANAGE, case, uow=uow)
        referrals = uow.referrals.for_case(case.id)
    audit_now(ctx, actor, "referral.list", "case", case.id, referral_count=len(referrals))
    return referrals


# -- contacts ------------------------------------------------------------------------------


def _consent(
    services: bool, referral: bool, statistics: bool, actor: Actor, now: datetime
) -> Consent:
    given = services or referral or statistics
    return Consent(
        services=services,
        referral=referral,
        anonymised_statistics=statistics,
        recorded_at=now if given else None,
        recorded_by=actor.id if given else None,
    )


def _updated_consent(
    old: Consent,
    actor: Actor,
    now: datetime,
    *,
    services: bool | None = None,
    referral: bool | None = None,
    statistics: bool | None = None,
) -> Consent:
    """``old`` with the choices given now (None leaves a choice as it was)."""
    return _consent(
        old.services if services is None else services,
        old.referral if referral is None else referral,
        old.anonymised_statistics if statistics is None else statistics,
        actor,
        now,
    )


def _rerun_on_unique_race(function: F) -> F:
    """Run the whole transaction again if a concurrent writer won a race for a unique row.

    On PostgreSQL two staff opening the year's first case at once both try to create its
    counter row; the loser's transaction is rolled back and, run again, sees the winner's.
    """
    import functools

    from sqlalchemy.exc import IntegrityError

    @functools.wraps(function)
    def wrapper(*args: object, **kwargs: object) -> object:
        for attempt in range(3):
            try:
                return function(*args, **kwargs)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


@service_action(Action.CASE_OPEN)
@_rerun_on_unique_race
def open_case_from_contact(
    ctx: ServiceContext,
    actor: Actor,
    *,
    summary: str,
    kind: ContactKind = ContactKind.CALL,
    contact_point: URN | None = None,
    safe_contact: bool = False,
    consent_services: bool = False,
    consent_referral: bool = False,
    consent_statistics: bool = False,
    language: str | None = None,
) -> Case:
    """Log a call or walk-in from someone new: a caller, a case and its first contact.

    The caller's number, if they gave one, is stored encrypted and indexed; it is used to
    reach them only if they said it is safe (``safe_contact``).
    """
    require_audited(ctx, actor, Action.CASE_OPEN)
    now = ctx.clock()
    channel = "phone" if kind is ContactKind.CALL else "in_person"
    consent = _consent(consent_services, consent_referral, consent_statistics, actor, now)
    with ctx.database.uow() as uow:
        # The matching rule (services/matching.py): join a caller only where the actor may
        # already read one of their cases; otherwise a new caller, told apart by nothing.
        match = (
            match_contact_point(ctx, uow, actor, contact_point, purpose="case.open")
            if contact_point
            else None
        )
        case_id = uuid.uuid4()
        safe = (
            [SafeContactMethod(urn=contact_point, case_id=case_id)]
            if contact_point and safe_contact
            else []
        )
        if match is not None and match.caller is not None:
            caller = match.caller
            if safe and not caller.is_safe_to_contact(contact_point):  # type: ignore[arg-type]
                caller = attrs.evolve(
                    caller, safe_contact_methods=[*caller.safe_contact_methods, *safe]
                )
                uow.callers.update(caller)
        else:
            caller = Caller(
                contact_points=[contact_point] if contact_point else [],
                consent=consent,
                safe_contact_methods=safe,
                created_at=now,
            )
            uow.callers.add(caller)
        case = Case(
            id=case_id,
            reference=uow.cases.next_reference(ctx.config.helpline.reference_prefix, now.year),
            caller_id=caller.id,
            language=language or ctx.config.languages.default,
            attributes=CaseAttributes(first_contact_channel=channel),
            consent=consent,
            opened_at=now,
            # The staff member who took the call owns the case, assigned automatically (not
            # a self-assignment from a queue, which lapses when the case leaves intake).
            assignments=(Assignment(specialist_id=actor.id, assigned_at=now),) if actor.id else (),
        )
        uow.cases.add(case)
        contact = Contact(
            caller_id=caller.id,
            case_id=case.id,
            channel=channel,
            kind=kind,
            is_first_contact=True,
            started_at=now,
            ended_at=now,
            summary=summary,
        )
        uow.contacts.add(contact, address=contact_point)
        committed = case
        uow.after_commit(lambda: ctx.notify("case_opened", case=committed))
        audit(ctx, uow, actor, "case.open", "case", case.id, kind=kind.value)
        uow.commit()
    return case


@service_action(Action.CONTACT_RECORD)
def record_contact(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    *,
    summary: str,
    kind: ContactKind = ContactKind.CALL,
    consent_services: bool | None = None,
    consent_referral: bool | None = None,
    consent_statistics: bool | None = None,
) -> Contact:
    """Log a follow-up call or walk-in on an existing case, with any consent given in it."""
    now = ctx.clock()
    channel = "phone" if kind is ContactKind.CALL else "in_person"
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CONTACT_RECORD, case, uow=uow)
        if any(v is not None for v in (consent_services, consent_referral, consent_statistics)):
            consent = _updated_consent(
                case.consent,
                actor,
                now,
                services=consent_services,
                referral=consent_referral,
                statistics=consent_statistics,
            )
            _save(ctx, uow, case, attrs.evolve(case, consent=consent))
        contact = Contact(
            caller_id=case.caller_id,
            case_id=case.id,
            channel=channel,
            kind=kind,
            is_first_contact=False,
            started_at=now,
            ended_at=now,
            summary=summary,
        )
        # A call comes from a contact point already on record, or from one not given.
        uow.contacts.add(contact, address=None)
        audit(ctx, uow, actor, "contact.record", "case", case.id, kind=kind.value)
        uow.commit()
    return contact


@service_action(Action.CONTACT_RECORD)
def record_consent(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    *,
    services: bool | None = None,
    referral: bool | None = None,
    statistics: bool | None = None,
) -> Consent:
    """Record what the caller consents to now (asked on a call, before a referral, …)."""
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CONTACT_RECORD, case, uow=uow)
        consent = _updated_consent(
            case.consent, actor, now, services=services, referral=referral, statistics=statistics
        )
        # On this case only: consent given on one case never changes another.
        _save(ctx, uow, case, attrs.evolve(case, consent=consent))
        audit(
            ctx,
            uow,
            actor,
            "consent.record",
            "case",
            case.id,
            services=consent.services,
            referral=consent.referral,
            statistics=consent.anonymised_statistics,
        )
        uow.commit()
    return consent


@service_action(Action.CONTACT_RECORD)
def confirm_safe_contact(
    ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str, urn: URN | str
) -> Task:
    """Mark a safe contact method confirmed with the survivor, and create the call-back task.

    Only a method shown on this case can be confirmed (one recorded on it, or on a case of
    the same caller the actor may read): confirming reveals nothing the actor cannot see.
    """
    from helplinekit.domain import parse_urn
    from helplinekit.services.intake import CALLBACK_DUE

    wanted = str(urn)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CONTACT_RECORD, case, uow=uow)
        caller = uow.callers.get(case.caller_id)
        shown = {str(m.urn): m for m in safe_contacts_shown(ctx, uow, actor, case, caller)}
        method = shown.get(wanted) or shown.get(str(_parse_or_none(parse_urn, wanted)))
        if method is None:
            raise DomainError(
                "That contact method is not one of this case's safe contact methods; "
                "reload the case page and choose one listed there."
            )
        if method.confirmed:
            raise DomainError("That contact method is already confirmed with the survivor.")
        caller = attrs.evolve(
            caller,
            safe_contact_methods=[
                attrs.evolve(m, confirmed=True) if m.urn == method.urn else m
                for m in caller.safe_contact_methods
            ],
        )
        uow.callers.update(caller)
        task = Task(
            case_id=case.id,
            kind=TaskKind.CALLBACK,
            title="Answer the survivor on the contact method they marked safe (confirmed).",
            due_at=now + CALLBACK_DUE,
        )
        uow.tasks.save(task)
        audit(ctx, uow, actor, "safe_contact.confirm", "case", case.id)
        uow.commit()
    return task


def _parse_or_none(parse: object, text: str) -> object:
    try:
        return parse(text)  # type: ignore[operator]
    except (ValueError, DomainError):
        return None


def safe_contacts_shown(
    ctx: ServiceContext,
    uow: UnitOfWork,
    actor: Actor,
    case: Case,
    caller: Caller,
    visible_case_ids: Iterable[uuid.UUID] | None = None,
) -> list[SafeContactMethod]:
    """The caller's safe contact methods this actor may see on this case: those recorded on
    it, or on another of the caller's cases the actor may read (the matching rule). Methods
    recorded before cases kept their own belong to the caller's first case.

    ``visible_case_ids``: the caller's cases the actor may read, when already looked up.
    """
    from helplinekit.services.matching import visible_cases_of_caller

    if visible_case_ids is None:
        visible_case_ids = visible_cases_of_caller(ctx, uow, actor, caller.id)
    visible = set(visible_case_ids) | {case.id}
    first = uow.cases.first_for_caller(caller.id)
    return [m for m in caller.safe_contact_methods if (m.case_id or first) in visible]


# -- changing a case -------------------------------------------------------------------------


def _save(ctx: ServiceContext, uow: UnitOfWork, before: Case, after: Case) -> None:
    uow.cases.save(after)
    if before.status is not after.status:
        uow.after_commit(
            lambda: ctx.notify("case_status_changed", case=after, previous=before.status)
        )
    new = [a for a in after.assignments if a not in before.assignments]
    for assignment in new:
        uow.after_commit(lambda a=assignment: ctx.notify("case_assigned", case=after, assignment=a))


@service_action(Action.CASE_TRIAGE)
def triage_case(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    *,
    categories: Iterable[str] | None = None,
    attributes: CaseAttributes | None = None,
    risk_level: RiskLevel | None = None,
    specialisms_needed: Iterable[Specialism] | None = None,
) -> Case:
    """Set what the case is about and what help it needs (a person's triage)."""
    with ctx.database.uow() as uow:
        before = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CASE_TRIAGE, before, uow=uow)
        if attributes is not None:
            # The attributes are case content: only someone who may read them may set them
            # (a supervisor triages risk and categories, never the facts they cannot see).
            _require(ctx, actor, Action.CASE_READ_MESSAGES, before, uow=uow)
        after = before
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
        _save(ctx, uow, before, after)
        audit(ctx, uow, actor, "case.triage", "case", after.id)
        uow.commit()
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
    case_ref: uuid.UUID | str,
    specialist_id: uuid.UUID,
    specialism: Specialism | None = None,
) -> Case:
    with ctx.database.uow() as uow:
        before = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CASE_ASSIGN, before, uow=uow)
        if actor.id is not None and specialist_id == actor.id:
            _require_ordinary_self_assignment(ctx, uow, actor, before, specialism)
        specialist = uow.staff.get(specialist_id)
        if not specialist.active:
            raise DomainError(f"Staff member {specialist_id} is not active; activate them first.")
        if specialism is not None and specialism not in specialist.specialisms:
            raise DomainError(
                f"Staff member {specialist_id} does not offer {specialism.value}; "
                f"they offer {', '.join(sorted(specialist.specialisms)) or 'no specialism'}."
            )
        after = before.assign(
            Assignment(
                specialist_id=specialist_id,
                specialism=specialism,
                assigned_at=ctx.clock(),
                assigned_by=actor.id,
            )
        )
        _save(ctx, uow, before, after)
        audit(
            ctx,
            uow,
            actor,
            "case.assign",
            "case",
            after.id,
            staff_id=str(specialist_id),
            specialism=specialism.value if specialism else None,
        )
        uow.commit()
    return after


@service_action(Action.CASE_CHANGE_STATUS)
def change_status(
    ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str, to: CaseStatus
) -> Case:
    """Move a case along its lifecycle (closing needs :func:`close_case`)."""
    if to is CaseStatus.CLOSED:
        return close_case(ctx, actor, case_ref)
    if to is CaseStatus.ERASED:
        raise DomainError("Only the erasure service can erase a case.")
    with ctx.database.uow() as uow:
        before = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CASE_CHANGE_STATUS, before, uow=uow)
        after = before.transition(to, at=ctx.clock())
        _save(ctx, uow, before, after)
        audit(
            ctx,
            uow,
            actor,
            "case.change_status",
            "case",
            after.id,
            previous=before.status.value,
            status=after.status.value,
        )
        uow.commit()
    return after


@service_action(Action.CASE_CLOSE)
def close_case(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str) -> Case:
    with ctx.database.uow() as uow:
        before = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CASE_CLOSE, before, uow=uow)
        after = before.transition(CaseStatus.CLOSED, at=ctx.clock())
        _save(ctx, uow, before, after)
        audit(ctx, uow, actor, "case.close", "case", after.id, previous=before.status.value)
        uow.commit()
    return after


@service_action(Action.NOTE_WRITE)
def add_note(
    ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str, section: NoteSection, body: str
) -> Note:
    if actor.id is None:
        raise AccessDenied(Action.NOTE_WRITE, actor, "notes are written by staff")
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.NOTE_WRITE, case, section, uow=uow)
        note = Note(
            case_id=case.id, section=section, author_id=actor.id, body=body, created_at=ctx.clock()
        )
        uow.notes.add(note)
        audit(ctx, uow, actor, "note.write", "case", case.id, section=section.value)
        uow.commit()
    return note


@service_action(Action.REPLY_SEND)
def queue_reply(ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str, body: str) -> Message:
    """Write a reply; it goes to the outbox in the same transaction and the worker sends it.

    The reply goes back on the most recent conversation on a channel that can send (the
    web form's "check my case" page, or a messaging channel). Whether its contact point is
    safe is checked again when it is sent.
    """
    if not body.strip():
        raise DomainError("A reply cannot be empty.")
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.REPLY_SEND, case, uow=uow)
        contacts = [c for c in uow.contacts.for_case(case.id) if c.channel in ctx.channels]
        if not contacts:
            raise DomainError(
                f"Case {case.reference} has no conversation on a channel that can send a "
                "reply; call the survivor back on a contact method they marked safe."
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
        uow.messages.add(message, case.id, delivery_status="queued")
        uow.outbox.enqueue(
            reply_id=uuid.uuid4(),
            case_id=case.id,
            contact_id=contact.id,
            message_id=message.id,
            channel=contact.channel,
            body=body,
            now=now,
        )
        audit(ctx, uow, actor, "reply.queue", "case", case.id, channel=contact.channel)
        uow.commit()
    return message


@service_action(Action.TASK_MANAGE)
def create_task(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    *,
    title: str,
    due_at: datetime,
    kind: TaskKind = TaskKind.FOLLOW_UP,
    assignee_id: uuid.UUID | None = None,
) -> Task:
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref)
        _require(ctx, actor, Action.TASK_MANAGE, case, uow=uow)
        task = Task(case_id=case.id, kind=kind, title=title, due_at=due_at, assignee_id=assignee_id)
        uow.tasks.save(task)
        audit(ctx, uow, actor, "task.create", "case", case.id, kind=kind.value)
        uow.commit()
    return task


@service_action(Action.TASK_MANAGE)
def complete_task(ctx: ServiceContext, actor: Actor, task_id: uuid.UUID) -> Task:
    if actor.id is None:
        raise AccessDenied(Action.TASK_MANAGE, actor, "tasks are completed by staff")
    with ctx.database.uow() as uow:
        # The title is decrypted only once the access check has passed.
        case = _case(uow, _owning_case(uow.tasks.case_of, task_id, "task"))
        _require(ctx, actor, Action.TASK_MANAGE, case, uow=uow)
        task = uow.tasks.get(task_id).complete(by=actor.id, at=ctx.clock())
        uow.tasks.save(task)
        audit(ctx, uow, actor, "task.complete", "case", case.id)
        uow.commit()
    return task


@service_action(Action.REFERRAL_MANAGE)
def propose_referral(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: uuid.UUID | str,
    partner_key: str,
    *,
    shared_sections: Iterable[NoteSection],
    summary: str,
    consent_given_now: bool = False,
) -> Referral:
    """Propose a referral; the caller's recorded consent to referral is required.

    ``consent_given_now``: the survivor has just agreed (asked by the actor); their consent
    is recorded in the same transaction, only if the referral itself is allowed and valid.
    The partner may be given only note sections the actor may read.
    """
    if partner_key not in ctx.registries.partners:
        known = ", ".join(sorted(ctx.registries.partners.names())) or "none"
        raise DomainError(f"There is no referral partner {partner_key!r} (known: {known}).")
    sections = frozenset(shared_sections)
    now = ctx.clock()
    with ctx.database.uow() as uow:
        case = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.REFERRAL_MANAGE, case, uow=uow)
        unreadable = sections - _sections(ctx, actor, case)
        if unreadable:
            names = sorted(section.value for section in unreadable)
            audit(
                ctx,
                uow,
                actor,
                "access.denied",
                "case",
                case.id,
                attempted=Action.REFERRAL_MANAGE.value,
                sections=names,
            )
            uow.commit()
            raise AccessDenied(
                Action.REFERRAL_MANAGE,
                actor,
                "sharing note sections they may not read: " + ", ".join(names),
            )
        consent = case.consent
        if consent_given_now and not consent.referral:
            consent = _updated_consent(consent, actor, now, referral=True)
        referral = Referral(
            case_id=case.id,
            partner_key=partner_key,
            consent=consent,
            shared_sections=sections,
            summary=summary,
            created_at=now,
            updated_at=now,
        )
        if consent is not case.consent:
            _save(ctx, uow, case, attrs.evolve(case, consent=consent))
            audit(ctx, uow, actor, "consent.record", "case", case.id, referral=True)
        uow.referrals.save(referral)
        audit(
            ctx,
            uow,
            actor,
            "referral.propose",
            "case",
            case.id,
            partner=partner_key,
            sections=[x.value for x in referral.shared_sections],
        )
        uow.commit()
    return referral


@service_action(Action.REFERRAL_MANAGE)
def update_referral(
    ctx: ServiceContext,
    actor: Actor,
    referral_id: uuid.UUID,
    to: ReferralStatus,
    *,
    outcome: str | None = None,
) -> Referral:
    with ctx.database.uow() as uow:
        # The summary and outcome are decrypted only once the access check has passed.
        case = _case(uow, _owning_case(uow.referrals.case_of, referral_id, "referral"), lock=True)
        _require(ctx, actor, Action.REFERRAL_MANAGE, case, uow=uow)
        referral = uow.referrals.get(referral_id).transition(to, at=ctx.clock(), outcome=outcome)
        uow.referrals.save(referral)
        if to is ReferralStatus.SENT and case.status in (
            CaseStatus.TRIAGED,
            CaseStatus.IN_PROGRESS,
        ):
            _save(ctx, uow, case, case.transition(CaseStatus.REFERRED, at=ctx.clock()))
        audit(ctx, uow, actor, "referral.update", "case", case.id, status=to.value)
        uow.commit()
    return referral


@service_action(Action.CASE_LEGAL_HOLD)
def set_legal_hold(
    ctx: ServiceContext, actor: Actor, case_ref: uuid.UUID | str, hold: bool = True
) -> Case:
    """Put a case on legal hold (it cannot be erased) or release it."""
    with ctx.database.uow() as uow:
        before = _case(uow, case_ref, lock=True)
        _require(ctx, actor, Action.CASE_LEGAL_HOLD, before, uow=uow)
        after = attrs.evolve(before, legal_hold=hold)
        _save(ctx, uow, before, after)
        audit(ctx, uow, actor, "case.legal_hold", "case", after.id, hold=hold)
        uow.commit()
    return after


@service_action(Action.STAFF_MANAGE)
def save_staff(ctx: ServiceContext, actor: Actor, specialist: Specialist) -> Specialist:
    """Create or update a staff record (roles, specialisms, languages, capacity).

    Accounts are created, and roles changed, only by the operator on the server (the system
    actor: ``helplinekit staff add`` and ``helplinekit staff roles``): an admin who could
    give an account a role could give themselves one, and read cases through it. Admins
    may change the rest of an existing record. A supervisor holding a role that reads case
    content is refused unless ``[policy] allow_role_pairs`` names the pair; an account that
    already holds such a pair keeps working while its roles stay as they are.
    """
    require_audited(ctx, actor, Action.STAFF_MANAGE)
    with ctx.database.uow() as uow:
        existing = uow.staff.by_email(specialist.email)
        if existing is not None and existing.id != specialist.id:
            raise DomainError(f"A staff member with the email {specialist.email!r} already exists.")
        if existing is None:
            try:
                existing = uow.staff.get(specialist.id)
            except LookupError:
                existing = None
        roles_change = existing is None or existing.roles != specialist.roles
        if roles_change and not actor.is_system:
            why = (
                "new staff accounts are added by the operator on the server "
                "('helplinekit staff add')"
                if existing is None
                else "roles change only with 'helplinekit staff roles' on the server"
            )
            audit_refusal(
                ctx,
                uow,
                actor,
                "staff",
                specialist.id,
                attempted="staff.roles" if existing is not None else "staff.add",
            )
            raise AccessDenied(Action.STAFF_MANAGE, actor, why)
        if roles_change:
            refuse_role_pairs(ctx, specialist.roles)
        uow.staff.save(specialist)
        audit(
            ctx,
            uow,
            actor,
            "staff.save",
            "staff",
            specialist.id,
            roles=[r.value for r in sorted(specialist.roles)],
            active=specialist.active,
        )
        uow.commit()
    return specialist


def refuse_role_pairs(ctx: ServiceContext, roles: Iterable[Role]) -> None:
    from helplinekit.security.policy import pair_name

    refused = ctx.policy.refused_role_pairs(roles)
    if refused:
        name = pair_name(refused[0])
        raise DomainError(
            f"One account may not be both {' and '.join(name.split('+'))}: a supervisor "
            "assigns every case, so with a role that reads case content they could open any "
            "case. Use two accounts, or, if your helpline is too small for that, allow the "
            f'pair in helpline.toml: [policy] allow_role_pairs = ["{name}"].'
        )


@service_action(Action.STAFF_MANAGE)
def change_roles(
    ctx: ServiceContext,
    actor: Actor,
    email: str,
    *,
    add: Iterable[Role] = (),
    remove: Iterable[Role] = (),
) -> Specialist:
    """Give a staff member roles and take others away: the operator's job, on the server.

    No staff account may change roles, its own or anyone's (admins included). The account's
    sessions end, so the new roles apply from its next sign-in as well as at once.
    """
    if not actor.is_system:
        audit_now(ctx, actor, "access.denied", "staff", None, attempted="staff.roles")
        raise AccessDenied(
            Action.STAFF_MANAGE, actor, "roles change only with 'helplinekit staff roles'"
        )
    added, removed = frozenset(add), frozenset(remove)
    both = added & removed
    if both:
        raise DomainError(
            f"Role {sorted(both)[0].value!r} is both added and removed; name it once."
        )
    with ctx.database.uow() as uow:
        person = uow.staff.by_email(email.strip().lower())
        if person is None:
            raise NotFound(
                f"No staff member has the email {email!r}; 'helplinekit staff list' shows who does."
            )
        roles = (person.roles | added) - removed
        if not roles:
            raise DomainError(
                f"{person.email} would be left with no role; add one with --add, or disable "
                "the account with 'helplinekit staff disable'."
            )
        if roles == person.roles:
            return person
        refuse_role_pairs(ctx, roles)
        changed = attrs.evolve(person, roles=roles)
        uow.staff.save(changed)
        uow.staff.end_sessions(person.id)
        audit(
            ctx,
            uow,
            actor,
            "staff.roles",
            "staff",
            person.id,
            added=sorted(r.value for r in roles - person.roles),
            removed=sorted(r.value for r in person.roles - roles),
            roles=sorted(r.value for r in roles),
        )
        uow.commit()
    return changed
