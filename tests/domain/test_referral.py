"""Referrals and referral partners."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from helplinekit.domain import (
    Consent,
    ConsentRequired,
    InvalidTransition,
    InvalidValue,
    NoteSection,
    Referral,
    ReferralPartner,
    ReferralStatus,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
REFERRAL_CONSENT = Consent(services=True, referral=True, recorded_at=T0)


def make_referral(**changes: object) -> Referral:
    values: dict[str, object] = {
        "case_id": uuid.uuid4(),
        "partner_key": "intl.stopncii",
        "consent": REFERRAL_CONSENT,
        "shared_sections": {NoteSection.GENERAL},
        "created_at": T0,
    }
    values.update(changes)
    return Referral(**values)  # type: ignore[arg-type]


# -- consent ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "consent",
    [Consent(), Consent(services=True, anonymised_statistics=True, recorded_at=T0)],
)
def test_referral_needs_consent_to_referral(consent: Consent) -> None:
    with pytest.raises(ConsentRequired, match="recorded consent to referral"):
        make_referral(consent=consent)


def test_consent_cannot_be_swapped_for_one_without_referral() -> None:
    referral = make_referral()
    with pytest.raises(ConsentRequired):
        referral.consent = Consent(services=True, recorded_at=T0)


def test_referral_with_consent_starts_proposed() -> None:
    referral = make_referral()
    assert referral.status is ReferralStatus.PROPOSED
    assert referral.updated_at == referral.created_at == T0
    assert referral.shared_sections == frozenset({NoteSection.GENERAL})


# -- lifecycle on the entity -----------------------------------------------------------------


def test_full_path_with_the_partners_outcome() -> None:
    referral = make_referral()
    sent = referral.transition(ReferralStatus.SENT, at=T0 + timedelta(hours=1))
    accepted = sent.transition(ReferralStatus.ACCEPTED, at=T0 + timedelta(days=1))
    completed = accepted.transition(
        ReferralStatus.COMPLETED, at=T0 + timedelta(days=4), outcome="Images hashed."
    )
    assert completed.status is ReferralStatus.COMPLETED
    assert completed.updated_at == T0 + timedelta(days=4)
    assert completed.outcome == "Images hashed."
    assert referral.status is ReferralStatus.PROPOSED
    assert accepted.outcome == ""


def test_invalid_referral_transition() -> None:
    with pytest.raises(InvalidTransition, match="from 'proposed' to 'accepted'"):
        make_referral().transition(ReferralStatus.ACCEPTED, at=T0 + timedelta(hours=1))


def test_withdrawn_is_final() -> None:
    withdrawn = make_referral().transition(ReferralStatus.WITHDRAWN, at=T0)
    with pytest.raises(InvalidTransition, match="allowed from 'withdrawn': none"):
        withdrawn.transition(ReferralStatus.SENT, at=T0 + timedelta(hours=1))


def test_time_cannot_run_backwards() -> None:
    sent = make_referral().transition(ReferralStatus.SENT, at=T0 + timedelta(days=1))
    with pytest.raises(InvalidValue, match="before its last change"):
        sent.transition(ReferralStatus.ACCEPTED, at=T0 + timedelta(hours=1))
    with pytest.raises(InvalidValue, match="before created_at"):
        make_referral(updated_at=T0 - timedelta(seconds=1))


def test_status_cannot_be_assigned_in_place() -> None:
    with pytest.raises(attrs.exceptions.FrozenAttributeError):
        make_referral().status = ReferralStatus.COMPLETED  # type: ignore[misc]


# -- partners --------------------------------------------------------------------------------


def make_partner(**changes: object) -> ReferralPartner:
    values: dict[str, object] = {
        "key": "intl.stopncii",
        "name": "StopNCII.org",
        "services": ("image_hashing",),
        "regions": ("*",),
        "languages": ("en",),
        "eligibility": "Adults (18+).",
        "contact": "Self-service at the website.",
        "url": "https://stopncii.org/",
    }
    values.update(changes)
    return ReferralPartner(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["stopncii", "Intl.StopNCII", "intl.", ".stopncii", "intl stop"])
def test_partner_key_must_be_namespaced(key: str) -> None:
    with pytest.raises(InvalidValue, match="namespaced"):
        make_partner(key=key)


@pytest.mark.parametrize("key", ["intl.stopncii", "pk.nccia", "pk.fia_ccw", "a.b.c-d"])
def test_valid_partner_keys(key: str) -> None:
    assert make_partner(key=key).key == key


@pytest.mark.parametrize("region", ["pakistan", "pk", "PAK", "", "**"])
def test_partner_regions_are_iso_codes_or_worldwide(region: str) -> None:
    with pytest.raises(InvalidValue, match="ISO 3166"):
        make_partner(regions=("PK", region))


def test_verification_and_regions_served() -> None:
    unverified = make_partner(regions=("PK", "PK-PB"))
    assert not unverified.is_verified
    assert unverified.serves_region("PK")
    assert not unverified.serves_region("IN")
    verified = make_partner(last_verified=date(2026, 2, 1))
    assert verified.is_verified
    assert verified.serves_region("KE")  # worldwide


def test_last_verified_is_a_calendar_day() -> None:
    with pytest.raises(TypeError, match="date"):
        make_partner(last_verified=T0)


def test_partner_is_a_hashable_value() -> None:
    assert make_partner() == make_partner()
    assert len({make_partner(), make_partner()}) == 1
