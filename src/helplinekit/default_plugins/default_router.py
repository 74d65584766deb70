"""Built-in plugin: the default router (``trylast``, so any other router goes first).

For each specialism the case needs and nobody covers yet, it picks the active candidate
with that specialism and spare capacity, preferring one who speaks the case's language,
then the one with the most spare capacity (wellbeing caps are a hard limit: a full
specialist is never given more). Ties go to the earliest-created account, so the choice
is repeatable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from helplinekit import hookimpl

if TYPE_CHECKING:
    from helplinekit.contracts.triage import Candidate
    from helplinekit.domain import Assignment, Case


@hookimpl(trylast=True)
def route_case(case: Case, candidates: list[Candidate]) -> list[Assignment]:
    from helplinekit.domain import Assignment

    covered = {a.specialism for a in case.assignments if a.specialism is not None}
    load = {c.specialist.id: c.open_cases for c in candidates}
    chosen: list[Assignment] = []
    for specialism in sorted(case.specialisms_needed - covered):
        able = [
            c
            for c in candidates
            if specialism in c.specialist.specialisms
            and c.specialist.active
            and load[c.specialist.id] < c.specialist.capacity
        ]
        if not able:
            continue  # nobody free: the case waits in the team queue for a supervisor

        def preference(candidate: Candidate) -> tuple[bool, int]:
            speaks = case.language is None or case.language in candidate.specialist.languages
            spare = candidate.specialist.capacity - load[candidate.specialist.id]
            return (not speaks, -spare)

        best = min(able, key=preference)
        load[best.specialist.id] += 1
        chosen.append(Assignment(specialist_id=best.specialist.id, specialism=specialism))
    return chosen
