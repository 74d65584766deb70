"""Everything a staff member may see of one case, read together and audited once.

The console's case page shows the case's metadata, the timeline, notes, tasks, referrals,
legal options and the caller's safe-contact methods. Each part has its own policy action;
:func:`open_case_page` checks each one, reads only the parts the actor may see (nothing
else is decrypted) and writes ONE audit entry naming the parts shown, so the audit log
counts page views rather than the queries behind them.
"""

from __future__ import annotations

from attrs import frozen

from helplinekit.domain import (
    Case,
    CaseStatus,
    Consent,
    Note,
    NoteSection,
    Referral,
    SafeContactMethod,
    Specialist,
    Task,
    allowed_transitions,
)
from helplinekit.security.policy import Action, Actor
from helplinekit.services.actions import service_action
from helplinekit.services.audit_trail import audit_now
from helplinekit.services.case_access import CaseRef, load_case, readable_sections, require
from helplinekit.services.case_reading import TimelineEntry
from helplinekit.services.contacts import safe_contacts_shown
from helplinekit.services.context import ServiceContext
from helplinekit.services.legal import LegalOptions, build_options, draft_wording
from helplinekit.services.matching import visible_cases_of_caller

__all__ = ["CasePage", "open_case_page"]

#: The actions a case page may offer, checked one by one for the actor on this case.
PAGE_ACTIONS = (
    Action.CASE_READ_MESSAGES,
    Action.CASE_LEGAL_OPTIONS,
    Action.CASE_TRIAGE,
    Action.CASE_ASSIGN,
    Action.CASE_CHANGE_STATUS,
    Action.CASE_CLOSE,
    Action.CASE_LEGAL_HOLD,
    Action.CONTACT_RECORD,
    Action.NOTE_READ,
    Action.NOTE_WRITE,
    Action.REPLY_SEND,
    Action.TASK_MANAGE,
    Action.REFERRAL_MANAGE,
    Action.BREAK_GLASS,
)


@frozen
class CasePage:
    """One case as one staff member may see it; a part they may not see is None.

    Attributes:
        case: metadata, with attributes only when the actor may read the case's content.
        allowed: the actions the actor may take on this case now.
        next_statuses: the statuses the lifecycle allows next (closing and erasure aside).
        timeline: contacts and their messages, oldest first.
        notes: notes in the sections the actor's work needs.
        writable_sections: the sections the actor may write notes in.
        tasks, referrals: the case's tasks and referrals.
        legal: legal options from the jurisdiction plugin.
        consent: what the survivor consented to, on this case.
        safe_contact_methods: how the caller may safely be reached (recorded on this case,
            or on another of their cases the actor may read).
        other_cases: references of the caller's other cases the actor may read (a
            returning caller), and no others.
        staff: active staff, to assign (only for those who may assign).
    """

    case: Case
    allowed: frozenset[Action]
    next_statuses: tuple[CaseStatus, ...]
    timeline: tuple[TimelineEntry, ...] | None = None
    notes: tuple[Note, ...] | None = None
    writable_sections: frozenset[NoteSection] = frozenset()
    tasks: tuple[Task, ...] | None = None
    referrals: tuple[Referral, ...] | None = None
    legal: LegalOptions | None = None
    consent: Consent | None = None
    safe_contact_methods: tuple[SafeContactMethod, ...] | None = None
    staff: tuple[Specialist, ...] = ()
    other_cases: tuple[str, ...] = ()

    def may(self, action: Action | str) -> bool:
        return Action(action) in self.allowed


@service_action(Action.CASE_VIEW)
def open_case_page(ctx: ServiceContext, actor: Actor, case_ref: CaseRef) -> CasePage:
    """The case page for ``actor``: every part they may see, and one audit entry."""
    from helplinekit.services.break_glass import with_grants

    current = with_grants(ctx, actor)
    with ctx.database.uow(read_only=True) as uow:
        case = load_case(uow, case_ref)

    def allows(action: Action) -> bool:
        return ctx.policy.allows(
            current, action, status=case.status, assignments=case.assignments, case_id=case.id
        )

    if not allows(Action.CASE_VIEW):
        require(ctx, actor, Action.CASE_VIEW, case)  # audits the refusal and raises
    allowed = frozenset(action for action in PAGE_ACTIONS if allows(action))
    if Action.CASE_READ_MESSAGES in allowed:
        # A staff member who may already read the case has no glass to break.
        allowed -= {Action.BREAK_GLASS}
    parts: dict[str, object] = {}
    sections = readable_sections(ctx, actor, case)
    with ctx.database.uow(read_only=True) as uow:
        if Action.CASE_READ_MESSAGES in allowed:
            case = uow.cases.get(case.id)  # with its attributes: content may be read
            caller = uow.callers.get(case.caller_id)
            messages = uow.messages.for_case(case.id)
            parts["timeline"] = tuple(
                TimelineEntry(
                    contact=contact,
                    messages=tuple(m for m in messages if m[0].contact_id == contact.id),
                )
                for contact in uow.contacts.for_case(case.id)
            )
            parts["consent"] = case.consent
            visible = visible_cases_of_caller(ctx, uow, actor, caller.id)
            parts["safe_contact_methods"] = tuple(
                safe_contacts_shown(ctx, uow, actor, case, caller, visible)
            )
            # "Returning caller": only the caller's other cases this actor may read.
            parts["other_cases"] = tuple(
                uow.cases.get(other, with_attributes=False).reference
                for other in visible
                if other != case.id
            )
        else:
            caller = None
        if Action.NOTE_READ in allowed:
            parts["notes"] = tuple(uow.notes.for_case(case.id, sections))
            if Action.NOTE_WRITE in allowed:
                parts["writable_sections"] = readable_sections(ctx, actor, case, Action.NOTE_WRITE)
        if Action.TASK_MANAGE in allowed:
            parts["tasks"] = tuple(uow.tasks.for_case(case.id))
        if Action.REFERRAL_MANAGE in allowed:
            parts["referrals"] = tuple(uow.referrals.for_case(case.id))
        if Action.CASE_ASSIGN in allowed:
            parts["staff"] = tuple(uow.staff.active())
    key = ctx.config.jurisdiction
    if Action.CASE_LEGAL_OPTIONS in allowed and key in ctx.registries.jurisdictions:
        jurisdiction = ctx.registries.jurisdictions.get(key)
        parts["legal"] = build_options(
            case, jurisdiction, caller, case.language, draft_wording(ctx)
        )
    next_statuses = tuple(
        status
        for status in CaseStatus
        if status in allowed_transitions(case.status)
        and status not in (CaseStatus.CLOSED, CaseStatus.ERASED)
    )
    page = CasePage(case=case, allowed=allowed, next_statuses=next_statuses, **parts)  # type: ignore[arg-type]
    audit_now(
        ctx,
        actor,
        "case.page_view",
        "case",
        case.id,
        parts=sorted(
            name for name in parts if name not in ("staff", "writable_sections", "other_cases")
        ),
        sections=sorted(section.value for section in sections) if page.notes is not None else [],
        message_count=sum(len(entry.messages) for entry in page.timeline or ()),
    )
    return page
