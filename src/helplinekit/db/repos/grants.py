"""Break-the-glass grants: emergency access to one case, its reason sealed under the case key."""

from __future__ import annotations

import uuid
from datetime import datetime

import attrs
from attrs import frozen
from sqlalchemy import select

from helplinekit.db.models import BreakGlassRow, CaseRow
from helplinekit.db.repos.base import Repository

__all__ = ["Grant", "GrantRecord", "GrantRepository"]

OWNER = "case"
TABLE = "break_glass"


@frozen
class Grant:
    """A break-the-glass grant as a supervisor reviews it.

    Attributes:
        id: the grant.
        case_reference: the case opened.
        staff_id: who opened it.
        reason: why (decrypted for the reviewing supervisor only).
        created_at / expires_at: when it started and ends.
        reviewed: whether a supervisor has reviewed it.
    """

    id: uuid.UUID
    case_reference: str
    staff_id: uuid.UUID
    reason: str = attrs.field(repr=False)
    created_at: object = None
    expires_at: object = None
    reviewed: bool = False


@frozen
class GrantRecord:
    """A grant without its reason: what reviewing it needs to check.

    Attributes:
        id: the grant.
        case_id: the case opened.
        staff_id: who opened it.
        reviewed: whether a supervisor has reviewed it.
    """

    id: uuid.UUID
    case_id: uuid.UUID
    staff_id: uuid.UUID
    reviewed: bool


class GrantRepository(Repository):
    def active_case_ids(self, staff_id: uuid.UUID, now: datetime) -> frozenset[uuid.UUID]:
        """The cases ``staff_id`` holds a grant on that has not run out."""
        return frozenset(
            self.session.scalars(
                select(BreakGlassRow.case_id).where(
                    BreakGlassRow.staff_id == staff_id, BreakGlassRow.expires_at > now
                )
            ).all()
        )

    def add(
        self,
        case_id: uuid.UUID,
        staff_id: uuid.UUID,
        reason: str,
        *,
        now: datetime,
        expires_at: datetime,
    ) -> uuid.UUID:
        grant_id = uuid.uuid4()
        self.session.add(
            BreakGlassRow(
                id=grant_id,
                case_id=case_id,
                staff_id=staff_id,
                reason=self.keys.seal(OWNER, case_id, TABLE, "reason", grant_id, reason),
                created_at=now,
                expires_at=expires_at,
            )
        )
        return grant_id

    def for_review(self, *, unreviewed_only: bool) -> list[Grant]:
        """Grants newest first, their reasons decrypted (only supervisors call this)."""
        statement = (
            select(BreakGlassRow, CaseRow.reference)
            .join(CaseRow, CaseRow.id == BreakGlassRow.case_id)
            .order_by(BreakGlassRow.created_at.desc())
        )
        if unreviewed_only:
            statement = statement.where(BreakGlassRow.reviewed_at.is_(None))
        return [
            Grant(
                row.id,
                reference,
                row.staff_id,
                self.keys.open(OWNER, row.case_id, TABLE, "reason", row.id, row.reason),
                row.created_at,
                row.expires_at,
                row.reviewed_at is not None,
            )
            for row, reference in self.session.execute(statement).all()
        ]

    def find(self, grant_id: uuid.UUID) -> GrantRecord | None:
        row = self.session.get(BreakGlassRow, grant_id)
        if row is None:
            return None
        return GrantRecord(row.id, row.case_id, row.staff_id, row.reviewed_at is not None)

    def mark_reviewed(self, grant_id: uuid.UUID, reviewer: uuid.UUID, at: datetime) -> None:
        row = self.session.get(BreakGlassRow, grant_id)
        if row is None:
            raise LookupError(f"Break-the-glass grant {grant_id} does not exist.")
        row.reviewed_by, row.reviewed_at = reviewer, at
