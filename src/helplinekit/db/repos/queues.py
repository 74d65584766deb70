"""The job queue and the outbox: claims that are safe with many workers.

On PostgreSQL a claim is ``SELECT … FOR UPDATE SKIP LOCKED`` followed by marking the rows
as claimed, in one short transaction; on SQLite the write transaction's ``BEGIN IMMEDIATE``
serialises claimers. A claim is a lease: if a worker dies holding it, the row becomes
claimable again once the lease has run out, so nothing is stuck forever.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from attrs import frozen
from sqlalchemy import and_, func, or_, select, update

from helplinekit.db.models import JobRow, OutboxRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain.states import JobState, OutboxState

#: How long a claim holds before another worker may take the row over.
LEASE = timedelta(minutes=10)
#: Attempts before a job or a message is given up and left for a person.
MAX_ATTEMPTS = 5


def backoff(attempts: int) -> timedelta:
    """Wait before retry ``attempts``: 30 s, 2 min, 8 min, 32 min…"""
    return timedelta(seconds=30 * 4 ** max(attempts - 1, 0))


@frozen
class ClaimedJob:
    id: uuid.UUID
    kind: str
    case_id: uuid.UUID | None
    message_id: uuid.UUID | None
    attempts: int


@frozen
class ClaimedReply:
    id: uuid.UUID
    case_id: uuid.UUID
    contact_id: uuid.UUID
    message_id: uuid.UUID
    channel: str
    attempts: int


@frozen
class SentReply:
    """A reply the provider has accepted: what a delivery report about it needs."""

    id: uuid.UUID
    message_id: uuid.UUID
    contact_id: uuid.UUID


def _states(table: type[JobRow] | type[OutboxRow]) -> type[JobState] | type[OutboxState]:
    return JobState if table is JobRow else OutboxState


def _claimable(table: type[JobRow] | type[OutboxRow], due_column: Any, now: datetime) -> Any:
    states = _states(table)
    return or_(
        and_(table.state == states.PENDING, due_column <= now),
        and_(table.state == states.RUNNING, table.claimed_at < now - LEASE),
    )


def _lease(
    repository: Repository,
    table: type[JobRow] | type[OutboxRow],
    due_column: Any,
    worker: str,
    now: datetime,
    limit: int,
) -> list[Any]:
    """Claim up to ``limit`` ready rows for ``worker``: the one place leases are taken."""
    rows: Sequence[Any] = repository.session.scalars(
        select(table)
        .where(_claimable(table, due_column, now))
        .order_by(due_column, table.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.state = _states(table).RUNNING
        row.claimed_by = worker
        row.claimed_at = now
        row.attempts += 1
    repository.session.flush()
    return list(rows)


class JobRepository(Repository):
    def enqueue(
        self,
        kind: str,
        now: datetime,
        *,
        case_id: uuid.UUID | None = None,
        message_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        job_id = uuid.uuid4()
        self.session.add(
            JobRow(
                id=job_id,
                kind=kind,
                case_id=case_id,
                message_id=message_id,
                state=JobState.PENDING,
                attempts=0,
                run_after=now,
                created_at=now,
            )
        )
        return job_id

    def claim(self, worker: str, now: datetime, limit: int = 10) -> list[ClaimedJob]:
        rows = _lease(self, JobRow, JobRow.run_after, worker, now, limit)
        return [ClaimedJob(r.id, r.kind, r.case_id, r.message_id, r.attempts) for r in rows]

    def finish(self, job_id: uuid.UUID) -> None:
        self.session.execute(update(JobRow).where(JobRow.id == job_id).values(state=JobState.DONE))

    def retry_or_fail(self, job_id: uuid.UUID, attempts: int, error: str, now: datetime) -> bool:
        """Schedule another attempt, or give up after MAX_ATTEMPTS; True when given up."""
        given_up = attempts >= MAX_ATTEMPTS
        self.session.execute(
            update(JobRow)
            .where(JobRow.id == job_id)
            .values(
                state=JobState.FAILED if given_up else JobState.PENDING,
                run_after=now + backoff(attempts),
                last_error=error[:200],
                claimed_by=None,
            )
        )
        return given_up

    def pending_count(self) -> int:
        waiting = [JobState.PENDING, JobState.RUNNING]
        return int(
            self.session.scalar(select(func.count(JobRow.id)).where(JobRow.state.in_(waiting))) or 0
        )


class OutboxRepository(Repository):
    def enqueue(
        self,
        *,
        reply_id: uuid.UUID,
        case_id: uuid.UUID,
        contact_id: uuid.UUID,
        message_id: uuid.UUID,
        channel: str,
        body: str,
        now: datetime,
    ) -> None:
        self.session.add(
            OutboxRow(
                id=reply_id,
                case_id=case_id,
                contact_id=contact_id,
                message_id=message_id,
                channel=channel,
                body=self.keys.seal("case", case_id, "outbox", "body", reply_id, body),
                state=OutboxState.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        self.session.flush()

    def claim(self, worker: str, now: datetime, limit: int = 10) -> list[ClaimedReply]:
        rows = _lease(self, OutboxRow, OutboxRow.next_attempt_at, worker, now, limit)
        return [
            ClaimedReply(r.id, r.case_id, r.contact_id, r.message_id, r.channel, r.attempts)
            for r in rows
        ]

    def body(self, reply_id: uuid.UUID) -> str:
        row = self.session.get(OutboxRow, reply_id)
        if row is None:
            raise LookupError(f"Outbox entry {reply_id} does not exist.")
        body: str = self.keys.open("case", row.case_id, "outbox", "body", row.id, row.body)
        return body

    def state(self, reply_id: uuid.UUID) -> OutboxState | None:
        found = self.session.scalar(select(OutboxRow.state).where(OutboxRow.id == reply_id))
        return None if found is None else OutboxState(found)

    def sent_as(self, channel: str, provider_hash: str) -> SentReply | None:
        """The reply the provider knows by this message id (its hash), or None."""
        row = self.session.scalars(
            select(OutboxRow).where(
                OutboxRow.channel == channel, OutboxRow.provider_message_hash == provider_hash
            )
        ).first()
        return None if row is None else SentReply(row.id, row.message_id, row.contact_id)

    def mark_sent(self, reply_id: uuid.UUID, provider_hash: str | None, now: datetime) -> None:
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == reply_id)
            .values(
                state=OutboxState.SENT,
                sent_at=now,
                provider_message_hash=provider_hash,
                claimed_by=None,
            )
        )

    def hold(self, reply_id: uuid.UUID, reason: str) -> None:
        """Stop trying: the contact point is not safe, or the recipient opted out."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == reply_id)
            .values(state=OutboxState.HELD, last_error=reason[:200], claimed_by=None)
        )

    def retry_or_fail(
        self, reply_id: uuid.UUID, attempts: int, error: str, now: datetime, *, retryable: bool
    ) -> bool:
        given_up = not retryable or attempts >= MAX_ATTEMPTS
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == reply_id)
            .values(
                state=OutboxState.FAILED if given_up else OutboxState.PENDING,
                next_attempt_at=now + backoff(attempts),
                last_error=error[:200],
                claimed_by=None,
            )
        )
        return given_up
