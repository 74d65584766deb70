"""Cases: the work for one survivor's problem, with its status, categories and assignments.

A case never changes in place: :meth:`Case.transition`, :meth:`Case.assign` and the other
methods return a new instance, so a service can compare before and after and fire lifecycle
hooks only once the change is committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from attrs import Attribute, define, evolve, field, frozen, setters, validators

from helplinekit.domain._convert import as_frozenset, as_tuple
from helplinekit.domain._validation import (
    aware_datetime,
    channel_name,
    country_code,
    frozenset_of,
    in_order,
    is_uuid,
    language_tag,
    matches,
    no_duplicates,
    not_blank,
    optional_aware_datetime,
    optional_uuid,
    require_aware,
    tuple_of,
    utc_now,
)
from helplinekit.domain.errors import CaseOnLegalHold, DomainError, InvalidValue
from helplinekit.domain.lifecycle import CaseStatus, check_transition
from helplinekit.domain.people import Consent, Gender, Specialism
from helplinekit.domain.references import (
    CASE_REFERENCE_RE,
    REFERENCE_FORM,
    format_case_reference,
    parse_case_reference,
)
from helplinekit.domain.taxonomy import TAXONOMY_CODE_RE, Taxonomy
from helplinekit.domain.victim import (
    LEGAL_AGE_THRESHOLDS,
    VictimAgeBand,
    VictimRelation,
    age_is_under,
)


class RiskLevel(StrEnum):
    """How much danger the survivor is in; ``unknown`` until someone assesses it."""

    UNKNOWN = "unknown"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order for comparing levels: unknown < low < medium < high."""
        return _RISK_RANK[self]


_RISK_RANK = {level: rank for rank, level in enumerate(RiskLevel)}


def max_risk(*levels: RiskLevel) -> RiskLevel:
    """Return the highest of ``levels`` (``unknown`` when none is given).

    Risk signals from several plugins are combined this way: the gravest assessment wins.
    """
    return max(levels, key=lambda level: level.rank, default=RiskLevel.UNKNOWN)


class PerpetratorRelation(StrEnum):
    """Who the survivor says is behind the harm."""

    KNOWN = "known"
    PARTNER_EX = "partner_ex"
    UNKNOWN = "unknown"
    GROUP = "group"


class AtRiskIdentity(StrEnum):
    """Identities that raise the risk of targeted harassment."""

    JOURNALIST = "journalist"
    HUMAN_RIGHTS_DEFENDER = "human_rights_defender"
    TRANS = "trans"
    MINORITY = "minority"


# The reference helpers live in references.py (one concept per module) and are re-exported
# here because callers think of them as part of the case.
__all__ = [
    "CASE_REFERENCE_RE",
    "Assignment",
    "AtRiskIdentity",
    "Case",
    "CaseAttributes",
    "PerpetratorRelation",
    "RiskLevel",
    "format_case_reference",
    "max_risk",
    "parse_case_reference",
]

_optional_bool = validators.optional(validators.instance_of(bool))


def _optional_age(instance: object, attribute: Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 120:
        raise InvalidValue(f"The victim's age {value!r} is not an age; give whole years, 0 to 120.")


def _age_in_band(age: int, band: VictimAgeBand) -> bool:
    return all(
        age_is_under(threshold, age=age, band=None, is_minor=None)
        == age_is_under(threshold, age=None, band=band, is_minor=None)
        for threshold in LEGAL_AGE_THRESHOLDS
        if age_is_under(threshold, age=None, band=band, is_minor=None) is not None
    )


@frozen(kw_only=True)
class CaseAttributes:
    """Facts about a case that are not categories. ``None`` means "not recorded".

    "Not recorded" must stay distinct from "no": a jurisdiction plugin shows a provision that
    depends on an unrecorded fact as "applies if…" instead of dropping it.

    Attributes:
        victim_is_minor: Whether the victim is under 18.
        ai_generated_content: Whether the material is AI-generated or morphed.
        perpetrator_relation: Who is behind the harm.
        platforms: Platforms involved, e.g. ``("facebook", "whatsapp")``.
        first_contact_channel: Channel name of the first contact about the case.
        at_risk_identities: Identities that raise the risk (empty when none recorded).
        victim: Who the victim is to the person who contacted the helpline (``self`` when
            they are the same person).
        victim_gender: The victim's gender, as a case fact for the legal options (never the
            caller's statistics answer).
        victim_age: The victim's age in years, when known.
        victim_age_band: The victim's age band, when only that is known.
        offender_gender: The offender's gender, when known.
        incident_date: When the harm happened (or began), to choose the law then in force.
    """

    victim_is_minor: bool | None = field(default=None, repr=False, validator=_optional_bool)
    ai_generated_content: bool | None = field(default=None, repr=False, validator=_optional_bool)
    perpetrator_relation: PerpetratorRelation | None = field(
        default=None,
        repr=False,
        validator=validators.optional(validators.instance_of(PerpetratorRelation)),
    )
    platforms: tuple[str, ...] = field(
        factory=tuple,
        repr=False,
        converter=as_tuple,
        validator=[tuple_of(not_blank), no_duplicates],
    )
    first_contact_channel: str | None = field(
        default=None, validator=validators.optional(channel_name)
    )
    at_risk_identities: frozenset[AtRiskIdentity] = field(
        factory=frozenset,
        repr=False,
        converter=as_frozenset,
        validator=frozenset_of(validators.instance_of(AtRiskIdentity)),
    )
    victim: VictimRelation | None = field(
        default=None,
        repr=False,
        validator=validators.optional(validators.instance_of(VictimRelation)),
    )
    victim_gender: Gender | None = field(
        default=None, repr=False, validator=validators.optional(validators.instance_of(Gender))
    )
    victim_age: int | None = field(default=None, repr=False, validator=_optional_age)
    victim_age_band: VictimAgeBand | None = field(
        default=None,
        repr=False,
        validator=validators.optional(validators.instance_of(VictimAgeBand)),
    )
    offender_gender: Gender | None = field(
        default=None, repr=False, validator=validators.optional(validators.instance_of(Gender))
    )
    incident_date: date | None = field(
        default=None, repr=False, validator=validators.optional(validators.instance_of(date))
    )

    def __attrs_post_init__(self) -> None:
        # The victim's age facts must not contradict each other: a legal option decided on
        # "under 18" must not rest on a recorded age of 30.
        age, band = self.victim_age, self.victim_age_band
        if age is not None and band is not None and not _age_in_band(age, band):
            raise InvalidValue(
                f"The victim's age {age} is not in the age band recorded; correct one of "
                "them, or leave the band empty when the age is known."
            )
        from_age = age_is_under(18, age=self.victim_age, band=self.victim_age_band, is_minor=None)
        if self.victim_is_minor is not None and from_age not in (None, self.victim_is_minor):
            raise InvalidValue(
                "The victim's recorded age and 'the victim is a minor' disagree; correct one "
                "of them."
            )

    @property
    def victim_is_a_minor(self) -> bool | None:
        """Whether the victim is under 18, from the flag, the age or the band."""
        return age_is_under(
            18, age=self.victim_age, band=self.victim_age_band, is_minor=self.victim_is_minor
        )


def _check_reference(instance: Case, attribute: Attribute[Any], value: object) -> None:
    # Strict here (no case folding): the stored reference has exactly one spelling.
    if not isinstance(value, str) or not CASE_REFERENCE_RE.match(value):
        raise InvalidValue(f"Case reference {value!r} is invalid; it must be {REFERENCE_FORM}.")


@frozen(kw_only=True)
class Assignment:
    """A specialist assigned to a case, optionally for one specialism.

    Attributes:
        specialist_id: Who is assigned.
        specialism: The help they give on this case, or ``None`` for a general assignment
            (e.g. the intake agent who owns the case).
        assigned_at: When the assignment was made.
        assigned_by: The supervisor who assigned, or ``None`` for the automatic router.
    """

    specialist_id: uuid.UUID = field(validator=is_uuid)
    specialism: Specialism | None = field(
        default=None, validator=validators.optional(validators.instance_of(Specialism))
    )
    assigned_at: datetime = field(factory=utc_now, validator=aware_datetime)
    assigned_by: uuid.UUID | None = field(default=None, validator=optional_uuid)


def _distinct_assignments(
    instance: Case, attribute: Attribute[Any], value: tuple[Assignment, ...]
) -> None:
    keys = [(item.specialist_id, item.specialism) for item in value]
    if len(set(keys)) != len(keys):
        raise InvalidValue(
            f"Case {instance.reference} assigns the same specialist twice for one specialism."
        )


def _closed_at_matches_status(instance: Case, attribute: Attribute[Any], value: Any) -> None:
    status = value if attribute.name == "status" else instance.status
    closed_at = value if attribute.name == "closed_at" else instance.closed_at
    if status is CaseStatus.CLOSED and closed_at is None:
        raise InvalidValue(f"Case {instance.reference} is closed, so closed_at is required.")
    if status not in _FINISHED and closed_at is not None:
        raise InvalidValue(
            f"Case {instance.reference} is {status}, so closed_at must be None; "
            "only closed or erased cases have a closing time."
        )


_FINISHED = frozenset({CaseStatus.CLOSED, CaseStatus.ERASED})
_closed_after_opened = in_order("opened_at", "closed_at")


@define(kw_only=True)
class Case:
    """The work for one survivor's problem; gathers one or more contacts.

    ``status`` and ``closed_at`` cannot be assigned in place: use :meth:`transition`, so every
    change of status passes the lifecycle check.

    Attributes:
        id: Application-generated identifier.
        reference: Human reference, e.g. ``HL-2026-000123``.
        caller_id: The survivor the case is about.
        status: Where the case is in its lifecycle.
        categories: Taxonomy codes, in the order they were given, without repeats.
        attributes: Facts about the case that are not categories.
        risk_level: Assessed danger.
        jurisdiction: ISO 3166-1 alpha-2 country whose law applies, or ``None``.
        language: BCP 47 tag of the language to work in, or ``None``.
        specialisms_needed: Kinds of help the case needs (used for routing).
        assignments: Who works on the case, for which specialism.
        needs_manual_triage: Set when automatic triage failed, so a person looks at it.
        legal_hold: While set, the case may not be erased.
        consent: What the survivor consented to for this case. Consent given on one case
            never changes another: the same person may be a different caller to staff
            who cannot see their other cases.
        opened_at: When the case was opened.
        closed_at: When it was closed; set only for closed (or erased) cases.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    reference: str = field(validator=_check_reference)
    caller_id: uuid.UUID = field(validator=is_uuid)
    status: CaseStatus = field(
        default=CaseStatus.NEW,
        on_setattr=setters.frozen,
        validator=[validators.instance_of(CaseStatus), _closed_at_matches_status],
    )
    categories: tuple[str, ...] = field(
        factory=tuple,
        converter=as_tuple,
        validator=[tuple_of(matches(TAXONOMY_CODE_RE, "a taxonomy code")), no_duplicates],
    )
    # Attributes say what happened (a minor victim, a partner, a trans survivor): they are
    # stored encrypted, so they stay out of repr and out of logs and plugin traces.
    attributes: CaseAttributes = field(
        factory=CaseAttributes, repr=False, validator=validators.instance_of(CaseAttributes)
    )
    risk_level: RiskLevel = field(
        default=RiskLevel.UNKNOWN, validator=validators.instance_of(RiskLevel)
    )
    jurisdiction: str | None = field(default=None, validator=validators.optional(country_code))
    language: str | None = field(default=None, validator=validators.optional(language_tag))
    specialisms_needed: frozenset[Specialism] = field(
        factory=frozenset,
        converter=as_frozenset,
        validator=frozenset_of(validators.instance_of(Specialism)),
    )
    assignments: tuple[Assignment, ...] = field(
        factory=tuple,
        converter=as_tuple,
        validator=[tuple_of(validators.instance_of(Assignment)), _distinct_assignments],
    )
    needs_manual_triage: bool = field(default=False, validator=validators.instance_of(bool))
    legal_hold: bool = field(default=False, validator=validators.instance_of(bool))
    opened_at: datetime = field(factory=utc_now, validator=[aware_datetime, _closed_after_opened])
    closed_at: datetime | None = field(
        default=None,
        on_setattr=setters.frozen,
        validator=[optional_aware_datetime, _closed_after_opened, _closed_at_matches_status],
    )
    consent: Consent = field(factory=Consent, validator=validators.instance_of(Consent))

    @property
    def is_open(self) -> bool:
        """Whether work may still happen: any status except closed and erased."""
        return self.status not in _FINISHED

    @property
    def assignee_ids(self) -> frozenset[uuid.UUID]:
        """The specialists assigned to the case, whatever their specialism."""
        return frozenset(item.specialist_id for item in self.assignments)

    def transition(self, to: CaseStatus, *, at: datetime, erase: bool = False) -> Case:
        """Return a copy moved to status ``to`` at time ``at``.

        Closing records ``at`` as ``closed_at``; reopening clears it.

        Raises:
            InvalidTransition: the lifecycle does not allow the move (``erase=True`` is the
                erasure service's permission to move to ``erased``).
            CaseOnLegalHold: erasing a case under legal hold.
        """
        require_aware("at", at)
        check_transition(self.status, to, erase=erase)
        to = CaseStatus(to)
        if to is CaseStatus.ERASED and self.legal_hold:
            raise CaseOnLegalHold(
                f"Case {self.reference} is under legal hold and cannot be erased; "
                "a supervisor must lift the hold first."
            )
        if to is CaseStatus.CLOSED:
            closed_at: datetime | None = at
        elif to is CaseStatus.ERASED:
            closed_at = self.closed_at or at
        else:
            closed_at = None
        return evolve(self, status=to, closed_at=closed_at)

    def assign(self, assignment: Assignment) -> Case:
        """Return a copy with ``assignment`` added.

        Raises:
            DomainError: the case is closed or erased, or the specialist already holds an
                assignment for that specialism on this case.
        """
        if not self.is_open:
            raise DomainError(
                f"Case {self.reference} is {self.status}; reopen it before assigning anyone."
            )
        for existing in self.assignments:
            if (existing.specialist_id, existing.specialism) == (
                assignment.specialist_id,
                assignment.specialism,
            ):
                role = assignment.specialism or "general work"
                raise DomainError(
                    f"This staff member is already assigned to case {self.reference} for {role}."
                )
        return evolve(self, assignments=(*self.assignments, assignment))

    def unassign(self, specialist_id: uuid.UUID) -> Case:
        """Return a copy without any of ``specialist_id``'s assignments.

        Raises:
            DomainError: the specialist is not assigned to this case.
        """
        kept = tuple(a for a in self.assignments if a.specialist_id != specialist_id)
        if len(kept) == len(self.assignments):
            raise DomainError(f"This staff member is not assigned to case {self.reference}.")
        return evolve(self, assignments=kept)

    def categorise(self, codes: Iterable[str], taxonomy: Taxonomy) -> Case:
        """Return a copy whose categories are ``codes``, checked against ``taxonomy``.

        Raises:
            UnknownCategory: a code the taxonomy does not define.
            DomainError: the case has been erased.
        """
        if self.status is CaseStatus.ERASED:
            raise DomainError(f"Case {self.reference} has been erased; it cannot change.")
        return evolve(self, categories=taxonomy.validate(codes))
