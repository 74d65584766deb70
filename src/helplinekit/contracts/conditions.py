"""Conditions on case facts: when a provision applies, checked at start-up.

A mapping from a taxonomy code to a provision may carry a condition (``ProvisionRef.when``):
a mapping of case facts to the values they must have, all of which must hold
(``{"victim_is_minor": True}``); a list of values means any of them
(``{"victim_gender": ["woman", "non_binary"]}``); and :class:`AnyOf` / :class:`AllOf`
combine conditions. A fact that is not recorded makes the provision "applies if…", never
dropped and never asserted. The facts a condition may use are :data:`CASE_FACTS`; an unknown
fact or value is refused when the helpline starts, naming the plugin, the provision and the
allowed values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from attrs import field, frozen

from helplinekit.domain import (
    CaseAttributes,
    Gender,
    PerpetratorRelation,
    VictimRelation,
)
from helplinekit.domain.markers import N_
from helplinekit.domain.victim import LEGAL_AGE_THRESHOLDS, age_is_under

__all__ = [
    "CASE_FACTS",
    "FLAG_CONDITIONS",
    "AllOf",
    "AnyOf",
    "CaseFact",
    "Condition",
    "Outcome",
    "check_conditions",
    "evaluate_condition",
]


@frozen
class CaseFact:
    """A fact about a case that a condition may test.

    Attributes:
        name: the key used in ``when=``.
        description: what it is, for the docs.
        values: the allowed values, as written in ``when=``.
        labels: the "applies if…" wording for each value (English, marked for translation).
        read: the fact's value for one value wanted: True, False or None (not recorded).
    """

    name: str
    description: str
    values: tuple[object, ...]
    labels: Mapping[object, str]
    read: Callable[[CaseAttributes, object], bool | None] = field(repr=False)


def _equals(attribute: str) -> Callable[[CaseAttributes, object], bool | None]:
    def read(attributes: CaseAttributes, wanted: object) -> bool | None:
        actual = getattr(attributes, attribute)
        if actual is None or actual == Gender.UNDISCLOSED:
            return None
        return bool(actual == wanted)

    return read


def _minor(attributes: CaseAttributes, wanted: object) -> bool | None:
    actual = attributes.victim_is_a_minor
    return None if actual is None else actual is wanted


def _under(attributes: CaseAttributes, wanted: object) -> bool | None:
    assert isinstance(wanted, int)
    return age_is_under(
        wanted,
        age=attributes.victim_age,
        band=attributes.victim_age_band,
        is_minor=attributes.victim_is_minor,
    )


def _values(kind: Iterable[Any], *, skip: Iterable[Any] = ()) -> tuple[object, ...]:
    skipped = set(skip)
    return tuple(item.value for item in kind if item not in skipped)


#: Every fact a condition may use. The docs' table is generated from this.
CASE_FACTS: Mapping[str, CaseFact] = {
    fact.name: fact
    for fact in (
        CaseFact(
            "victim_is_minor",
            "The victim is under 18 (from the flag, or from the recorded age or age band).",
            (True, False),
            {True: N_("the victim is under 18"), False: N_("the victim is not a minor")},
            _minor,
        ),
        CaseFact(
            "victim_age_under",
            "The victim is younger than this many years (one of 12, 14, 16, 18), from the "
            "recorded age or age band.",
            LEGAL_AGE_THRESHOLDS,
            {
                12: N_("the victim is under 12"),
                14: N_("the victim is under 14"),
                16: N_("the victim is under 16"),
                18: N_("the victim is under 18"),
            },
            _under,
        ),
        CaseFact(
            "victim_gender",
            "The victim's gender, as staff record it for the case (not the caller's "
            "statistics answer).",
            _values(Gender, skip=(Gender.UNDISCLOSED,)),
            {
                "woman": N_("the victim is a woman"),
                "man": N_("the victim is a man"),
                "non_binary": N_("the victim is non-binary"),
                "other": N_("the victim's gender is another"),
            },
            _equals("victim_gender"),
        ),
        CaseFact(
            "offender_gender",
            "The offender's gender, as staff record it for the case.",
            _values(Gender, skip=(Gender.UNDISCLOSED,)),
            {
                "woman": N_("the offender is a woman"),
                "man": N_("the offender is a man"),
                "non_binary": N_("the offender is non-binary"),
                "other": N_("the offender's gender is another"),
            },
            _equals("offender_gender"),
        ),
        CaseFact(
            "victim",
            "Who the victim is to the person who contacted the helpline.",
            _values(VictimRelation),
            {
                "self": N_("the person who contacted us is the victim"),
                "child": N_("the victim is the caller's child"),
                "sibling": N_("the victim is the caller's brother or sister"),
                "parent": N_("the victim is the caller's parent"),
                "partner": N_("the victim is the caller's partner"),
                "other_relative": N_("the victim is a relative of the caller"),
                "friend": N_("the victim is the caller's friend"),
                "client": N_("the caller helps the victim professionally"),
                "other": N_("the victim is someone else"),
            },
            _equals("victim"),
        ),
        CaseFact(
            "perpetrator_relation",
            "Who is behind the harm.",
            _values(PerpetratorRelation),
            {
                "known": N_("the offender is someone the victim knows"),
                "partner_ex": N_("the offender is a partner or former partner"),
                "unknown": N_("the offender is unknown to the victim"),
                "group": N_("a group is behind it"),
            },
            _equals("perpetrator_relation"),
        ),
        CaseFact(
            "ai_generated_content",
            "The material is AI-generated or morphed.",
            (True, False),
            {
                True: N_("the material is AI-generated or morphed"),
                False: N_("the material is genuine"),
            },
            _equals("ai_generated_content"),
        ),
    )
}


#: What each flag that limits whom a provision protects requires of the case's facts (the
#: keys are ``ProvisionFlag`` values). ``contested`` is shown as contested (and kept out of
#: complaint drafts); ``repealed`` means not in force since ``in_force_until`` (or at all,
#: without that date).
FLAG_CONDITIONS: Mapping[str, Mapping[str, object]] = {
    "minor_victim_only": {"victim_is_minor": True},
    "victim_must_be_woman": {"victim_gender": "woman"},
    "offender_must_be_man": {"offender_gender": "man"},
}


@frozen(init=False)
class AnyOf:
    """A condition that holds when any of its parts holds ("either of"):
    ``AnyOf({"victim_is_minor": True}, {"ai_generated_content": True})``."""

    parts: tuple[Condition, ...]

    def __init__(self, *parts: Condition) -> None:
        self.__attrs_init__(tuple(parts))


@frozen(init=False)
class AllOf:
    """A condition that holds when every one of its parts holds ("all of"), for nesting
    inside :class:`AnyOf` (a plain mapping is already "all of" its facts)."""

    parts: tuple[Condition, ...]

    def __init__(self, *parts: Condition) -> None:
        self.__attrs_init__(tuple(parts))


#: A mapping of facts to wanted values (all must hold), or a combination.
Condition = Mapping[str, object] | AnyOf | AllOf


@frozen
class Outcome:
    """What a condition comes to for one case.

    Attributes:
        holds: True or False when the facts decide it; None when they do not.
        unknown: the "applies if…" wording of what is not recorded (when ``holds`` is None).
    """

    holds: bool | None
    unknown: tuple[str, ...] = ()


def _wanted_values(wanted: object) -> list[object]:
    return list(wanted) if isinstance(wanted, list | tuple | frozenset | set) else [wanted]


def _fact_outcome(attributes: CaseAttributes, name: str, wanted: object) -> Outcome:
    fact = CASE_FACTS[name]
    options = _wanted_values(wanted)
    results = [fact.read(attributes, value) for value in options]
    if any(result is True for result in results):
        return Outcome(True)
    if all(result is False for result in results):
        return Outcome(False)
    words = [fact.labels.get(value, f"{name} is {value}") for value in options]
    return Outcome(None, (words[0],) if len(words) == 1 else (" / ".join(words),))


def evaluate_condition(condition: Condition, attributes: CaseAttributes) -> Outcome:
    """Whether ``condition`` holds for a case with ``attributes``."""
    if isinstance(condition, AnyOf):
        outcomes = [evaluate_condition(part, attributes) for part in condition.parts]
        if any(outcome.holds is True for outcome in outcomes):
            return Outcome(True)
        if all(outcome.holds is False for outcome in outcomes):
            return Outcome(False)
        open_parts = [" and ".join(o.unknown) for o in outcomes if o.holds is None]
        return Outcome(None, (" / ".join(open_parts),))
    parts = (
        [evaluate_condition(part, attributes) for part in condition.parts]
        if isinstance(condition, AllOf)
        else [_fact_outcome(attributes, name, wanted) for name, wanted in condition.items()]
    )
    if any(outcome.holds is False for outcome in parts):
        return Outcome(False)
    unknown = tuple(text for outcome in parts if outcome.holds is None for text in outcome.unknown)
    return Outcome(None, unknown) if unknown else Outcome(True)


def _condition_problems(condition: object, where: str) -> list[str]:
    if isinstance(condition, AnyOf | AllOf):
        if not condition.parts:
            return [f"{where}: an empty {type(condition).__name__}(); give it conditions."]
        return [p for part in condition.parts for p in _condition_problems(part, where)]
    if not isinstance(condition, Mapping):
        return [
            f"{where}: the condition {condition!r} is not a mapping of case facts, AnyOf or AllOf."
        ]
    problems = []
    for name, wanted in condition.items():
        fact = CASE_FACTS.get(name)
        if fact is None:
            problems.append(
                f"{where}: {name!r} is not a case fact; use one of {', '.join(CASE_FACTS)}."
            )
            continue
        options = _wanted_values(wanted)
        if not options:
            problems.append(f"{where}: {name} lists no values; give at least one.")
        for value in options:
            if value not in fact.values or (
                isinstance(value, bool) is not isinstance(fact.values[0], bool)
            ):
                allowed = ", ".join(repr(v) for v in fact.values)
                problems.append(f"{where}: {name} = {value!r} is not allowed; use {allowed}.")
    return problems


def _contradictions(provision: Any, when: object, where: str) -> list[str]:
    """A mapping whose condition wants a fact the provision's flags or age threshold rule
    out: the provision could never be offered through it."""
    if not isinstance(when, Mapping):
        return []
    wanted = {name: set(_wanted_values(value)) for name, value in when.items()}
    problems = []
    for flag in sorted(str(flag) for flag in provision.flags):
        for name, value in FLAG_CONDITIONS.get(flag, {}).items():
            if name in wanted and value not in wanted[name]:
                problems.append(
                    f"{where}: can never apply: the condition wants {name} = "
                    f"{sorted(wanted[name], key=repr)[0]!r}, but the provision is flagged {flag}."
                )
    if provision.victim_age_under is not None and wanted.get("victim_is_minor") == {False}:
        problems.append(
            f"{where}: can never apply: the condition wants victim_is_minor = False, but the "
            f"provision protects victims under {provision.victim_age_under}."
        )
    return problems


def check_conditions(jurisdiction: Any, plugin: str | None = None) -> list[str]:
    """Every condition of ``jurisdiction`` (a :class:`~helplinekit.contracts.Jurisdiction`;
    typed loosely, as the contract module refers to this one) that names an unknown fact or
    value, and every age threshold or replacement a provision carries that cannot hold."""
    owner = (
        f"plugin {plugin!r}, jurisdiction {jurisdiction.key!r}"
        if plugin
        else (f"jurisdiction {jurisdiction.key!r}")
    )
    problems: list[str] = []
    provisions = {provision.key: provision for provision in jurisdiction.provisions}
    for code, entry in jurisdiction.mappings.items():
        for ref in entry if isinstance(entry, tuple | list) else ():
            where = f"{owner}: the mapping of {code} to provision {ref.provision}"
            found = _condition_problems(ref.when, where)
            problems.extend(found)
            provision = provisions.get(ref.provision)
            if not found and provision is not None:
                problems.extend(_contradictions(provision, ref.when, where))
    for provision in jurisdiction.provisions:
        threshold = provision.victim_age_under
        if threshold is not None and threshold not in LEGAL_AGE_THRESHOLDS:
            problems.append(
                f"{owner}: provision {provision.key} has victim_age_under={threshold!r}; use "
                f"one of {', '.join(map(str, LEGAL_AGE_THRESHOLDS))}."
            )
        known = {p.key for p in jurisdiction.provisions}
        for replaced in provision.replaces:
            if replaced not in known:
                problems.append(
                    f"{owner}: provision {provision.key} replaces {replaced!r}, which the "
                    "jurisdiction does not define; add it or remove it from replaces."
                )
    return problems
