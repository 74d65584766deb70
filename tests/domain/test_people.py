"""Callers, consent, statistics and specialists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import attrs
import pytest

from helplinekit.domain import (
    SECTION_FOR_SPECIALISM,
    AgeBand,
    Caller,
    Consent,
    ConsentRequired,
    Gender,
    InvalidValue,
    NoteSection,
    Role,
    SafeContactMethod,
    Specialism,
    Specialist,
    parse_urn,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
WITH_STATS = Consent(services=True, anonymised_statistics=True, recorded_at=T0)
SERVICES_ONLY = Consent(services=True, recorded_at=T0)


def test_vocabularies() -> None:
    assert [r.value for r in Role] == [
        "intake",
        "lawyer",
        "digital_security",
        "counsellor",
        "supervisor",
        "admin",
    ]
    assert [s.value for s in Specialism] == ["legal", "digital_security", "counselling"]
    assert [s.value for s in NoteSection] == [
        "general",
        "legal",
        "digital_security",
        "counselling",
    ]
    assert [g.value for g in Gender] == ["woman", "man", "non_binary", "other", "undisclosed"]
    assert [a.value for a in AgeBand] == [
        "under-18",
        "18-24",
        "25-34",
        "35-44",
        "45-54",
        "55+",
        "undisclosed",
    ]
    assert AgeBand.AGE_18_24 == "18-24"
    assert AgeBand.AGE_55_PLUS == "55+"


def test_each_specialism_writes_in_its_own_section() -> None:
    assert dict(SECTION_FOR_SPECIALISM) == {
        Specialism.LEGAL: NoteSection.LEGAL,
        Specialism.DIGITAL_SECURITY: NoteSection.DIGITAL_SECURITY,
        Specialism.COUNSELLING: NoteSection.COUNSELLING,
    }


# -- consent ---------------------------------------------------------------------------------


def test_no_consent_by_default() -> None:
    consent = Consent()
    assert (consent.services, consent.referral, consent.anonymised_statistics) == (
        False,
        False,
        False,
    )


@pytest.mark.parametrize("flag", ["services", "referral", "anonymised_statistics"])
def test_granted_consent_needs_a_time(flag: str) -> None:
    with pytest.raises(InvalidValue, match="recorded_at is required"):
        Consent(**{flag: True})


def test_consent_time_must_be_timezone_aware() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        Consent(services=True, recorded_at=datetime(2026, 3, 1, 10, 0))


# -- statistics need consent -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("gender", Gender.WOMAN), ("age_band", AgeBand.AGE_18_24), ("region", "Punjab")],
)
def test_statistics_without_consent_are_refused(field: str, value: object) -> None:
    with pytest.raises(ConsentRequired, match=field):
        Caller(consent=SERVICES_ONLY, **{field: value})


def test_statistics_with_consent_are_kept() -> None:
    caller = Caller(
        consent=WITH_STATS, gender=Gender.WOMAN, age_band=AgeBand.UNDER_18, region="Sindh"
    )
    assert (caller.gender, caller.age_band, caller.region) == (
        Gender.WOMAN,
        AgeBand.UNDER_18,
        "Sindh",
    )


def test_assigning_statistics_in_place_still_needs_consent() -> None:
    caller = Caller(consent=SERVICES_ONLY)
    with pytest.raises(ConsentRequired):
        caller.region = "Punjab"
    assert caller.region is None


def test_replacing_consent_in_place_cannot_orphan_statistics() -> None:
    caller = Caller(consent=WITH_STATS, region="Punjab")
    with pytest.raises(ConsentRequired, match="clear_statistics"):
        caller.consent = SERVICES_ONLY


def test_with_statistics_needs_consent() -> None:
    with pytest.raises(ConsentRequired, match="has not consented to anonymised statistics"):
        Caller(consent=SERVICES_ONLY).with_statistics(gender=Gender.MAN)


def test_with_statistics_changes_only_what_is_given() -> None:
    caller = Caller(consent=WITH_STATS, gender=Gender.WOMAN, region="Punjab")
    updated = caller.with_statistics(age_band=AgeBand.AGE_25_34, region=None)
    assert (updated.gender, updated.age_band, updated.region) == (
        Gender.WOMAN,
        AgeBand.AGE_25_34,
        None,
    )
    assert caller.age_band is None and caller.region == "Punjab"  # original untouched


def test_clear_statistics_returns_a_copy_without_them() -> None:
    caller = Caller(consent=WITH_STATS, gender=Gender.NON_BINARY, region="KP")
    cleared = caller.clear_statistics()
    assert (cleared.gender, cleared.age_band, cleared.region) == (None, None, None)
    assert cleared.id == caller.id
    assert caller.gender is Gender.NON_BINARY


def test_withdrawing_statistics_consent_clears_the_answers() -> None:
    caller = Caller(consent=WITH_STATS, gender=Gender.WOMAN, age_band=AgeBand.AGE_18_24)
    withdrawn = caller.with_consent(SERVICES_ONLY)
    assert withdrawn.consent == SERVICES_ONLY
    assert (withdrawn.gender, withdrawn.age_band) == (None, None)
    kept = caller.with_consent(attrs.evolve(WITH_STATS, referral=True))
    assert kept.gender is Gender.WOMAN


# -- contact points --------------------------------------------------------------------------


def test_only_marked_methods_are_safe_to_contact() -> None:
    phone = parse_urn("tel:+923001234567")
    whatsapp = parse_urn("whatsapp:923001234567")
    caller = Caller(
        contact_points=[phone, whatsapp],
        safe_contact_methods=[SafeContactMethod(urn=whatsapp)],
    )
    assert caller.is_safe_to_contact(parse_urn("whatsapp:+92 300 1234567"))
    # The caller reached us by phone, but did not say calling back is safe.
    assert not caller.is_safe_to_contact(phone)


def test_no_safe_methods_means_no_contact() -> None:
    caller = Caller(contact_points=[parse_urn("tel:+923001234567")])
    assert not caller.is_safe_to_contact(parse_urn("tel:+923001234567"))


def test_the_same_contact_point_twice_is_refused_without_quoting_it() -> None:
    with pytest.raises(InvalidValue) as caught:
        Caller(contact_points=[parse_urn("tel:+923001234567"), parse_urn("tel:+92 300 1234567")])
    assert "3001234567" not in str(caught.value)


def test_contact_points_must_be_urns() -> None:
    with pytest.raises(TypeError):
        Caller(contact_points=["tel:+923001234567"])  # type: ignore[list-item]


def test_caller_ids_are_generated_and_distinct() -> None:
    assert isinstance(Caller().id, uuid.UUID)
    assert Caller().id != Caller().id


# -- specialists -----------------------------------------------------------------------------


def make_specialist(**changes: object) -> Specialist:
    values: dict[str, object] = {
        "email": "amina@helpline.example",
        "display_name": "Amina",
        "roles": {Role.LAWYER},
        "specialisms": {Specialism.LEGAL},
        "languages": ("ur", "en-GB"),
        "capacity": 3,
    }
    values.update(changes)
    return Specialist(**values)  # type: ignore[arg-type]


def test_specialist_needs_a_role() -> None:
    with pytest.raises(InvalidValue, match="at least one role"):
        make_specialist(roles=set())


@pytest.mark.parametrize("tag", ["english", "u", "ur_PK", "ur-", "ur-PK-toolongsubtag"])
def test_language_tags_are_checked(tag: str) -> None:
    with pytest.raises(InvalidValue, match="BCP 47"):
        make_specialist(languages=("en", tag))


@pytest.mark.parametrize("tag", ["ur", "en", "pa-Arab-PK", "ps", "fil"])
def test_valid_language_tags(tag: str) -> None:
    assert make_specialist(languages=(tag,)).languages == (tag,)


def test_capacity_cannot_be_negative() -> None:
    with pytest.raises(InvalidValue, match="capacity"):
        make_specialist(capacity=-1)


def test_bad_email_is_refused_without_quoting_it() -> None:
    with pytest.raises(InvalidValue) as caught:
        make_specialist(email="amina.helpline.example")
    assert "amina" not in str(caught.value)


def test_has_role() -> None:
    specialist = make_specialist(roles={Role.LAWYER, Role.SUPERVISOR})
    assert specialist.has_role(Role.SUPERVISOR)
    assert not specialist.has_role(Role.ADMIN)


@pytest.mark.parametrize(
    ("active", "capacity", "open_cases", "expected"),
    [
        (True, 3, 0, True),
        (True, 3, 2, True),
        (True, 3, 3, False),
        (True, 3, 5, False),
        (True, 0, 0, False),
        (False, 3, 0, False),
    ],
)
def test_can_take(active: bool, capacity: int, open_cases: int, expected: bool) -> None:
    specialist = make_specialist(active=active, capacity=capacity)
    assert specialist.can_take(open_cases) is expected


def test_can_take_refuses_a_negative_count() -> None:
    with pytest.raises(InvalidValue):
        make_specialist().can_take(-1)
