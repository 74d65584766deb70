"""ORM rows: what the database holds. Survivor content is only ever ciphertext here.

Plaintext columns are limited to what queues, filters and statistics need in SQL (ids,
references, statuses, assignees, timestamps, risk, categories, specialisms, language,
channel, key and index versions, blind indexes, and statistics fields kept only with
consent). Every other column that could identify or describe a survivor is ``encrypted``.
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from helplinekit.db.types import encrypted, short_text, timestamp, uuid_pk
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

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(enum_class: type) -> Enum:
    # Fixed vocabularies are stored as their string values, checked by the application.
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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


class JobRow(Base):
    """A background job (triage). Claimed with SKIP LOCKED on PostgreSQL."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_ready", "state", "run_after"),)

    id: Mapped[uuid_pk]
    kind: Mapped[short_text]
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    message_id: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(16))  # a JobState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[timestamp]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[timestamp | None]
    last_error: Mapped[str | None] = mapped_column(String(200))  # an exception type, never content
    created_at: Mapped[timestamp]


class OutboxRow(Base):
    """A reply waiting to be sent; its id is the idempotency key for the channel."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_ready", "state", "next_attempt_at"),)

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = encrypted("case")
    state: Mapped[str] = mapped_column(String(16))  # an OutboxState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[timestamp]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[timestamp | None]
    provider_message_hash: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[timestamp | None]
    created_at: Mapped[timestamp]


class ContactBlockRow(Base):
    """A contact point that opted out or blocked us on a channel: nothing more is sent to it.

    Kept as an HMAC of (channel, URN), so the block list names no one.
    """

    __tablename__ = "contact_blocks"
    __table_args__ = (UniqueConstraint("channel", "address_hash", name="uq_contact_blocks"),)

    id: Mapped[uuid_pk]
    channel: Mapped[str] = mapped_column(String(64))
    address_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[timestamp]


class LoginThrottleRow(Base):
    """Failed sign-ins per account key (an HMAC of the email, known account or not).

    Keyed the same way for unknown emails, so throttling never reveals who has an account;
    it only slows attempts down, so an abuser cannot lock a staff member out.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    blocked_until: Mapped[timestamp | None]
    last_failure_at: Mapped[timestamp]


class KnownDeviceRow(Base):
    """A browser a staff member signed in from with their password and second factor.

    The browser holds a long-lived, signed ``__Host-`` cookie with a random token; only the
    token's SHA-256 is stored, bound to one account. Sign-ins from a known device are
    throttled on their own, so guessing from elsewhere never keeps the staff member out.
    No address is kept: only a coarse description (the browser family) to recognise it.
    """

    __tablename__ = "known_devices"

    id: Mapped[uuid_pk]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[timestamp]
    last_used_at: Mapped[timestamp]


class SignInAlertRow(Base):
    """Failed sign-ins to one account from unknown devices in the current hour.

    When they reach the threshold the account is *under attack*: supervisors see a notice
    until an hour passes without such a failure, and the audit log gets one
    ``signin.under_attack`` entry per hour-long window that reaches the threshold.
    """

    __tablename__ = "signin_alerts"

    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    window_start: Mapped[timestamp]
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[timestamp]
    alerted_at: Mapped[timestamp | None]


class BreakGlassRow(Base):
    """Emergency access to one case, with a written reason, for a limited time."""

    __tablename__ = "break_glass"

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff.id"), index=True)
    reason: Mapped[bytes] = encrypted("case")
    created_at: Mapped[timestamp]
    expires_at: Mapped[timestamp]
    reviewed_by: Mapped[uuid.UUID | None]
    reviewed_at: Mapped[timestamp | None]


class CaseAccessRow(Base):
    """How a web-form survivor reads replies: a case code and a passphrase they chose.

    The code is kept only as an HMAC (for lookup), the passphrase only as an Argon2id hash.
    """

    __tablename__ = "case_access"

    id: Mapped[uuid_pk]
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    passphrase_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[timestamp]


class RateLimitRow(Base):
    """A counter in its current window, keyed by an HMAC (of a client's network, a case code).

    ``expires_at`` is when the row means nothing any more: the worker deletes rows past it,
    so the table does not grow with every address that ever came. ``wait_until`` is set by
    the "check my case" backoff: no check of that code from that client before it.
    """

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[timestamp]
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[timestamp] = mapped_column(index=True)
    wait_until: Mapped[timestamp | None]


class StaffSessionRow(Base):
    """A signed-in staff console session, or a first sign-in waiting for its authenticator.

    Only a SHA-256 of the session token is stored (the token is 256 random bits, so a hash
    is enough): a copy of the database cannot be used to take over a session. Sessions live
    in the database so that any number of ``serve`` processes share them.
    """

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))  # "active" or "enrolling"
    created_at: Mapped[timestamp]
    last_seen_at: Mapped[timestamp]


class AuditHeadRow(Base):
    """The chain's head: one row, locked by every writer so sequence numbers have no gaps."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    # Where the HMAC chain starts (None: not keyed yet). Writers read it to know how to
    # link the next entry; the verifier trusts only the MACs, never this column.
    keyed_from: Mapped[int | None] = mapped_column(Integer)


class AuditRow(Base):
    """One audited operation. Never names, numbers, search terms or note text."""

    __tablename__ = "audit_log"
    # The console finds recent entries of one kind (the "check my case" guessing alerts)
    # without reading the whole log.
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[timestamp]
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[uuid.UUID | None]
    os_user: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, object]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def encrypted_columns() -> list[tuple[str, str, str]]:
    """Every encrypted column as ``(table, column, owner)``, read from the model metadata."""
    return [
        (table.name, column.name, column.info["encrypted"])
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if "encrypted" in column.info
    ]


__all__ = [
    "NAMING_CONVENTION",
    "AssignmentRow",
    "AuditHeadRow",
    "AuditRow",
    "Base",
    "BreakGlassRow",
    "CallerIndexRow",
    "CallerRow",
    "CaseAccessRow",
    "CaseCounterRow",
    "CaseRow",
    "ContactBlockRow",
    "ContactRow",
    "DataKeyRow",
    "JobRow",
    "LoginThrottleRow",
    "MessageRow",
    "NoteRow",
    "OutboxRow",
    "RateLimitRow",
    "ReferralRow",
    "StaffRow",
    "TaskRow",
    "encrypted_columns",
]
