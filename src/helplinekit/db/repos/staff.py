"""Staff records (roles, specialisms, languages, capacity)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from helplinekit.db.models import StaffRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain import Role, Specialism, Specialist


class StaffRepository(Repository):
    def save(self, specialist: Specialist) -> None:
        row = self.session.get(StaffRow, specialist.id)
        if row is None:
            row = StaffRow(id=specialist.id, created_at=datetime.now(UTC))
            self.session.add(row)
        row.email = specialist.email.lower()
        row.display_name = specialist.display_name
        row.roles = sorted(specialist.roles)
        row.specialisms = sorted(specialist.specialisms)
        row.languages = list(specialist.languages)
        row.capacity = specialist.capacity
        row.active = specialist.active
        self.session.flush()

    def get(self, staff_id: uuid.UUID) -> Specialist:
        row = self.session.get(StaffRow, staff_id)
        if row is None:
            raise LookupError(f"Staff member {staff_id} does not exist.")
        return _to_domain(row)

    def by_email(self, email: str) -> Specialist | None:
        row = self.session.scalars(
            select(StaffRow).where(StaffRow.email == email.strip().lower())
        ).first()
        return None if row is None else _to_domain(row)

    def active(self) -> list[Specialist]:
        rows = self.session.scalars(
            select(StaffRow).where(StaffRow.active.is_(True)).order_by(StaffRow.created_at)
        ).all()
        return [_to_domain(row) for row in rows]

    def all(self) -> list[Specialist]:
        return [
            _to_domain(row)
            for row in self.session.scalars(select(StaffRow).order_by(StaffRow.email))
        ]


def _to_domain(row: StaffRow) -> Specialist:
    return Specialist(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles),
        specialisms=frozenset(Specialism(s) for s in row.specialisms),
        languages=tuple(row.languages),
        capacity=row.capacity,
        active=row.active,
    )
