"""What crypto-shredding does to the rows: the deletes, the tombstone, the caller's traces.

The rules (legal hold, what an erasure request covers) are the erasure service's; this
repository only finds the cases concerned and removes what they leave behind.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen
from sqlalchemy import delete, select, update

from helplinekit.db.models import (
    BreakGlassRow,
    CallerIndexRow,
    CallerRow,
    CaseAccessRow,
    CaseRow,
    ContactRow,
    JobRow,
    MessageRow,
    NoteRow,
    OutboxRow,
    ReferralRow,
    TaskRow,
)
from helplinekit.db.repos.base import Repository
from helplinekit.domain import CaseStatus

__all__ = ["ErasableCase", "ErasureRepository"]

#: Every row that belongs to a case and goes with it (contacts are deleted after them).
#: CaseAccessRow: the survivor's case code and passphrase hash ("check my case").
_CASE_TABLES = (
    OutboxRow,
    MessageRow,
    NoteRow,
    TaskRow,
    ReferralRow,
    BreakGlassRow,
    JobRow,
    CaseAccessRow,
)


@frozen
class ErasableCase:
    """What deciding on an erasure needs to know about a case (nothing is decrypted).

    Attributes:
        id: the case.
        reference: its staff reference.
        caller_id: the survivor it belongs to.
        status: its status (``erased`` for a tombstone).
        legal_hold: whether it is on legal hold.
    """

    id: uuid.UUID
    reference: str
    caller_id: uuid.UUID
    status: CaseStatus
    legal_hold: bool


def _erasable(row: CaseRow) -> ErasableCase:
    return ErasableCase(
        row.id, row.reference, row.caller_id, CaseStatus(row.status), row.legal_hold
    )


class ErasureRepository(Repository):
    def case(self, case_id: uuid.UUID) -> ErasableCase | None:
        row = self.session.get(CaseRow, case_id)
        return None if row is None else _erasable(row)

    def case_id(self, reference: str) -> uuid.UUID | None:
        return self.session.scalar(select(CaseRow.id).where(CaseRow.reference == reference))

    def cases_of_caller(self, caller_id: uuid.UUID) -> list[ErasableCase]:
        """The caller's cases, oldest first."""
        rows = self.session.scalars(
            select(CaseRow).where(CaseRow.caller_id == caller_id).order_by(CaseRow.opened_at)
        ).all()
        return [_erasable(row) for row in rows]

    def caller_has_cases_left(self, caller_id: uuid.UUID) -> bool:
        """Whether any of the caller's cases is not erased yet."""
        found = self.session.scalar(
            select(CaseRow.id).where(
                CaseRow.caller_id == caller_id, CaseRow.status != CaseStatus.ERASED
            )
        )
        return found is not None

    def closed_before(self, cutoff: datetime) -> list[ErasableCase]:
        """Closed cases closed at or before ``cutoff``, the longest closed first (retention)."""
        rows = self.session.scalars(
            select(CaseRow)
            .where(CaseRow.status == CaseStatus.CLOSED, CaseRow.closed_at <= cutoff)
            .order_by(CaseRow.closed_at)
        ).all()
        return [_erasable(row) for row in rows]

    def shred_case(self, case_id: uuid.UUID, now: datetime) -> None:
        """Delete what belongs to the case, destroy its key, and leave a tombstone row."""
        for table in _CASE_TABLES:
            self.session.execute(delete(table).where(table.case_id == case_id))
        self.session.execute(delete(ContactRow).where(ContactRow.case_id == case_id))
        self.keys.destroy(case_id)
        row = self.session.get(CaseRow, case_id)
        if row is None:
            raise LookupError(f"Case {case_id} does not exist.")
        row.status = CaseStatus.ERASED
        row.attributes = b""
        row.closed_at = row.closed_at or now
        row.updated_at = now

    def shred_caller(self, caller_id: uuid.UUID) -> None:
        """Destroy the caller's key, blind-index rows and contacts; clear their statistics."""
        self.session.execute(delete(CallerIndexRow).where(CallerIndexRow.caller_id == caller_id))
        self.session.execute(delete(ContactRow).where(ContactRow.caller_id == caller_id))
        self.keys.destroy(caller_id)
        self.session.execute(
            update(CallerRow)
            .where(CallerRow.id == caller_id)
            .values(
                contact_points=b"",
                display_name=None,
                safe_contact_methods=b"",
                consent_note=None,
                gender=None,
                age_band=None,
                region=None,
            )
        )
