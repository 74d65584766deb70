"""The audit log's storage: appends under a lock on the head row, so seqs have no gaps.

With an audit key every entry is linked with HMAC-SHA256 under it; the head row records
where the keyed chain starts, so writers know how to link the next entry. A log that had
entries before the key existed is keyed only by :meth:`AuditRepository.start_keying` (run by
``helplinekit keys add-audit-key``), never implicitly by the next write: otherwise someone who
rewrote the keyed tail as plain hashes and cleared ``keyed_from`` would have the helpline
itself vouch for the rewrite with a fresh marker.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.exc import StatementError

from helplinekit.contracts.keys import KeyUnavailable
from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.db.repos.base import Repository
from helplinekit.security.audit import (
    AUDIT_KEYED,
    AuditEntry,
    AuditKeySource,
    chain_hash,
    chain_mac,
    check_details,
    unreadable_entry,
)

#: What reading a row whose columns were altered to values of the wrong type can raise.
_UNREADABLE_ERRORS = (ValueError, TypeError, StatementError)


class AuditRepository(Repository):
    def __init__(self, *parts: Any, audit_key: AuditKeySource | None = None) -> None:
        super().__init__(*parts)
        self.audit_key = audit_key or AuditKeySource()

    def _lock_head(self) -> AuditHeadRow:
        # The head row is the lock: PostgreSQL's FOR UPDATE and SQLite's BEGIN IMMEDIATE
        # both make concurrent writers take turns, so seq + 1 is never taken twice.
        # populate_existing: if this session already read the head (e.g. through head()),
        # the locked read must still replace the cached values with the committed ones.
        return self.session.scalars(
            select(AuditHeadRow)
            .where(AuditHeadRow.id == 1)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()

    def _key_for(self, head: AuditHeadRow) -> bytes | None:
        """The key the next entry is linked with (None: a plain hash)."""
        key = self.audit_key.get()
        if head.keyed_from is not None:
            # Keyed while this process ran without a key: look for it again.
            key = key or self.audit_key.refresh()
            if key is None:
                raise KeyUnavailable(
                    f"The audit log is keyed from entry {head.keyed_from}, but this helpline's "
                    "key provider has no audit key, so nothing more can be written to it. "
                    "Restore the key file that holds the audit key (or set "
                    "HELPLINEKIT_AUDIT_KEY), then start again."
                )
            return key
        if key is not None and head.seq == 0:
            head.keyed_from = 1  # a new log: keyed from its first entry
            return key
        # Not keyed yet although there may be a key (an interrupted upgrade): stay hashed
        # until start_keying() runs; the verifier reports such a log as not keyed.
        return None

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
        head = self._lock_head()
        if at.tzinfo is None:
            raise ValueError("Audit timestamps must be timezone-aware.")
        return self._write(
            head,
            self._key_for(head),
            at=at,
            actor_kind=actor_kind,
            actor_id=actor_id,
            os_user=os_user,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            details=details,
        )

    def start_keying(self, *, at: datetime, os_user: str | None) -> AuditEntry | None:
        """Key the log from now on: append the ``audit.keyed`` marker, the first keyed entry.

        Its MAC covers the hash of the entry before it, so it also vouches for every
        hash-chained entry written before the key existed, and it can only be written by
        whoever holds the key: nobody without it can move where keying starts.

        :returns: the marker, or None if the log is already keyed (nothing is written).
        :raises KeyUnavailable: the key provider has no audit key.
        """
        key = self.audit_key.refresh()
        if key is None:
            raise KeyUnavailable(
                "The key provider has no audit key, so the audit log cannot be keyed. Add one "
                "with 'helplinekit keys add-audit-key'."
            )
        head = self._lock_head()
        if head.keyed_from is not None:
            return None
        head.keyed_from = head.seq + 1
        return self._write(
            head,
            key,
            at=at,
            actor_kind="system",
            actor_id=None,
            os_user=os_user,
            action=AUDIT_KEYED,
            object_kind="audit",
            object_id=None,
            details={"hash_chained": head.seq},
        )

    def keyed_from(self) -> int | None:
        """Where the head row says the keyed chain starts (writers' bookkeeping, untrusted)."""
        return self.session.scalars(
            select(AuditHeadRow.keyed_from)
            .where(AuditHeadRow.id == 1)
            .execution_options(populate_existing=True)
        ).one()

    def _write(
        self,
        head: AuditHeadRow,
        key: bytes | None,
        *,
        at: datetime,
        actor_kind: str,
        actor_id: uuid.UUID | None,
        os_user: str | None,
        action: str,
        object_kind: str | None,
        object_id: str | None,
        details: Mapping[str, Any] | None,
    ) -> AuditEntry:
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
        digest = chain_hash(head.hash, entry) if key is None else chain_mac(key, head.hash, entry)
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

    def entry(self, seq: int) -> AuditEntry | None:
        """The stored entry ``seq`` as the database holds it now (None if there is none)."""
        table = AuditRow.__table__
        try:
            row = self.session.execute(select(table).where(table.c.seq == seq)).first()
        except _UNREADABLE_ERRORS:
            return unreadable_entry(seq)
        return None if row is None else _entry(row)

    def recent_objects(self, action: str, since: datetime) -> list[tuple[str | None, datetime]]:
        """(object id, when) of the entries of ``action`` since ``since``, newest first."""
        rows = self.session.execute(
            select(AuditRow.object_id, AuditRow.at)
            .where(AuditRow.action == action, AuditRow.at >= since)
            .order_by(AuditRow.at.desc())
        ).all()
        return [(object_id, at) for object_id, at in rows]

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
