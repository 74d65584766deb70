"""Triage: read the message, combine risk signals, set the jurisdiction, route to specialists.

Runs as a retryable job, outside the intake transaction. The enabled languages' lexicons
read the message (:mod:`helplinekit.services.lexicon_reading`), then plugin code
(``assess_risk``, ``route_case``) runs between two short transactions, never inside one.
When nothing is found, or the message is in a script no lexicon reads, a new case stays new
and is flagged "needs human triage", ranking with high risk. If a plugin fails, the case is
flagged at once (so a person sees it) and the job is retried; nothing is lost either way.
"""

from __future__ import annotations

import uuid
from functools import partial

import attrs

from helplinekit.contracts.triage import Candidate, RiskSignal
from helplinekit.domain import (
    Assignment,
    Case,
    CaseStatus,
)
from helplinekit.services.context import ServiceContext, log
from helplinekit.services.lexicon_reading import apply_reading, enabled_lexicons, read_text


# Not a HelplinekitError, on purpose: nobody is shown it. The worker catches it, flags the
# case for manual triage and keeps its message as the job's failure reason.
class TriageFailed(Exception):
    """A plugin failed during triage; the case has been flagged for manual triage."""


def _combine(signal_lists: list[list[RiskSignal] | None]) -> list[RiskSignal]:
    return [signal for signals in signal_lists if signals for signal in signals]


def triage_message(ctx: ServiceContext, case_id: uuid.UUID, message_id: uuid.UUID) -> Case:
    """Assess one inbound message and update its case; return the case as committed."""
    with ctx.database.uow(read_only=True) as uow:
        case = uow.cases.get(case_id)
        message = uow.messages.get(message_id)
    if case.status in (CaseStatus.CLOSED, CaseStatus.ERASED):
        return case

    reading = read_text(enabled_lexicons(ctx), message.body)
    try:
        signals = reading.signals + _combine(ctx.pm.hook.assess_risk(case=case, message=message))
    except Exception as error:
        _flag_for_manual_triage(ctx, case_id)
        raise TriageFailed(f"assess_risk failed ({type(error).__name__})") from error

    jurisdiction = _jurisdiction_country(ctx)
    with ctx.database.uow() as uow:
        case = uow.cases.get(case_id, for_update=True)
        previous = case.status
        # Safety first: when triage cannot tell, a new case is not "triaged"; it is flagged
        # for a person and ranks with high risk until then.
        case = apply_reading(ctx, case, signals, unreadable=reading.unreadable)
        if case.jurisdiction is None and jurisdiction is not None:
            case = attrs.evolve(case, jurisdiction=jurisdiction)
        if case.status is CaseStatus.NEW and not case.needs_manual_triage:
            case = case.transition(CaseStatus.TRIAGED, at=ctx.clock())
        uow.cases.save(case)
        committed = case
        if previous is not case.status:
            uow.after_commit(
                lambda: ctx.notify("case_status_changed", case=committed, previous=previous)
            )
        uow.commit()
    return route(ctx, case_id)


def _jurisdiction_country(ctx: ServiceContext) -> str | None:
    key = ctx.config.jurisdiction
    if key not in ctx.registries.jurisdictions:
        return None
    return ctx.registries.jurisdictions.get(key).country


def candidates_for(ctx: ServiceContext, case: Case) -> list[Candidate]:
    """Active staff with a specialism the case needs, with their open-case counts."""
    with ctx.database.uow(read_only=True) as uow:
        staff = [s for s in uow.staff.active() if s.specialisms & case.specialisms_needed]
        counts = uow.cases.open_case_counts(s.id for s in staff)
    return [Candidate(specialist=s, open_cases=counts[s.id]) for s in staff]


def route(ctx: ServiceContext, case_id: uuid.UUID) -> Case:
    """Ask the routing hook for assignments and store them; return the case."""
    with ctx.database.uow(read_only=True) as uow:
        case = uow.cases.get(case_id)
    needed = case.specialisms_needed - {a.specialism for a in case.assignments}
    if not needed or case.status in (CaseStatus.CLOSED, CaseStatus.ERASED):
        return case
    candidates = candidates_for(ctx, case)
    try:
        decided = ctx.pm.hook.route_case(case=case, candidates=candidates) or []
    except Exception as error:
        _flag_for_manual_triage(ctx, case_id)
        raise TriageFailed(f"route_case failed ({type(error).__name__})") from error
    allowed = {c.specialist.id for c in candidates}
    with ctx.database.uow() as uow:
        case = uow.cases.get(case_id, for_update=True)
        added: list[Assignment] = []
        for assignment in decided:
            if assignment.specialist_id not in allowed:
                log.warning("route_case chose someone who is not a candidate; ignored")
                continue
            if any(
                a.specialist_id == assignment.specialist_id
                and a.specialism == assignment.specialism
                for a in case.assignments
            ):
                continue
            case = case.assign(assignment)
            added.append(assignment)
        if added:
            uow.cases.save(case)
            committed = case
            for assignment in added:
                uow.after_commit(
                    partial(ctx.notify, "case_assigned", case=committed, assignment=assignment)
                )
            uow.commit()
    return case


def _flag_for_manual_triage(ctx: ServiceContext, case_id: uuid.UUID) -> None:
    with ctx.database.uow() as uow:
        case = uow.cases.get(case_id, for_update=True)
        if not case.needs_manual_triage:
            uow.cases.save(attrs.evolve(case, needs_manual_triage=True))
            uow.commit()
