"""A web-form survivor's access to their case: a case code's HMAC and a passphrase hash."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen
from sqlalchemy import select

from helplinekit.db.models import CaseAccessRow
from helplinekit.db.repos.base import Repository

__all__ = ["StoredAccess", "SurvivorAccessRepository"]


@frozen
class StoredAccess:
    """The access stored under one case code's HMAC.

    Attributes:
        case_id: the case the code opens.
        passphrase_hash: the Argon2id hash of the survivor's passphrase.
    """

    case_id: uuid.UUID
    passphrase_hash: str


class SurvivorAccessRepository(Repository):
    def grant(
        self, case_id: uuid.UUID, *, code_hash: str, passphrase_hash: str, now: datetime
    ) -> None:
        """Store the access in this transaction (a code hash taken already fails the flush)."""
        self.session.add(
            CaseAccessRow(
                id=uuid.uuid4(),
                case_id=case_id,
                code_hash=code_hash,
                passphrase_hash=passphrase_hash,
                created_at=now,
            )
        )

    def find(self, code_hash: str) -> StoredAccess | None:
        row = self.session.scalars(
            select(CaseAccessRow).where(CaseAccessRow.code_hash == code_hash)
        ).first()
        return None if row is None else StoredAccess(row.case_id, row.passphrase_hash)

    def case_id(self, code_hash: str) -> uuid.UUID | None:
        """The case a code opens, without reading its passphrase hash."""
        return self.session.scalars(
            select(CaseAccessRow.case_id).where(CaseAccessRow.code_hash == code_hash)
        ).first()
