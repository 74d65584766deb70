"""Which provisions apply to a case: conditions, flags, age thresholds and in-force dates.

Each mapping's condition and each provision's flags are conditions on the case's facts
(:mod:`helplinekit.contracts.conditions`). A condition the recorded facts contradict drops the
provision; one they do not decide makes it "applies if…"; one they satisfy leaves it certain.
The law is the one in force on the incident date (today when none is recorded): a provision
not yet or no longer in force gives way to the one that replaced it, or that it replaced,
which is offered with the other named.
"""

from __future__ import annotations

from datetime import date

from attrs import frozen

from helplinekit.contracts.conditions import (
    FLAG_CONDITIONS,
    Condition,
    Outcome,
    evaluate_condition,
)
from helplinekit.contracts.jurisdiction import (
    Jurisdiction,
    NoSpecificProvision,
    Provision,
    ProvisionFlag,
)
from helplinekit.domain import Case

__all__ = ["FLAG_CONDITIONS", "ApplicableProvision", "evaluate", "in_force_on"]


@frozen
class ApplicableProvision:
    """One provision that applies to the case, or may.

    Attributes:
        provision: the provision, with its source and confidence.
        categories: the case's taxonomy codes that led to it.
        applies_if: conditions not yet known that it depends on (empty: it applies).
        notes: why it applies, from the jurisdiction's mapping.
        replaces: provisions this one replaced, named beside it.
        replaced_by: provisions that replaced this one after the incident, named beside it.
        complain_by: the last day to complain, from the provision's prosecution rule and the
            case's incident date; None without either.
    """

    provision: Provision
    categories: tuple[str, ...]
    applies_if: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    replaces: tuple[Provision, ...] = ()
    replaced_by: tuple[Provision, ...] = ()
    complain_by: date | None = None

    @property
    def certain(self) -> bool:
        return not self.applies_if

    @property
    def contested(self) -> bool:
        return ProvisionFlag.contested in self.provision.flags

    @property
    def verified(self) -> bool:
        return self.provision.fact.is_verified


def in_force_on(provision: Provision, day: date) -> bool:
    """Whether ``provision`` applied to something that happened on ``day``."""
    if provision.in_force_from is not None and day < provision.in_force_from:
        return False
    if provision.in_force_until is not None:
        return day < provision.in_force_until
    return ProvisionFlag.repealed not in provision.flags


def _in_force_version(
    jurisdiction: Jurisdiction, provision: Provision, day: date
) -> tuple[Provision, tuple[Provision, ...], tuple[Provision, ...]] | None:
    """The provision to offer for ``provision`` on ``day`` and the others to name: itself,
    its successor or its predecessor; None when neither is in force then."""
    successors = [p for p in jurisdiction.provisions if provision.key in p.replaces]
    predecessors = [p for p in jurisdiction.provisions if p.key in provision.replaces]
    if in_force_on(provision, day):
        return provision, tuple(predecessors), tuple(successors)
    for successor in successors:
        if in_force_on(successor, day):
            return successor, (provision,), ()
    for predecessor in predecessors:
        if in_force_on(predecessor, day):
            return predecessor, (), (provision,)
    return None


def _conditions(provision: Provision, when: Condition) -> list[Condition]:
    conditions: list[Condition] = [when] if when else []
    conditions += [
        FLAG_CONDITIONS[flag] for flag in sorted(provision.flags & FLAG_CONDITIONS.keys())
    ]
    if provision.victim_age_under is not None:
        conditions.append({"victim_age_under": provision.victim_age_under})
    return conditions


def _outcome(case: Case, conditions: list[Condition]) -> Outcome:
    outcomes = [evaluate_condition(condition, case.attributes) for condition in conditions]
    if any(outcome.holds is False for outcome in outcomes):
        return Outcome(False)
    unknown = tuple(dict.fromkeys(t for o in outcomes if o.holds is None for t in o.unknown))
    return Outcome(None, unknown) if unknown else Outcome(True)


def _complain_by(provision: Provision, incident: date | None) -> date | None:
    rule = provision.prosecution
    return None if rule is None or incident is None else rule.deadline(incident)


def evaluate(
    case: Case, jurisdiction: Jurisdiction, caller: object = None, *, today: date | None = None
) -> tuple[list[ApplicableProvision], list[tuple[str, str]], list[str]]:
    """Provisions for the case's categories: (applicable, no specific provision, unmapped).

    ``caller`` is accepted for callers of earlier releases and not used: the victim's facts
    are the case's, not the caller's statistics answers.
    """
    day = case.attributes.incident_date or today or date.today()
    found: dict[str, ApplicableProvision] = {}
    no_specific: list[tuple[str, str]] = []
    unmapped: list[str] = []
    for code in case.categories:
        entry = jurisdiction.mappings.get(code)
        if entry is None:
            unmapped.append(code)
            continue
        if isinstance(entry, NoSpecificProvision):
            no_specific.append((code, entry.note))
            continue
        for ref in entry:
            version = _in_force_version(jurisdiction, jurisdiction.provision(ref.provision), day)
            if version is None:
                continue
            provision, replaces, replaced_by = version
            outcome = _outcome(case, _conditions(provision, ref.when))
            if outcome.holds is False:
                continue
            notes = (ref.note,) if ref.note else ()
            previous = found.get(provision.key)
            if previous is not None:
                # Reached through several categories: it applies as surely as its surest path.
                if len(previous.applies_if) <= len(outcome.unknown):
                    conditions = previous.applies_if
                else:
                    conditions = outcome.unknown
                found[provision.key] = ApplicableProvision(
                    provision=provision,
                    categories=(*previous.categories, code),
                    applies_if=conditions,
                    notes=tuple(dict.fromkeys((*previous.notes, *notes))),
                    replaces=previous.replaces,
                    replaced_by=previous.replaced_by,
                    complain_by=previous.complain_by,
                )
                continue
            found[provision.key] = ApplicableProvision(
                provision=provision,
                categories=(code,),
                applies_if=outcome.unknown,
                notes=notes,
                replaces=replaces,
                replaced_by=replaced_by,
                complain_by=_complain_by(provision, case.attributes.incident_date),
            )
    return list(found.values()), no_specific, unmapped
