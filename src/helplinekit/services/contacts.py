"""Contacts and consent: a call or walk-in logged by staff, what the caller consents to,
and the contact methods they marked safe.

A new caller's first call opens a case (:func:`open_case_from_contact`); a follow-up is
recorded on the case (:func:`record_contact`). Consent is recorded per case: consent given
on one case never changes another.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import attrs

from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import (
    URN,
    Assignment,
    Caller,
    Case,
    CaseAttributes,
    Consent,
    Contact,
    ContactKind,
    DomainError,
    SafeContactMethod,
    Task,
    TaskKind,
)
from helplinekit.i18n import N_
from helplinekit.security.policy import Action, Actor
from helplinekit.services.actions import F, service_action
from helplinekit.services.audit_trail import audit, require_audited
from helplinekit.services.case_access import CaseRef, case_change
from helplinekit.services.context import ServiceContext
from helplinekit.services.lexicon_reading import apply_reading, enabled_lexicons, read_text
from helplinekit.services.matching import match_contact_point

__all__ = [
    "confirm_safe_contact",
    "new_consent",
    "open_case_from_contact",
    "record_consent",
    "record_contact",
    "safe_contacts_shown",
    "updated_consent",
]


def new_consent(
    services: bool, referral: bool, statistics: bool, actor: Actor, now: datetime
) -> Consent:
    """The consent given now, recorded by the actor (nothing given records nobody)."""
    given = services or referral or statistics
    return Consent(
        services=services,
        referral=referral,
        anonymised_statistics=statistics,
        recorded_at=now if given else None,
        recorded_by=actor.id if given else None,
    )


def updated_consent(
    old: Consent,
    actor: Actor,
    now: datetime,
    *,
    services: bool | None = None,
    referral: bool | None = None,
    statistics: bool | None = None,
) -> Consent:
    """``old`` with the choices given now (None leaves a choice as it was)."""
    return new_consent(
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
    from helplinekit.db.errors import DuplicateRow

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(3):
            try:
                return function(*args, **kwargs)
            except DuplicateRow:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


def _channel_of(kind: ContactKind) -> str:
    return "phone" if kind is ContactKind.CALL else "in_person"


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
    channel = _channel_of(kind)
    # The summary is read as a message is: a threat noted from a call raises the risk.
    reading = read_text(enabled_lexicons(ctx), summary)
    consent = new_consent(consent_services, consent_referral, consent_statistics, actor, now)
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
        case = apply_reading(ctx, case, reading.signals, unreadable=reading.unreadable)
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
    case_ref: CaseRef,
    *,
    summary: str,
    kind: ContactKind = ContactKind.CALL,
    consent_services: bool | None = None,
    consent_referral: bool | None = None,
    consent_statistics: bool | None = None,
) -> Contact:
    """Log a follow-up call or walk-in on an existing case, with any consent given in it."""
    now = ctx.clock()
    reading = read_text(enabled_lexicons(ctx), summary)
    with case_change(ctx, actor, case_ref) as change:
        case = change.case
        if any(v is not None for v in (consent_services, consent_referral, consent_statistics)):
            consent = updated_consent(
                case.consent,
                actor,
                now,
                services=consent_services,
                referral=consent_referral,
                statistics=consent_statistics,
            )
            change.after = attrs.evolve(case, consent=consent)
        if reading.matches:
            change.after = apply_reading(
                ctx, change.after or case, reading.signals, unreadable=reading.unreadable
            )
        contact = Contact(
            caller_id=case.caller_id,
            case_id=case.id,
            channel=_channel_of(kind),
            kind=kind,
            is_first_contact=False,
            started_at=now,
            ended_at=now,
            summary=summary,
        )
        # A call comes from a contact point already on record, or from one not given.
        change.uow.contacts.add(contact, address=None)
        change.audit("contact.record", kind=kind.value)
    return contact


@service_action(Action.CONTACT_RECORD)
def record_consent(
    ctx: ServiceContext,
    actor: Actor,
    case_ref: CaseRef,
    *,
    services: bool | None = None,
    referral: bool | None = None,
    statistics: bool | None = None,
) -> Consent:
    """Record what the caller consents to now (asked on a call, before a referral, …)."""
    now = ctx.clock()
    with case_change(ctx, actor, case_ref) as change:
        consent = updated_consent(
            change.case.consent,
            actor,
            now,
            services=services,
            referral=referral,
            statistics=statistics,
        )
        # On this case only: consent given on one case never changes another.
        change.after = attrs.evolve(change.case, consent=consent)
        change.audit(
            "consent.record",
            services=consent.services,
            referral=consent.referral,
            statistics=consent.anonymised_statistics,
        )
    return consent


@service_action(Action.CONTACT_RECORD)
def confirm_safe_contact(
    ctx: ServiceContext, actor: Actor, case_ref: CaseRef, urn: URN | str
) -> Task:
    """Mark a safe contact method confirmed with the survivor, and create the call-back task.

    Only a method shown on this case can be confirmed (one recorded on it, or on a case of
    the same caller the actor may read): confirming reveals nothing the actor cannot see.
    """
    from helplinekit.domain import parse_urn
    from helplinekit.services.intake import CALLBACK_DUE

    wanted = str(urn)
    now = ctx.clock()
    with case_change(ctx, actor, case_ref) as change:
        uow, case = change.uow, change.case
        caller = uow.callers.get(case.caller_id)
        shown = {str(m.urn): m for m in safe_contacts_shown(ctx, uow, actor, case, caller)}
        method = shown.get(wanted) or shown.get(str(_parse_or_none(parse_urn, wanted)))
        if method is None:
            raise DomainError(
                N_(
                    "That contact method is not one of this case's safe contact methods; "
                    "reload the case page and choose one listed there."
                )
            )
        if method.confirmed:
            raise DomainError(N_("That contact method is already confirmed with the survivor."))
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
        change.audit("safe_contact.confirm")
    return task


def _parse_or_none(parse: Callable[[str], object], text: str) -> object:
    try:
        return parse(text)
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
