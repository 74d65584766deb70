"""Callers: encrypted identity, found again only through a blind index."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select

from helplinekit.db.models import CallerIndexRow, CallerRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain import (
    URN,
    AgeBand,
    Caller,
    Consent,
    Gender,
    SafeContactMethod,
    parse_urn,
)

OWNER = "caller"
TABLE = "callers"


class CallerRepository(Repository):
    def _seal(self, caller_id: uuid.UUID, column: str, value: object) -> bytes:
        return self.keys.seal(OWNER, caller_id, TABLE, column, caller_id, value)

    def _open(self, row: CallerRow, column: str) -> Any:
        blob = getattr(row, column)
        return None if blob is None else self.keys.open(OWNER, row.id, TABLE, column, row.id, blob)

    def add(self, caller: Caller) -> None:
        """Store a new caller under a fresh data key, with blind indexes of its contact points."""
        self.keys.create(OWNER, caller.id)
        row = CallerRow(id=caller.id, created_at=caller.created_at)
        self._fill(row, caller)
        self.session.add(row)
        # Flushed before its index rows: without ORM relationships the flush order of parent
        # and child rows is not guaranteed, and the foreign key must hold.
        self.session.flush()
        # A new caller has no index rows to replace: skip _reindex's DELETE (one statement
        # less on every first contact).
        self._add_index(caller)

    def update(self, caller: Caller) -> None:
        row = self.session.get(CallerRow, caller.id)
        if row is None:
            raise LookupError(f"Caller {caller.id} does not exist.")
        self._fill(row, caller)
        self._reindex(caller)

    def _fill(self, row: CallerRow, caller: Caller) -> None:
        row.contact_points = self._seal(
            caller.id, "contact_points", [str(u) for u in caller.contact_points]
        )
        row.display_name = (
            None
            if caller.display_name is None
            else self._seal(caller.id, "display_name", caller.display_name)
        )
        row.safe_contact_methods = self._seal(
            caller.id,
            "safe_contact_methods",
            [
                {
                    "urn": str(m.urn),
                    "note": m.note,
                    "leave_message": m.safe_to_leave_message,
                    "case": str(m.case_id) if m.case_id else None,
                    "confirmed": m.confirmed,
                }
                for m in caller.safe_contact_methods
            ],
        )
        consent = caller.consent
        row.consent_note = (
            self._seal(caller.id, "consent_note", consent.note) if consent.note else None
        )
        row.consent_services = consent.services
        row.consent_referral = consent.referral
        row.consent_statistics = consent.anonymised_statistics
        row.consent_recorded_at = consent.recorded_at
        row.consent_recorded_by = consent.recorded_by
        # Statistics fields are plaintext for reports, and exist only with consent.
        row.gender = caller.gender
        row.age_band = caller.age_band
        row.region = caller.region

    def _reindex(self, caller: Caller) -> None:
        self.session.execute(delete(CallerIndexRow).where(CallerIndexRow.caller_id == caller.id))
        self._add_index(caller)

    def _add_index(self, caller: Caller) -> None:
        for urn in caller.contact_points:
            self.session.add(
                CallerIndexRow(
                    id=uuid.uuid4(),
                    caller_id=caller.id,
                    index_version=self.index.version,
                    value=self.index.of_urn(urn),
                )
            )
        self.session.flush()

    def get(self, caller_id: uuid.UUID) -> Caller:
        row = self.session.get(CallerRow, caller_id)
        if row is None:
            raise LookupError(f"Caller {caller_id} does not exist.")
        return self._to_domain(row)

    def any_index_entry(self) -> tuple[uuid.UUID, str] | None:
        """One blind-index entry as (caller id, value), to check the index key at start-up."""
        row = self.session.scalars(select(CallerIndexRow).limit(1)).first()
        return None if row is None else (row.caller_id, row.value)

    def find_all_by_urn(self, urn: URN) -> list[Caller]:
        """Every caller with this contact point (the same number may belong to several
        callers: staff who could not see the first one open a new one)."""
        candidates = self.session.scalars(
            select(CallerRow)
            .join(CallerIndexRow, CallerIndexRow.caller_id == CallerRow.id)
            .where(
                CallerIndexRow.index_version == self.index.version,
                CallerIndexRow.value == self.index.of_urn(urn),
            )
            .order_by(CallerRow.created_at)
        ).all()
        return [
            self._to_domain(row)
            for row in dict.fromkeys(candidates)
            if str(urn) in (self._open(row, "contact_points") or [])
        ]

    def find_by_urn(self, urn: URN) -> Caller | None:
        """The caller with this contact point, or None.

        The blind index is truncated, so several callers can share a value: each candidate
        is decrypted and compared. No plaintext identifier is ever queried.
        """
        candidates = self.session.scalars(
            select(CallerRow)
            .join(CallerIndexRow, CallerIndexRow.caller_id == CallerRow.id)
            .where(
                CallerIndexRow.index_version == self.index.version,
                CallerIndexRow.value == self.index.of_urn(urn),
            )
        ).all()
        for row in candidates:
            points = self._open(row, "contact_points")
            if str(urn) in (points or []):
                return self._to_domain(row)
        return None

    def _to_domain(self, row: CallerRow) -> Caller:
        points = [parse_urn(text) for text in self._open(row, "contact_points") or []]
        safe = [
            SafeContactMethod(
                urn=parse_urn(item["urn"]),
                note=item["note"],
                safe_to_leave_message=item["leave_message"],
                case_id=uuid.UUID(item["case"]) if item.get("case") else None,
                confirmed=item.get("confirmed", True),
            )
            for item in self._open(row, "safe_contact_methods") or []
        ]
        note = self._open(row, "consent_note") or ""
        return Caller(
            id=row.id,
            contact_points=points,
            display_name=self._open(row, "display_name"),
            gender=Gender(row.gender) if row.gender else None,
            age_band=AgeBand(row.age_band) if row.age_band else None,
            region=row.region,
            safe_contact_methods=safe,
            consent=Consent(
                services=row.consent_services,
                referral=row.consent_referral,
                anonymised_statistics=row.consent_statistics,
                recorded_at=row.consent_recorded_at,
                recorded_by=row.consent_recorded_by,
                note=note,
            ),
            created_at=row.created_at,
        )
