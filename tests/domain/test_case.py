"""Cases: references, lifecycle on the entity, assignments, categories, attributes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from helplinekit.domain import (
    DEFAULT_TAXONOMY,
    Assignment,
    AtRiskIdentity,
    Case,
    CaseAttributes,
    CaseOnLegalHold,
    CaseStatus,
    DomainError,
    InvalidTransition,
    InvalidValue,
    PerpetratorRelation,
    RiskLevel,
    Specialism,
    Taxonomy,
    UnknownCategory,
    format_case_reference,
    max_risk,
    parse_case_reference,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=3)


def make_case(**changes: object) -> Case:
    values: dict[str, object] = {
        "reference": "HL-2026-000123",
        "caller_id": uuid.uuid4(),
        "opened_at": T0,
    }
    values.update(changes)
    return Case(**values)  # type: ignore[arg-type]


def walk(case: Case, *statuses: CaseStatus) -> Case:
    for status in statuses:
        case = case.transition(status, at=LATER)
    return case


# -- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2026, 123), "HL-2026-000123"),
        ((2026, 1), "HL-2026-000001"),
        ((2026, 999_999), "HL-2026-999999"),
        ((2027, 1_234_567), "HL-2027-1234567"),
        ((2026, 42, "DRF"), "DRF-2026-000042"),
    ],
)
def test_format_case_reference(args: tuple, expected: str) -> None:
    assert format_case_reference(*args) == expected


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"year": 2026, "number": 0}, "start at 1"),
        ({"year": 2026, "number": -5}, "start at 1"),
        ({"year": 26, "number": 1}, "4 digits"),
        ({"year": 10_000, "number": 1}, "4 digits"),
        ({"year": 2026, "number": 1, "prefix": "hl"}, "upper-case"),
        ({"year": 2026, "number": 1, "prefix": "H"}, "upper-case"),
        ({"year": 2026, "number": 1, "prefix": "HELPLINE"}, "upper-case"),
        ({"year": 2026, "number": 1, "prefix": "H1"}, "upper-case"),
    ],
)
def test_format_case_reference_refuses_bad_parts(kwargs: dict, hint: str) -> None:
    with pytest.raises(InvalidValue, match=hint):
        format_case_reference(**kwargs)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HL-2026-000123", ("HL", 2026, 123)),
        (" hl-2026-000123 ", ("HL", 2026, 123)),
        ("DRF-2025-1234567", ("DRF", 2025, 1_234_567)),
    ],
)
def test_parse_case_reference(text: str, expected: tuple[str, int, int]) -> None:
    assert parse_case_reference(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "HL-2026-123",
        "HL-26-000123",
        "HL-2026-000000",
        "HL-2026-0123456",
        "2026-000123",
        "HL_2026_000123",
        "HL-0999-000001",
    ],
)
def test_parse_case_reference_explains_the_expected_form(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_case_reference(text)
    assert "PREFIX-YEAR-NUMBER, e.g. HL-2026-000123" in str(caught.value)
    assert repr(text) in str(caught.value)


def test_format_and_parse_round_trip() -> None:
    for number in (1, 57, 999_999, 1_000_000):
        assert parse_case_reference(format_case_reference(2026, number)) == ("HL", 2026, number)


@pytest.mark.parametrize("reference", ["hl-2026-000123", "HL-2026-123", " HL-2026-000123"])
def test_case_reference_is_stored_in_its_one_spelling(reference: str) -> None:
    with pytest.raises(InvalidValue, match="PREFIX-YEAR-NUMBER"):
        make_case(reference=reference)


# -- status on the entity --------------------------------------------------------------------


def test_transition_returns_a_new_case_and_leaves_the_old_one() -> None:
    case = make_case()
    triaged = case.transition(CaseStatus.TRIAGED, at=LATER)
    assert triaged.status is CaseStatus.TRIAGED
    assert case.status is CaseStatus.NEW
    assert triaged.id == case.id


def test_invalid_transition_on_the_entity() -> None:
    with pytest.raises(InvalidTransition, match="from 'new' to 'resolved'"):
        make_case().transition(CaseStatus.RESOLVED, at=LATER)


def test_closing_records_the_time_and_reopening_clears_it() -> None:
    closed = walk(make_case(), CaseStatus.TRIAGED, CaseStatus.CLOSED)
    assert closed.closed_at == LATER
    assert not closed.is_open
    reopened = closed.transition(CaseStatus.IN_PROGRESS, at=LATER + timedelta(days=1))
    assert reopened.closed_at is None
    assert reopened.is_open


def test_resolved_is_not_closed() -> None:
    resolved = walk(make_case(), CaseStatus.TRIAGED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED)
    assert resolved.closed_at is None
    assert resolved.is_open


def test_erasing_needs_the_erasure_service() -> None:
    with pytest.raises(InvalidTransition, match="Only the erasure service"):
        make_case().transition(CaseStatus.ERASED, at=LATER)
    erased = make_case().transition(CaseStatus.ERASED, at=LATER, erase=True)
    assert erased.status is CaseStatus.ERASED
    assert not erased.is_open


def test_erasing_a_closed_case_keeps_its_closing_time() -> None:
    closed = walk(make_case(), CaseStatus.CLOSED)
    erased = closed.transition(CaseStatus.ERASED, at=LATER + timedelta(days=90), erase=True)
    assert erased.closed_at == LATER


def test_legal_hold_blocks_erasure() -> None:
    held = walk(make_case(legal_hold=True), CaseStatus.CLOSED)
    with pytest.raises(CaseOnLegalHold, match="legal hold"):
        held.transition(CaseStatus.ERASED, at=LATER, erase=True)
    lifted = attrs.evolve(held, legal_hold=False)
    assert lifted.transition(CaseStatus.ERASED, at=LATER, erase=True).status is CaseStatus.ERASED


def test_status_cannot_be_assigned_in_place() -> None:
    case = make_case()
    with pytest.raises(attrs.exceptions.FrozenAttributeError):
        case.status = CaseStatus.RESOLVED  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenAttributeError):
        case.closed_at = LATER  # type: ignore[misc]


def test_transition_time_must_be_aware_and_not_before_opening() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_case().transition(CaseStatus.TRIAGED, at=datetime(2026, 3, 2))
    with pytest.raises(InvalidValue, match="before opened_at"):
        make_case().transition(CaseStatus.CLOSED, at=T0 - timedelta(days=1))


def test_closed_at_must_match_the_status() -> None:
    with pytest.raises(InvalidValue, match="closed_at is required"):
        make_case(status=CaseStatus.CLOSED)
    with pytest.raises(InvalidValue, match="closed_at must be None"):
        make_case(status=CaseStatus.IN_PROGRESS, closed_at=LATER)


@pytest.mark.parametrize(
    ("status", "is_open"),
    [
        ("new", True),
        ("triaged", True),
        ("in_progress", True),
        ("waiting_on_caller", True),
        ("referred", True),
        ("resolved", True),
        ("closed", False),
        ("erased", False),
    ],
)
def test_is_open(status: str, is_open: bool) -> None:
    closed_at = LATER if status in {"closed", "erased"} else None
    assert make_case(status=CaseStatus(status), closed_at=closed_at).is_open is is_open


# -- assignments -----------------------------------------------------------------------------

LAWYER = uuid.uuid4()
COUNSELLOR = uuid.uuid4()


def assignment(specialist: uuid.UUID, specialism: Specialism | None) -> Assignment:
    return Assignment(specialist_id=specialist, specialism=specialism, assigned_at=LATER)


def test_assign_adds_and_leaves_the_original() -> None:
    case = make_case()
    assigned = case.assign(assignment(LAWYER, Specialism.LEGAL))
    assert assigned.assignee_ids == {LAWYER}
    assert case.assignments == ()


def test_same_specialist_twice_for_one_specialism_is_refused() -> None:
    case = make_case().assign(assignment(LAWYER, Specialism.LEGAL))
    with pytest.raises(DomainError, match="already assigned .* for legal"):
        case.assign(assignment(LAWYER, Specialism.LEGAL))


def test_same_specialist_for_another_specialism_is_allowed() -> None:
    case = (
        make_case()
        .assign(assignment(LAWYER, Specialism.LEGAL))
        .assign(assignment(LAWYER, None))
        .assign(assignment(COUNSELLOR, Specialism.COUNSELLING))
    )
    assert len(case.assignments) == 3
    assert case.assignee_ids == {LAWYER, COUNSELLOR}


def test_duplicate_assignments_cannot_be_built_directly() -> None:
    with pytest.raises(InvalidValue, match="same specialist twice"):
        make_case(
            assignments=[assignment(LAWYER, Specialism.LEGAL), assignment(LAWYER, Specialism.LEGAL)]
        )


def test_closed_case_cannot_be_assigned() -> None:
    closed = walk(make_case(), CaseStatus.CLOSED)
    with pytest.raises(DomainError, match="reopen it"):
        closed.assign(assignment(LAWYER, Specialism.LEGAL))


def test_unassign_removes_every_assignment_of_that_specialist() -> None:
    case = (
        make_case()
        .assign(assignment(LAWYER, Specialism.LEGAL))
        .assign(assignment(LAWYER, None))
        .assign(assignment(COUNSELLOR, Specialism.COUNSELLING))
    )
    remaining = case.unassign(LAWYER)
    assert remaining.assignee_ids == {COUNSELLOR}
    assert len(case.assignments) == 3


def test_unassigning_someone_not_assigned_is_refused() -> None:
    with pytest.raises(DomainError, match="not assigned"):
        make_case().unassign(LAWYER)


# -- categories and attributes ---------------------------------------------------------------

TAXONOMY = Taxonomy(DEFAULT_TAXONOMY)


def test_categorise_checks_codes_and_removes_repeats() -> None:
    case = make_case().categorise(["SEXTORTION_BLACKMAIL", "THREATS", "THREATS"], TAXONOMY)
    assert case.categories == ("SEXTORTION_BLACKMAIL", "THREATS")


def test_categorise_refuses_unknown_codes() -> None:
    with pytest.raises(UnknownCategory, match="'BLACKMAIL'"):
        make_case().categorise(["BLACKMAIL"], TAXONOMY)


def test_erased_case_cannot_be_categorised() -> None:
    erased = make_case().transition(CaseStatus.ERASED, at=LATER, erase=True)
    with pytest.raises(DomainError, match="erased"):
        erased.categorise(["THREATS"], TAXONOMY)


def test_categories_must_look_like_codes() -> None:
    with pytest.raises(InvalidValue, match="taxonomy code"):
        make_case(categories=("threats",))


def test_not_recorded_is_distinct_from_no() -> None:
    unknown = CaseAttributes()
    assert unknown.victim_is_minor is None
    assert unknown.ai_generated_content is None
    assert unknown.perpetrator_relation is None
    answered = CaseAttributes(victim_is_minor=False, ai_generated_content=False)
    assert answered.victim_is_minor is False
    assert answered != unknown


def test_attributes_are_typed() -> None:
    with pytest.raises(TypeError):
        CaseAttributes(victim_is_minor="yes")  # type: ignore[arg-type]
    attributes = CaseAttributes(
        perpetrator_relation=PerpetratorRelation.PARTNER_EX,
        platforms=["facebook", "whatsapp"],
        first_contact_channel="meta.whatsapp",
        at_risk_identities={AtRiskIdentity.JOURNALIST},
    )
    assert attributes.platforms == ("facebook", "whatsapp")
    assert attributes.at_risk_identities == frozenset({AtRiskIdentity.JOURNALIST})


@pytest.mark.parametrize(
    ("field", "value"), [("jurisdiction", "pk"), ("jurisdiction", "PAK"), ("language", "urdu")]
)
def test_jurisdiction_and_language_are_checked(field: str, value: str) -> None:
    with pytest.raises(InvalidValue, match=field):
        make_case(**{field: value})


# -- risk ------------------------------------------------------------------------------------


def test_risk_order() -> None:
    assert [level.rank for level in RiskLevel] == [0, 1, 2, 3]
    assert RiskLevel.UNKNOWN.rank < RiskLevel.LOW.rank < RiskLevel.HIGH.rank


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((), RiskLevel.UNKNOWN),
        ((RiskLevel.UNKNOWN, RiskLevel.LOW), RiskLevel.LOW),
        ((RiskLevel.LOW, RiskLevel.HIGH, RiskLevel.MEDIUM), RiskLevel.HIGH),
        ((RiskLevel.MEDIUM, RiskLevel.UNKNOWN), RiskLevel.MEDIUM),
    ],
)
def test_max_risk_takes_the_gravest(levels: tuple[RiskLevel, ...], expected: RiskLevel) -> None:
    assert max_risk(*levels) is expected
