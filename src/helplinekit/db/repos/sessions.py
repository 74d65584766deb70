"""Staff console sessions: stored by the SHA-256 of their token, shared by every process."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen
from sqlalchemy import delete, select, update

from helplinekit.db.models import StaffRow, StaffSessionRow
from helplinekit.db.repos.base import Repository

__all__ = ["StaffSessionRepository", "StoredSession"]


@frozen
class StoredSession:
    """A stored session as the database holds it.

    Attributes:
        staff_id: whose session it is.
        stage: "active", or "enrolling" while a first sign-in sets up its authenticator.
        created_at: when it was started (for the lifetime limit).
        last_seen_at: the last request (for the idle limit).
        ui_language: the console language the staff member chose, or None.
    """

    staff_id: uuid.UUID
    stage: str
    created_at: datetime
    last_seen_at: datetime
    ui_language: str | None


class StaffSessionRepository(Repository):
    def start(self, token_hash: str, staff_id: uuid.UUID, stage: str, now: datetime) -> None:
        self.session.add(
            StaffSessionRow(
                token_hash=token_hash,
                staff_id=staff_id,
                stage=stage,
                created_at=now,
                last_seen_at=now,
            )
        )

    def find(self, token_hash: str) -> StoredSession | None:
        found = self.session.execute(
            select(StaffSessionRow, StaffRow.ui_language)
            .join(StaffRow, StaffRow.id == StaffSessionRow.staff_id)
            .where(StaffSessionRow.token_hash == token_hash)
        ).first()
        if found is None:
            return None
        row, ui_language = found
        return StoredSession(row.staff_id, row.stage, row.created_at, row.last_seen_at, ui_language)

    def touch(self, token_hash: str, now: datetime) -> None:
        """Record a request now (the idle limit counts from here)."""
        self.session.execute(
            update(StaffSessionRow)
            .where(StaffSessionRow.token_hash == token_hash)
            .values(last_seen_at=now)
        )

    def end(self, token_hash: str) -> None:
        self.session.execute(
            delete(StaffSessionRow).where(StaffSessionRow.token_hash == token_hash)
        )
