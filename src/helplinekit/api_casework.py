"""The casework services as methods of :class:`helplinekit.api.Helpline`.

Each method is ``helpline.<service>(actor, …)``: the service of the same name with the
helpline's context filled in, the same arguments and the same policy check. Services are
imported when called, so importing the API stays light.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from helplinekit.domain import ContactKind, TaskKind

if TYPE_CHECKING:
    from helplinekit.domain import (
        URN,
        Case,
        CaseAttributes,
        CaseStatus,
        Consent,
        Contact,
        Message,
        Note,
        NoteSection,
        Referral,
        ReferralStatus,
        RiskLevel,
        Specialism,
        Task,
    )
    from helplinekit.domain.filters import CaseFilters
    from helplinekit.security.policy import Actor
    from helplinekit.services.break_glass import Grant
    from helplinekit.services.case_access import CaseRef
    from helplinekit.services.case_page import CasePage
    from helplinekit.services.case_reading import Page, TimelineEntry
    from helplinekit.services.context import ServiceContext
    from helplinekit.services.erasure import ErasureReport
    from helplinekit.services.legal import LegalOptions

__all__ = ["CaseworkMethods"]


class CaseworkMethods:
    """Reading and changing cases, referrals, legal options, erasure and break-the-glass."""

    context: ServiceContext

    # -- reading -----------------------------------------------------------------------

    def list_cases(
        self, actor: Actor, filters: CaseFilters | None = None, *, limit: int = 50, offset: int = 0
    ) -> Page:
        """Cases the actor may see, high risk first, one page of them and the total."""
        from helplinekit.domain.filters import CaseFilters
        from helplinekit.services.case_reading import list_cases

        return list_cases(self.context, actor, filters or CaseFilters(), limit=limit, offset=offset)

    def view_case(self, actor: Actor, case_ref: CaseRef) -> Case:
        """A case's metadata: status, risk, categories, assignments."""
        from helplinekit.services.case_reading import view_case

        return view_case(self.context, actor, case_ref)

    def open_case_page(self, actor: Actor, case_ref: CaseRef) -> CasePage:
        """Everything the actor may see of one case, read together and audited once."""
        from helplinekit.services.case_page import open_case_page

        return open_case_page(self.context, actor, case_ref)

    def read_timeline(self, actor: Actor, case_ref: CaseRef) -> list[TimelineEntry]:
        """The case's contacts and their messages, in and out, oldest first."""
        from helplinekit.services.case_reading import read_timeline

        return read_timeline(self.context, actor, case_ref)

    def read_notes(self, actor: Actor, case_ref: CaseRef) -> list[Note]:
        """The notes in the sections the actor's work needs."""
        from helplinekit.services.case_reading import read_notes

        return read_notes(self.context, actor, case_ref)

    def list_tasks(self, actor: Actor, case_ref: CaseRef) -> list[Task]:
        """The case's tasks."""
        from helplinekit.services.case_reading import list_tasks

        return list_tasks(self.context, actor, case_ref)

    def list_referrals(self, actor: Actor, case_ref: CaseRef) -> list[Referral]:
        """The case's referrals to partners."""
        from helplinekit.services.case_reading import list_referrals

        return list_referrals(self.context, actor, case_ref)

    def legal_options(self, actor: Actor, case_ref: CaseRef) -> LegalOptions:
        """The legal options for a case, from the deployment's jurisdiction plugin."""
        from helplinekit.services.legal import legal_options

        return legal_options(self.context, actor, case_ref)

    # -- contacts and consent ----------------------------------------------------------

    def open_case_from_contact(
        self,
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
        """Log a call or walk-in from someone new: a caller, a case and its first contact."""
        from helplinekit.services.contacts import open_case_from_contact

        return open_case_from_contact(
            self.context,
            actor,
            summary=summary,
            kind=kind,
            contact_point=contact_point,
            safe_contact=safe_contact,
            consent_services=consent_services,
            consent_referral=consent_referral,
            consent_statistics=consent_statistics,
            language=language,
        )

    def record_contact(
        self,
        actor: Actor,
        case_ref: CaseRef,
        *,
        summary: str,
        kind: ContactKind = ContactKind.CALL,
        consent_services: bool | None = None,
        consent_referral: bool | None = None,
        consent_statistics: bool | None = None,
    ) -> Contact:
        """Log a follow-up call or walk-in on a case, with any consent given in it."""
        from helplinekit.services.contacts import record_contact

        return record_contact(
            self.context,
            actor,
            case_ref,
            summary=summary,
            kind=kind,
            consent_services=consent_services,
            consent_referral=consent_referral,
            consent_statistics=consent_statistics,
        )

    def record_consent(
        self,
        actor: Actor,
        case_ref: CaseRef,
        *,
        services: bool | None = None,
        referral: bool | None = None,
        statistics: bool | None = None,
    ) -> Consent:
        """Record what the caller consents to now, on this case (None leaves a choice)."""
        from helplinekit.services.contacts import record_consent

        return record_consent(
            self.context,
            actor,
            case_ref,
            services=services,
            referral=referral,
            statistics=statistics,
        )

    def confirm_safe_contact(self, actor: Actor, case_ref: CaseRef, urn: URN | str) -> Task:
        """Mark a safe contact method confirmed, and create the call-back task."""
        from helplinekit.services.contacts import confirm_safe_contact

        return confirm_safe_contact(self.context, actor, case_ref, urn)

    # -- changing a case ---------------------------------------------------------------

    def triage_case(
        self,
        actor: Actor,
        case_ref: CaseRef,
        *,
        categories: Iterable[str] | None = None,
        attributes: CaseAttributes | None = None,
        risk_level: RiskLevel | None = None,
        specialisms_needed: Iterable[Specialism] | None = None,
    ) -> Case:
        """Set what the case is about and what help it needs; then route it."""
        from helplinekit.services.case_changes import triage_case

        return triage_case(
            self.context,
            actor,
            case_ref,
            categories=categories,
            attributes=attributes,
            risk_level=risk_level,
            specialisms_needed=specialisms_needed,
        )

    def assign(
        self,
        actor: Actor,
        case_ref: CaseRef,
        specialist_id: uuid.UUID,
        specialism: Specialism | None = None,
    ) -> Case:
        """Assign a staff member to the case, for a specialism or as its owner."""
        from helplinekit.services.case_changes import assign

        return assign(self.context, actor, case_ref, specialist_id, specialism)

    def change_status(self, actor: Actor, case_ref: CaseRef, to: CaseStatus) -> Case:
        """Move a case along its lifecycle."""
        from helplinekit.services.case_changes import change_status

        return change_status(self.context, actor, case_ref, to)

    def close_case(self, actor: Actor, case_ref: CaseRef) -> Case:
        """Close a case."""
        from helplinekit.services.case_changes import close_case

        return close_case(self.context, actor, case_ref)

    def add_note(self, actor: Actor, case_ref: CaseRef, section: NoteSection, body: str) -> Note:
        """Write a note in one section of the case."""
        from helplinekit.services.case_changes import add_note

        return add_note(self.context, actor, case_ref, section, body)

    def queue_reply(self, actor: Actor, case_ref: CaseRef, body: str) -> Message:
        """Write a reply to the survivor; the worker sends it."""
        from helplinekit.services.case_changes import queue_reply

        return queue_reply(self.context, actor, case_ref, body)

    def create_task(
        self,
        actor: Actor,
        case_ref: CaseRef,
        *,
        title: str,
        due_at: datetime,
        kind: TaskKind = TaskKind.FOLLOW_UP,
        assignee_id: uuid.UUID | None = None,
    ) -> Task:
        """Add a task to the case."""
        from helplinekit.services.case_changes import create_task

        return create_task(
            self.context,
            actor,
            case_ref,
            title=title,
            due_at=due_at,
            kind=kind,
            assignee_id=assignee_id,
        )

    def complete_task(self, actor: Actor, task_id: uuid.UUID) -> Task:
        """Mark a task done."""
        from helplinekit.services.case_changes import complete_task

        return complete_task(self.context, actor, task_id)

    def set_legal_hold(self, actor: Actor, case_ref: CaseRef, hold: bool = True) -> Case:
        """Put a case on legal hold (it cannot be erased) or release it."""
        from helplinekit.services.case_changes import set_legal_hold

        return set_legal_hold(self.context, actor, case_ref, hold)

    # -- referrals ---------------------------------------------------------------------

    def propose_referral(
        self,
        actor: Actor,
        case_ref: CaseRef,
        partner_key: str,
        *,
        shared_sections: Iterable[NoteSection],
        summary: str,
        consent_given_now: bool = False,
    ) -> Referral:
        """Propose a referral to a partner; the caller's consent to referral is required."""
        from helplinekit.services.referrals import propose_referral

        return propose_referral(
            self.context,
            actor,
            case_ref,
            partner_key,
            shared_sections=shared_sections,
            summary=summary,
            consent_given_now=consent_given_now,
        )

    def update_referral(
        self,
        actor: Actor,
        referral_id: uuid.UUID,
        to: ReferralStatus,
        *,
        outcome: str | None = None,
    ) -> Referral:
        """Move a referral along its lifecycle, with the partner's outcome."""
        from helplinekit.services.referrals import update_referral

        return update_referral(self.context, actor, referral_id, to, outcome=outcome)

    # -- erasure and break-the-glass ---------------------------------------------------

    def erase_case(self, actor: Actor, case_ref: CaseRef) -> ErasureReport:
        """Erase one case now (crypto-shred), unless it is on legal hold."""
        from helplinekit.services.erasure import erase_case

        return erase_case(self.context, actor, case_ref)

    def erase_caller(self, actor: Actor, case_ref: CaseRef) -> ErasureReport:
        """A survivor's erasure request: every case of the caller behind this case, and them."""
        from helplinekit.services.erasure import erase_caller

        return erase_caller(self.context, actor, case_ref)

    def break_glass(
        self, actor: Actor, case_ref: CaseRef, reason: str, *, minutes: int = 60
    ) -> Grant:
        """Open one case in an emergency, with a written reason (a supervisor reviews it)."""
        from helplinekit.services.break_glass import break_glass

        return break_glass(self.context, actor, case_ref, reason, minutes=minutes)

    def list_break_glass(self, actor: Actor, *, unreviewed_only: bool = True) -> list[Grant]:
        """Break-the-glass grants for supervisors to review, newest first."""
        from helplinekit.services.break_glass import list_break_glass

        return list_break_glass(self.context, actor, unreviewed_only=unreviewed_only)

    def review_break_glass(self, actor: Actor, grant_id: uuid.UUID) -> None:
        """Mark a break-the-glass grant reviewed by this supervisor (never their own)."""
        from helplinekit.services.break_glass import review_break_glass

        review_break_glass(self.context, actor, grant_id)
