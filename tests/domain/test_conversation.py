"""Contacts and messages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from helplinekit.domain import (
    Attachment,
    Contact,
    ContactKind,
    Direction,
    DomainError,
    InvalidValue,
    Message,
)

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def make_contact(**changes: object) -> Contact:
    values: dict[str, object] = {
        "caller_id": uuid.uuid4(),
        "channel": "meta.whatsapp",
        "kind": ContactKind.MESSAGE_THREAD,
        "is_first_contact": True,
        "started_at": T0,
    }
    values.update(changes)
    return Contact(**values)  # type: ignore[arg-type]


def test_contact_kinds() -> None:
    assert [k.value for k in ContactKind] == [
        "message_thread",
        "call",
        "walk_in",
        "web_form",
        "email_thread",
    ]


def test_contact_cannot_end_before_it_starts() -> None:
    with pytest.raises(InvalidValue, match="ended_at"):
        make_contact(ended_at=T0 - timedelta(seconds=1))


def test_end_returns_an_ended_copy() -> None:
    contact = make_contact()
    ended = contact.end(at=T0 + timedelta(minutes=12))
    assert ended.ended_at == T0 + timedelta(minutes=12)
    assert not ended.is_ongoing
    assert contact.is_ongoing


def test_ending_twice_is_refused() -> None:
    ended = make_contact().end(at=T0)
    with pytest.raises(DomainError, match="already ended"):
        ended.end(at=T0 + timedelta(hours=1))


def test_ending_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidValue):
        make_contact().end(at=T0 - timedelta(minutes=1))


def test_moving_the_start_after_the_end_is_refused() -> None:
    contact = make_contact(ended_at=T0 + timedelta(minutes=5))
    with pytest.raises(InvalidValue, match="before started_at"):
        contact.started_at = T0 + timedelta(minutes=10)


def test_contact_times_must_be_timezone_aware() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_contact(started_at=datetime(2026, 3, 1, 10, 0))
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_contact(ended_at=datetime(2026, 3, 1, 11, 0))


@pytest.mark.parametrize("channel", ["Twilio SMS", "", ".sms", "SMS"])
def test_channel_names_are_checked(channel: str) -> None:
    with pytest.raises(InvalidValue, match="channel"):
        make_contact(channel=channel)


def test_inbound_message_cannot_have_a_staff_author() -> None:
    with pytest.raises(InvalidValue, match="inbound"):
        Message(
            contact_id=uuid.uuid4(),
            direction=Direction.INBOUND,
            channel="twilio.sms",
            body="hello",
            author_id=uuid.uuid4(),
        )


def test_outbound_message_may_have_an_author_and_inbound_may_be_attachment_only() -> None:
    author = uuid.uuid4()
    outbound = Message(
        contact_id=uuid.uuid4(),
        direction=Direction.OUTBOUND,
        channel="twilio.sms",
        body="We are here to help.",
        author_id=author,
    )
    assert outbound.author_id == author
    image_only = Message(
        contact_id=uuid.uuid4(),
        direction=Direction.INBOUND,
        channel="meta.whatsapp",
        attachments=[Attachment(content_type="image/jpeg", size_bytes=48_000)],
    )
    assert image_only.body == ""
    assert image_only.attachments[0].size_bytes == 48_000


def test_turning_an_authored_message_inbound_is_refused() -> None:
    message = Message(
        contact_id=uuid.uuid4(),
        direction=Direction.OUTBOUND,
        channel="twilio.sms",
        author_id=uuid.uuid4(),
    )
    with pytest.raises(InvalidValue, match="inbound"):
        message.direction = Direction.INBOUND


def test_attachment_size_cannot_be_negative() -> None:
    with pytest.raises(InvalidValue, match="size_bytes"):
        Attachment(content_type="image/png", size_bytes=-1)
