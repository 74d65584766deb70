"""The audit log's storage: appends under a lock on the head row, so seqs have no gaps."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.db.repos.base import Repository
from helplinekit.security.audit import AuditEntry, chain_hash, check_details


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
        head = self.session.scalars(
            select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
        ).one()
        entry = AuditEntry(
            seq=head.seq + 1,
            at=at,
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
        row = self.session.scalars(select(AuditHeadRow).where(AuditHeadRow.id == 1)).one()
        return row.seq, row.hash

    def entries(self, batch: int = 1000) -> Iterator[AuditEntry]:
        """Every entry in seq order, read in batches."""
        last = 0
        while True:
            rows = self.session.scalars(
                select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield AuditEntry(
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
            last = rows[-1].seq


def _fields(entry: AuditEntry) -> dict[str, Any]:
    import attrs

    return attrs.asdict(entry, recurse=False)
