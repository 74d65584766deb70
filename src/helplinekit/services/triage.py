"""Triage: combine risk signals, set the jurisdiction, route to specialists.

Runs as a retryable job, outside the intake transaction. Plugin code (``assess_risk``,
``route_case``) runs between two short transactions, never inside one. If a plugin fails,
the case is flagged "needs manual triage" at once (so a person sees it) and the job is
retried; nothing is lost either way.
"""

from __future__ import annotations

import uuid
from functools import partial

from helplinekit.contracts.triage import Candidate, RiskSignal
from helplinekit.domain import (
    Assignment,
    Case,
    CaseStatus,
    Specialism,
    max_risk,
)
from helplinekit.services.context import ServiceContext, log


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

    try:
        signals = _combine(ctx.pm.hook.assess_risk(case=case, message=message))
        taxonomy = ctx.registries.build_taxonomy()
        suggested = [code for s in signals for code in s.categories if code in taxonomy]
        specialisms: set[Specialism] = {sp for s in signals for sp in s.specialisms}
        offered = {Specialism(name) for name in ctx.config.helpline.specialisms}
        specialisms &= offered
    except Exception as error:
        _flag_for_manual_triage(ctx, case_id)
        raise TriageFailed(f"assess_risk failed ({type(error).__name__})") from error

    jurisdiction = _jurisdiction_country(ctx)
    with ctx.database.uow() as uow:
        case = uow.cases.get(case_id, for_update=True)
        previous = case.status
        changes: dict[str, object] = {
            "risk_level": max_risk(case.risk_level, *(s.level for s in signals)),
            "specialisms_needed": case.specialisms_needed | specialisms,
            "categories": tuple(dict.fromkeys((*case.categories, *suggested))),
        }
        if case.jurisdiction is None and jurisdiction is not None:
            changes["jurisdiction"] = jurisdiction
        import attrs

        case = attrs.evolve(case, **changes)  # type: ignore[arg-type]
        if case.status is CaseStatus.NEW:
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
    import attrs

    with ctx.database.uow() as uow:
        case = uow.cases.get(case_id, for_update=True)
        if not case.needs_manual_triage:
            uow.cases.save(attrs.evolve(case, needs_manual_triage=True))
            uow.commit()
