"""``repr`` never shows survivor content, so logs and tracebacks cannot leak it.

Every sensitive field of every domain class is planted with a canary; the canary must not
appear in ``repr()``, while the ids needed for debugging must.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import attrs
import pytest

import helplinekit.domain as domain
from helplinekit.domain import (
    URN,
    Assignment,
    Attachment,
    Caller,
    Case,
    CaseAttributes,
    Consent,
    Contact,
    ContactKind,
    Direction,
    Message,
    Note,
    NoteSection,
    Referral,
    ReferralPartner,
    Role,
    SafeContactMethod,
    Specialist,
    Task,
    TaskKind,
    TaxonomyCode,
    parse_urn,
)

CANARY = "CANARY-q7x2"
# Phone-shaped values cannot hold letters: plant distinctive digits instead.
CANARY_NUMBER = "+923009876543"
CANARY_DIGITS = "9876543"
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

# Written out by hand: which fields must stay out of repr, per class.
EXPECTED_HIDDEN: dict[type, set[str]] = {
    URN: {"path"},
    Consent: {"note"},
    SafeContactMethod: {"note"},
    Caller: {"contact_points", "display_name", "safe_contact_methods"},
    Specialist: {"email", "display_name"},
    Attachment: {"filename", "storage_ref"},
    Message: {"provider_message_id", "body"},
    Contact: {"summary"},
    Note: {"body"},
    Referral: {"summary", "outcome"},
    Task: {"title"},
    TaxonomyCode: set(),
    CaseAttributes: {
        "victim_is_minor",
        "ai_generated_content",
        "perpetrator_relation",
        "platforms",
        "at_risk_identities",
        "victim",
        "victim_gender",
        "victim_age",
        "victim_age_band",
        "offender_gender",
        "incident_date",
    },
    Assignment: set(),
    Case: {"attributes"},
    ReferralPartner: set(),
}


def test_every_domain_class_is_listed() -> None:
    exported = {
        obj
        for name in domain.__all__
        if isinstance(obj := getattr(domain, name), type) and attrs.has(obj)
    }
    assert exported == set(EXPECTED_HIDDEN)


@pytest.mark.parametrize("cls", list(EXPECTED_HIDDEN), ids=lambda cls: cls.__name__)
def test_sensitive_fields_are_declared_hidden(cls: type) -> None:
    hidden = {a.name for a in attrs.fields(cls) if not a.repr}
    assert hidden == EXPECTED_HIDDEN[cls]


def consent() -> Consent:
    return Consent(services=True, referral=True, recorded_at=T0, note=CANARY)


def build_caller() -> Caller:
    web = URN("web", CANARY)
    phone = parse_urn(f"tel:{CANARY_NUMBER}")
    return Caller(
        contact_points=[web, phone],
        display_name=CANARY,
        safe_contact_methods=[SafeContactMethod(urn=phone, note=CANARY)],
        consent=consent(),
    )


def build_specialist() -> Specialist:
    return Specialist(
        email=f"{CANARY}@example.org", display_name=CANARY, roles={Role.INTAKE}, capacity=1
    )


def build_message() -> Message:
    return Message(
        contact_id=uuid.uuid4(),
        direction=Direction.INBOUND,
        channel="meta.whatsapp",
        provider_message_id=CANARY,
        body=CANARY,
        attachments=[
            Attachment(
                content_type="image/jpeg", size_bytes=10, filename=CANARY, storage_ref=CANARY
            )
        ],
    )


def build_contact() -> Contact:
    return Contact(
        caller_id=uuid.uuid4(),
        channel="twilio.voice",
        kind=ContactKind.CALL,
        is_first_contact=False,
        summary=CANARY,
    )


def build_note() -> Note:
    return Note(
        case_id=uuid.uuid4(), section=NoteSection.GENERAL, author_id=uuid.uuid4(), body=CANARY
    )


def build_referral() -> Referral:
    return Referral(
        case_id=uuid.uuid4(),
        partner_key="pk.nccia",
        consent=consent(),
        summary=CANARY,
        outcome=CANARY,
    )


def build_task() -> Task:
    return Task(case_id=uuid.uuid4(), kind=TaskKind.FOLLOW_UP, title=CANARY, due_at=T0)


BUILDERS: dict[str, Callable[[], object]] = {
    "urn": lambda: URN("web", CANARY),
    "phone_urn": lambda: parse_urn(f"tel:{CANARY_NUMBER}"),
    "consent": consent,
    "safe_contact_method": lambda: SafeContactMethod(urn=URN("web", CANARY), note=CANARY),
    "caller": build_caller,
    "specialist": build_specialist,
    "attachment": lambda: build_message().attachments[0],
    "message": build_message,
    "contact": build_contact,
    "note": build_note,
    "referral": build_referral,
    "task": build_task,
}


@pytest.mark.parametrize("build", list(BUILDERS.values()), ids=list(BUILDERS))
def test_repr_never_contains_the_canary(build: Callable[[], object]) -> None:
    obj = build()
    text = repr(obj)
    assert CANARY not in text
    assert CANARY_DIGITS not in text
    # The canary really is in the object: the test would catch a leak.
    values = [getattr(obj, a.name) for a in attrs.fields(type(obj))]
    assert any(CANARY in str(v) or CANARY_DIGITS in str(v) for v in values)
    ident = getattr(obj, "id", None)
    if ident is not None:
        assert str(ident) in text


def test_repr_in_containers_and_messages_stays_clean() -> None:
    caller = build_caller()
    assert CANARY not in repr([caller, build_message(), build_referral()])
    assert CANARY not in f"{caller!r} {caller.contact_points[0].redacted()}"
