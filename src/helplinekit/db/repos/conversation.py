"""Contacts and messages: the timeline of a case, encrypted under the case's key."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update

from helplinekit.db.models import ContactBlockRow, ContactRow, MessageRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain import (
    URN,
    Attachment,
    Contact,
    ContactKind,
    Direction,
    Message,
    parse_urn,
)
from helplinekit.domain.states import DeliveryState

#: A message on the same channel within this time joins the ongoing conversation.
CONVERSATION_GAP = timedelta(hours=24)


class ContactRepository(Repository):
    def add(self, contact: Contact, address: URN | None) -> None:
        """Store a contact with the contact point it is on (encrypted under the caller's key)."""
        if contact.case_id is None:
            raise ValueError("A stored contact belongs to a case.")
        self.session.add(
            ContactRow(
                id=contact.id,
                caller_id=contact.caller_id,
                case_id=contact.case_id,
                channel=contact.channel,
                kind=contact.kind,
                is_first_contact=contact.is_first_contact,
                address=None
                if address is None
                else self.keys.seal(
                    "caller", contact.caller_id, "contacts", "address", contact.id, str(address)
                ),
                summary=(
                    self.keys.seal(
                        "case", contact.case_id, "contacts", "summary", contact.id, contact.summary
                    )
                    if contact.summary
                    else None
                ),
                started_at=contact.started_at,
                ended_at=contact.ended_at,
            )
        )
        self.session.flush()

    def ongoing(self, case_id: uuid.UUID, channel: str, now: datetime) -> Contact | None:
        """The conversation on ``channel`` still going on for the case, if any."""
        last_message = (
            select(MessageRow.created_at)
            .where(MessageRow.contact_id == ContactRow.id)
            .order_by(MessageRow.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        row = self.session.scalars(
            select(ContactRow)
            .where(
                ContactRow.case_id == case_id,
                ContactRow.channel == channel,
                ContactRow.ended_at.is_(None),
                ContactRow.kind == ContactKind.MESSAGE_THREAD,
                last_message >= now - CONVERSATION_GAP,
            )
            .order_by(ContactRow.started_at.desc())
            .limit(1)
        ).first()
        return None if row is None else self._to_domain(row)

    def address(self, contact_id: uuid.UUID) -> URN:
        row = self.session.get(ContactRow, contact_id)
        if row is None:
            raise LookupError(f"Contact {contact_id} does not exist.")
        if row.address is None:
            raise LookupError(f"Contact {contact_id} has no contact point (a walk-in, say).")
        text = self.keys.open("caller", row.caller_id, "contacts", "address", row.id, row.address)
        return parse_urn(text)

    def _block_hash(self, channel: str, address: URN) -> str:
        return self.message_ids.of(f"block:{channel}", str(address))

    def block(self, channel: str, address: URN, now: datetime) -> None:
        """Record that ``address`` opted out of or blocked ``channel``."""
        digest = self._block_hash(channel, address)
        exists = self.session.scalar(
            select(ContactBlockRow.id).where(
                ContactBlockRow.channel == channel, ContactBlockRow.address_hash == digest
            )
        )
        if exists is None:
            self.session.add(
                ContactBlockRow(
                    id=uuid.uuid4(), channel=channel, address_hash=digest, created_at=now
                )
            )
            self.session.flush()

    def is_blocked(self, channel: str, address: URN) -> bool:
        digest = self._block_hash(channel, address)
        return (
            self.session.scalar(
                select(ContactBlockRow.id).where(
                    ContactBlockRow.channel == channel, ContactBlockRow.address_hash == digest
                )
            )
            is not None
        )

    def get(self, contact_id: uuid.UUID) -> Contact:
        row = self.session.get(ContactRow, contact_id)
        if row is None:
            raise LookupError(f"Contact {contact_id} does not exist.")
        return self._to_domain(row)

    def for_case(self, case_id: uuid.UUID) -> list[Contact]:
        rows = self.session.scalars(
            select(ContactRow).where(ContactRow.case_id == case_id).order_by(ContactRow.started_at)
        ).all()
        return [self._to_domain(row) for row in rows]

    def _to_domain(self, row: ContactRow) -> Contact:
        summary = ""
        if row.summary is not None and row.case_id is not None:
            summary = self.keys.open(
                "case", row.case_id, "contacts", "summary", row.id, row.summary
            )
        return Contact(
            id=row.id,
            caller_id=row.caller_id,
            case_id=row.case_id,
            channel=row.channel,
            kind=ContactKind(row.kind),
            is_first_contact=row.is_first_contact,
            started_at=row.started_at,
            ended_at=row.ended_at,
            summary=summary,
        )


class MessageRepository(Repository):
    def provider_hash(self, channel: str, provider_message_id: str) -> str:
        return self.message_ids.of(channel, provider_message_id)

    def seen(self, channel: str, provider_message_id: str) -> bool:
        """Whether a message with this provider id was already stored (compared as HMACs)."""
        digest = self.provider_hash(channel, provider_message_id)
        found = self.session.scalar(
            select(MessageRow.id).where(
                MessageRow.channel == channel, MessageRow.provider_message_hash == digest
            )
        )
        return found is not None

    def add(
        self,
        message: Message,
        case_id: uuid.UUID,
        *,
        delivery_status: DeliveryState | None = None,
    ) -> None:
        digest = (
            None
            if message.provider_message_id is None
            else self.provider_hash(message.channel, message.provider_message_id)
        )
        attachments = [
            {
                "content_type": a.content_type,
                "size_bytes": a.size_bytes,
                "filename": a.filename,
                "storage_ref": a.storage_ref,
            }
            for a in message.attachments
        ]
        self.session.add(
            MessageRow(
                id=message.id,
                case_id=case_id,
                contact_id=message.contact_id,
                direction=message.direction,
                channel=message.channel,
                provider_message_hash=digest,
                body=self.keys.seal("case", case_id, "messages", "body", message.id, message.body),
                attachments=self.keys.seal(
                    "case", case_id, "messages", "attachments", message.id, attachments
                ),
                author_id=message.author_id,
                delivery_status=delivery_status,
                created_at=message.created_at,
            )
        )
        self.session.flush()

    def set_delivery(self, message_id: uuid.UUID, status: DeliveryState) -> None:
        self.session.execute(
            update(MessageRow).where(MessageRow.id == message_id).values(delivery_status=status)
        )

    def for_case(self, case_id: uuid.UUID) -> list[tuple[Message, DeliveryState | None]]:
        """The case's messages, oldest first, with each one's delivery status."""
        rows = self.session.scalars(
            select(MessageRow).where(MessageRow.case_id == case_id).order_by(MessageRow.created_at)
        ).all()
        return [
            (
                self._to_domain(row),
                None if row.delivery_status is None else DeliveryState(row.delivery_status),
            )
            for row in rows
        ]

    def get(self, message_id: uuid.UUID) -> Message:
        row = self.session.get(MessageRow, message_id)
        if row is None:
            raise LookupError(f"Message {message_id} does not exist.")
        return self._to_domain(row)

    def _to_domain(self, row: MessageRow) -> Message:
        body = self.keys.open("case", row.case_id, "messages", "body", row.id, row.body)
        attachments = self.keys.open(
            "case", row.case_id, "messages", "attachments", row.id, row.attachments
        )
        return Message(
            id=row.id,
            contact_id=row.contact_id,
            direction=Direction(row.direction),
            channel=row.channel,
            provider_message_id=None,  # only its HMAC is kept
            body=body,
            attachments=tuple(Attachment(**item) for item in attachments),
            created_at=row.created_at,
            author_id=row.author_id,
        )
