"""The victim apart from the caller: relation, gender, age or age band, and the dates."""

from __future__ import annotations

from datetime import date

import pytest

from helplinekit.domain import (
    CaseAttributes,
    Gender,
    InvalidValue,
    VictimAgeBand,
    VictimRelation,
)
from helplinekit.domain.victim import age_is_under


@pytest.mark.parametrize(
    ("threshold", "age", "band", "minor", "expected"),
    [
        (16, 15, None, None, True),
        (16, 16, None, None, False),
        (14, None, VictimAgeBand.AGE_12_13, None, True),
        (14, None, VictimAgeBand.AGE_14_15, None, False),
        (16, None, VictimAgeBand.AGE_14_15, None, True),
        (15, None, VictimAgeBand.AGE_14_15, None, None),  # the band cannot tell
        (18, None, VictimAgeBand.ADULT, None, False),
        (18, None, None, True, True),
        (16, None, None, True, None),  # a minor, but under 16? not known
        (16, None, None, False, False),
        (18, None, None, None, None),
    ],
)
def test_age_thresholds_are_decided_only_when_the_facts_tell(
    threshold, age, band, minor, expected
) -> None:
    assert age_is_under(threshold, age=age, band=band, is_minor=minor) is expected


def test_the_victim_may_be_someone_else_than_the_caller() -> None:
    attributes = CaseAttributes(
        victim=VictimRelation.SIBLING,
        victim_gender=Gender.WOMAN,
        victim_age=15,
        offender_gender=Gender.MAN,
        incident_date=date(2024, 6, 30),
    )
    assert attributes.victim_is_a_minor is True
    assert CaseAttributes(victim_age_band=VictimAgeBand.ADULT).victim_is_a_minor is False
    assert CaseAttributes().victim_is_a_minor is None


def test_contradicting_age_facts_are_refused_with_the_fix() -> None:
    with pytest.raises(InvalidValue, match="age and 'the victim is a minor' disagree"):
        CaseAttributes(victim_age=30, victim_is_minor=True)
    with pytest.raises(InvalidValue, match="age 15 is not in the age band recorded"):
        CaseAttributes(victim_age=15, victim_age_band=VictimAgeBand.ADULT)
    with pytest.raises(InvalidValue, match="140 is not an age"):
        CaseAttributes(victim_age=140)
