"""The rows that run the helpline around the cases: the job queue and the outbox, contact
blocks, sign-in throttles, known devices and alerts, break-the-glass grants, survivor access,
rate limits, staff sessions, and the audit chain."""

from __future__ import annotations

import uuid

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from helplinekit.db.models.base import Base
from helplinekit.db.types import encrypted, short_text, timestamp, uuid_pk


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
