"""The rows of casework: data keys, callers and their blind index, cases, staff, contacts,
messages, notes, tasks and referrals. Survivor content is only ever ciphertext here."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from helplinekit.db.models.base import Base, _enum
from helplinekit.db.types import encrypted, timestamp, uuid_pk
from helplinekit.domain import (
    AgeBand,
    CaseStatus,
    ContactKind,
    Direction,
    Gender,
    NoteSection,
    ReferralStatus,
    RiskLevel,
    TaskKind,
)


class DataKeyRow(Base):
    """A per-caller or per-case data key, stored only wrapped by the key-encryption key.

    Deleting this row crypto-shreds everything encrypted under it.
    """

    __tablename__ = "data_keys"

    id: Mapped[uuid_pk]  # the owner's id: one key per caller and per case
    owner_kind: Mapped[str] = mapped_column(String(16))
    kek_version: Mapped[int] = mapped_column(Integer)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[timestamp]


class CallerRow(Base):
    __tablename__ = "callers"

    id: Mapped[uuid_pk]
    contact_points: Mapped[bytes] = encrypted("caller")
    display_name: Mapped[bytes | None] = encrypted("caller")
    safe_contact_methods: Mapped[bytes] = encrypted("caller")
    consent_note: Mapped[bytes | None] = encrypted("caller")
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    age_band: Mapped[AgeBand | None] = mapped_column(_enum(AgeBand))
    region: Mapped[str | None] = mapped_column(String(64))
    consent_services: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_statistics: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_at: Mapped[timestamp | None]
    consent_recorded_by: Mapped[uuid.UUID | None]
    created_at: Mapped[timestamp]


class CallerIndexRow(Base):
    """A blind index of one of a caller's contact points (truncated HMAC; collisions expected)."""

    __tablename__ = "caller_index"
    __table_args__ = (Index("ix_caller_index_value", "index_version", "value"),)

    id: Mapped[uuid_pk]
    caller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("callers.id", ondelete="CASCADE"))
    index_version: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(32))


class CaseCounterRow(Base):
    """The last case number given out per year, for references like HL-2026-000123."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_status_risk", "status", "risk_level"),
        # A queue's order (high risk first, then oldest), so a page is read off an index
        # instead of sorting every case.
        Index("ix_cases_queue", "queue_rank", "opened_at", "reference"),
    )

    id: Mapped[uuid_pk]
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    caller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("callers.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    categories: Mapped[list[str]] = mapped_column(JSON)
    attributes: Mapped[bytes] = encrypted("case")
    risk_level: Mapped[RiskLevel] = mapped_column(_enum(RiskLevel))
    # 0 for high risk … 3 for not assessed: the first key of every queue's order.
    queue_rank: Mapped[int] = mapped_column(SmallInteger)
    jurisdiction: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(35))
    specialisms_needed: Mapped[list[str]] = mapped_column(JSON)
    needs_manual_triage: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[timestamp]
    closed_at: Mapped[timestamp | None]
    updated_at: Mapped[timestamp]
    # Consent belongs to the case (migration 0005 copied each caller's onto their cases).
    consent_services: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_statistics: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_at: Mapped[timestamp | None]
    consent_recorded_by: Mapped[uuid.UUID | None]


class AssignmentRow(Base):
    __tablename__ = "case_assignments"
    __table_args__ = (
        UniqueConstraint("case_id", "specialist_id", "specialism", name="uq_case_assignments"),
    )

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    specialist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"), index=True)
    specialism: Mapped[str | None] = mapped_column(String(32))
    assigned_at: Mapped[timestamp]
    assigned_by: Mapped[uuid.UUID | None]


class StaffRow(Base):
    """A staff member. Staff are not survivors: their work email is kept in plain text."""

    __tablename__ = "staff"

    id: Mapped[uuid_pk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    roles: Mapped[list[str]] = mapped_column(JSON)
    specialisms: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]
    # Login: an Argon2id hash; a TOTP secret encrypted under the staff member's data key;
    # the last TOTP time step used (so each code works once); hashed recovery codes.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[bytes | None] = encrypted("staff")
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_enrolled_at: Mapped[timestamp | None]
    recovery_codes: Mapped[list[str] | None] = mapped_column(JSON)
    # The language the staff console is shown in for this person (None: the helpline's).
    ui_language: Mapped[str | None] = mapped_column(String(35))
    # Until when this person may set up their authenticator at their first console sign-in
    # (``staff add --totp-at-first-sign-in``); None: only an admin can issue one.
    first_sign_in_until: Mapped[timestamp | None]


class ContactRow(Base):
    __tablename__ = "contacts"

    id: Mapped[uuid_pk]
    caller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("callers.id"), index=True)
    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ContactKind] = mapped_column(_enum(ContactKind))
    is_first_contact: Mapped[bool] = mapped_column(Boolean)
    # The contact point this conversation is on, so replies go back to it.
    address: Mapped[bytes | None] = encrypted("caller")
    summary: Mapped[bytes | None] = encrypted("case")
    started_at: Mapped[timestamp]
    ended_at: Mapped[timestamp | None]


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "provider_message_hash", name="uq_messages_provider_id"),
    )

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    channel: Mapped[str] = mapped_column(String(64))
    # An HMAC of (channel, provider id): de-duplicates without keeping the provider's id.
    provider_message_hash: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[bytes] = encrypted("case")
    attachments: Mapped[bytes] = encrypted("case")
    author_id: Mapped[uuid.UUID | None]
    delivery_status: Mapped[str | None] = mapped_column(String(16))  # a DeliveryState
    created_at: Mapped[timestamp]


class NoteRow(Base):
    __tablename__ = "notes"

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[NoteSection] = mapped_column(_enum(NoteSection))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"))
    body: Mapped[bytes] = encrypted("case")
    created_at: Mapped[timestamp]


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TaskKind] = mapped_column(_enum(TaskKind))
    title: Mapped[bytes] = encrypted("case")
    due_at: Mapped[timestamp]
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff.id"))
    completed_at: Mapped[timestamp | None]
    completed_by: Mapped[uuid.UUID | None]
    created_at: Mapped[timestamp]


class ReferralRow(Base):
    __tablename__ = "referrals"

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    partner_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[ReferralStatus] = mapped_column(_enum(ReferralStatus))
    consent_recorded_at: Mapped[timestamp]
    consent_recorded_by: Mapped[uuid.UUID | None]
    shared_sections: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[bytes] = encrypted("case")
    outcome: Mapped[bytes] = encrypted("case")
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
