"""Conversations: contacts (one conversation on one channel) and the messages in them.

The model helpline counts contacts and cases separately (first contacts vs follow-ups), so a
:class:`Contact` is its own entity that may later be attached to a case. Message bodies,
attachment names and provider ids are survivor content and never appear in ``repr``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import Attribute, define, evolve, field, frozen, validators

from helplinekit.domain._convert import as_tuple
from helplinekit.domain._validation import (
    at_least,
    aware_datetime,
    channel_name,
    in_order,
    is_uuid,
    not_blank,
    optional_aware_datetime,
    optional_uuid,
    tuple_of,
    utc_now,
)
from helplinekit.domain.errors import DomainError, InvalidValue

_optional_str = validators.optional(validators.instance_of(str))


class Direction(StrEnum):
    """Whether a message came from the caller or went to them."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


@frozen(kw_only=True)
class Attachment:
    """A file that came with a message (evidence, a voice note, a screenshot).

    Attributes:
        content_type: MIME type as declared by the provider, e.g. ``image/jpeg``.
        size_bytes: Size of the stored file.
        filename: Original name, if any. Sensitive: names often say what the file shows.
        storage_ref: Where the encrypted file is kept (an opaque key for the storage
            provider). Hidden from repr so logs never point at evidence.
    """

    content_type: str = field(validator=not_blank)
    size_bytes: int = field(validator=at_least(0))
    filename: str | None = field(default=None, repr=False, validator=_optional_str)
    storage_ref: str | None = field(default=None, repr=False, validator=_optional_str)


def _author_only_outbound(instance: Message, attribute: Attribute[Any], value: Any) -> None:
    # The caller writes inbound messages; only outbound ones can have a staff author. Attached
    # to both fields, so the value being set is combined with the other's current value.
    direction = value if attribute.name == "direction" else instance.direction
    author_id = value if attribute.name == "author_id" else instance.author_id
    if author_id is not None and direction is Direction.INBOUND:
        raise InvalidValue(
            f"Message {instance.id} is inbound, so it cannot have a staff author; "
            "author_id is only for outbound messages."
        )


@define(kw_only=True)
class Message:
    """One message in a contact, in either direction.

    Attributes:
        id: Application-generated identifier.
        contact_id: The contact (conversation) the message belongs to.
        direction: Inbound (from the caller) or outbound (to the caller).
        channel: Registered channel name, e.g. ``twilio.sms``.
        provider_message_id: The provider's id, used for de-duplication. Sensitive.
        body: The text. Sensitive. May be empty when the message only carries attachments.
        attachments: Files that came with the message.
        created_at: When the message was sent or received.
        author_id: The staff member who wrote an outbound message; ``None`` for inbound
            messages and for automatic replies.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    contact_id: uuid.UUID = field(validator=is_uuid)
    direction: Direction = field(
        validator=[validators.instance_of(Direction), _author_only_outbound]
    )
    channel: str = field(validator=channel_name)
    provider_message_id: str | None = field(default=None, repr=False, validator=_optional_str)
    # An empty body is allowed: an image-only message must still be stored, never dropped.
    body: str = field(default="", repr=False, validator=validators.instance_of(str))
    attachments: tuple[Attachment, ...] = field(
        factory=tuple,
        converter=as_tuple,
        validator=tuple_of(validators.instance_of(Attachment)),
    )
    created_at: datetime = field(factory=utc_now, validator=aware_datetime)
    author_id: uuid.UUID | None = field(
        default=None, validator=[optional_uuid, _author_only_outbound]
    )


class ContactKind(StrEnum):
    """The shape of a conversation."""

    MESSAGE_THREAD = "message_thread"
    CALL = "call"
    WALK_IN = "walk_in"
    WEB_FORM = "web_form"
    EMAIL_THREAD = "email_thread"


_ended_after_start = in_order("started_at", "ended_at")


@define(kw_only=True)
class Contact:
    """One conversation on one channel: a call, a chat session, an email thread, a form.

    Attributes:
        id: Application-generated identifier.
        caller_id: Who the conversation is with.
        case_id: The case it belongs to, or ``None`` until triage attaches it.
        channel: Registered channel name, e.g. ``meta.whatsapp``.
        kind: The shape of the conversation.
        is_first_contact: Whether this is the caller's first contact about the case (reports
            count first contacts and follow-ups apart).
        started_at: When the conversation began.
        ended_at: When it ended, or ``None`` while it is going on; never before ``started_at``.
        summary: Staff summary of the conversation. Sensitive.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    caller_id: uuid.UUID = field(validator=is_uuid)
    case_id: uuid.UUID | None = field(default=None, validator=optional_uuid)
    channel: str = field(validator=channel_name)
    kind: ContactKind = field(validator=validators.instance_of(ContactKind))
    is_first_contact: bool = field(validator=validators.instance_of(bool))
    started_at: datetime = field(factory=utc_now, validator=[aware_datetime, _ended_after_start])
    ended_at: datetime | None = field(
        default=None, validator=[optional_aware_datetime, _ended_after_start]
    )
    summary: str = field(default="", repr=False, validator=validators.instance_of(str))

    @property
    def is_ongoing(self) -> bool:
        """Whether the conversation has not ended yet."""
        return self.ended_at is None

    def end(self, *, at: datetime) -> Contact:
        """Return a copy ended at ``at``.

        Raises:
            DomainError: the contact has already ended.
        """
        if self.ended_at is not None:
            raise DomainError(
                f"Contact {self.id} already ended at {self.ended_at.isoformat()}; "
                "start a new contact for a new conversation."
            )
        return evolve(self, ended_at=at)
