"""The audit log's storage: appends under a lock on the head row, so seqs have no gaps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.exc import StatementError

from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.db.repos.base import Repository
from helplinekit.security.audit import AuditEntry, chain_hash, check_details, unreadable_entry

#: What reading a row whose columns were altered to values of the wrong type can raise.
_UNREADABLE_ERRORS = (ValueError, TypeError, StatementError)


class AuditRepository(Repository):
    def append(
        self,
        *,
        at: datetime,
        actor_kind: str,
        actor_id: uuid.UUID | None,
        os_user: str | None,
        action: str,
        object_kind: str | None = None,
        object_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one entry in the current transaction (it commits with the operation)."""
        # The head row is the lock: PostgreSQL's FOR UPDATE and SQLite's BEGIN IMMEDIATE
        # both make concurrent writers take turns, so seq + 1 is never taken twice.
        # populate_existing: if this session already read the head (e.g. through head()),
        # the locked read must still replace the cached values with the committed ones.
        head = self.session.scalars(
            select(AuditHeadRow)
            .where(AuditHeadRow.id == 1)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if at.tzinfo is None:
            raise ValueError("Audit timestamps must be timezone-aware.")
        entry = AuditEntry(
            seq=head.seq + 1,
            at=at.astimezone(UTC),
            actor_kind=actor_kind,
            actor_id=actor_id,
            os_user=os_user,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            details=check_details(details or {}),
            prev_hash=head.hash,
        )
        digest = chain_hash(head.hash, entry)
        self.session.add(
            AuditRow(
                seq=entry.seq,
                at=entry.at,
                actor_kind=entry.actor_kind,
                actor_id=entry.actor_id,
                os_user=entry.os_user,
                action=entry.action,
                object_kind=entry.object_kind,
                object_id=entry.object_id,
                details=dict(entry.details),
                prev_hash=entry.prev_hash,
                hash=digest,
            )
        )
        head.seq, head.hash = entry.seq, digest
        self.session.flush()
        return AuditEntry(**{**_fields(entry), "hash": digest})

    def head(self) -> tuple[int, str]:
        row = self.session.scalars(
            select(AuditHeadRow)
            .where(AuditHeadRow.id == 1)
            .execution_options(populate_existing=True)
        ).one()
        return row.seq, row.hash

    def entries(self, batch: int = 1000) -> Iterator[AuditEntry]:
        """Every entry in seq order, read in batches.

        Rows are read with Core statements (never from the session's identity map), so what
        is verified is what the database holds now. A row whose columns cannot be read at
        all (text written into a date column behind the application's back) is yielded as
        :func:`unreadable_entry`, which fails verification at that seq instead of crashing.
        """
        table = AuditRow.__table__
        last = 0
        while True:
            query = select(table).where(table.c.seq > last).order_by(table.c.seq).limit(batch)
            try:
                rows: list[Row[Any]] = list(self.session.execute(query))
            except _UNREADABLE_ERRORS:
                # Read this batch row by row to find the unreadable ones.
                seqs = self.session.scalars(
                    select(table.c.seq).where(table.c.seq > last).order_by(table.c.seq).limit(batch)
                ).all()
                for seq in seqs:
                    try:
                        row = self.session.execute(select(table).where(table.c.seq == seq)).one()
                    except _UNREADABLE_ERRORS:
                        yield unreadable_entry(seq)
                    else:
                        yield _entry(row)
                last = seqs[-1]
                continue
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last = rows[-1].seq


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor_kind=row.actor_kind,
        actor_id=row.actor_id,
        os_user=row.os_user,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        details=row.details,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _fields(entry: AuditEntry) -> dict[str, Any]:
    import attrs

    return attrs.asdict(entry, recurse=False)
