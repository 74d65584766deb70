"""Cases: plaintext work metadata, encrypted attributes, scope applied in SQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs
from sqlalchemy import ColumnElement, Select, false, func, or_, select, update

from helplinekit.db.models import AssignmentRow, CaseCounterRow, CaseRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain import (
    Assignment,
    AtRiskIdentity,
    Case,
    CaseAttributes,
    CaseStatus,
    Consent,
    Gender,
    PerpetratorRelation,
    RiskLevel,
    Specialism,
    format_case_reference,
)
from helplinekit.domain.filters import CaseFilters
from helplinekit.domain.victim import VictimAgeBand, VictimRelation
from helplinekit.security.policy import AssignmentMatch, Scope

# CaseFilters lives in the domain now (the faces build it); imported from here it still works.
__all__ = ["JOINABLE_STATUSES", "CaseFilters", "CaseRepository", "scope_condition"]

OWNER = "case"
TABLE = "cases"

#: Statuses in which a returning caller's message joins the case instead of opening a new one.
JOINABLE_STATUSES = frozenset(
    {
        CaseStatus.NEW,
        CaseStatus.TRIAGED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.WAITING_ON_CALLER,
        CaseStatus.REFERRED,
        CaseStatus.RESOLVED,
    }
)


def scope_condition(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition for a :class:`Scope` (an empty scope matches nothing)."""
    if scope.everything:
        return CaseRow.id.is_not(None)
    parts: list[ColumnElement[bool]] = []
    if scope.assigned_to is not None:
        for rule in sorted(scope.rules, key=repr):
            parts.append(
                CaseRow.id.in_(
                    select(AssignmentRow.case_id).where(
                        AssignmentRow.specialist_id == scope.assigned_to,
                        *_assignment_conditions(rule, scope.assigned_to),
                    )
                )
            )
    if scope.statuses:
        parts.append(CaseRow.status.in_(sorted(scope.statuses)))
    if scope.case_ids:
        parts.append(CaseRow.id.in_(sorted(scope.case_ids)))
    return or_(*parts) if parts else false()


def _assignment_conditions(rule: AssignmentMatch, staff_id: uuid.UUID) -> list[ColumnElement[bool]]:
    """SQL for one :class:`AssignmentMatch` (see ``AssignmentMatch.matches``)."""
    conditions: list[ColumnElement[bool]] = []
    if rule.specialisms is not None:
        named = sorted(s.value for s in rule.specialisms if s is not None)
        either = [AssignmentRow.specialism.in_(named)] if named else []
        if None in rule.specialisms:
            either.append(AssignmentRow.specialism.is_(None))
        conditions.append(or_(*either) if either else false())
    if rule.made_by_others:
        conditions.append(
            or_(AssignmentRow.assigned_by.is_(None), AssignmentRow.assigned_by != staff_id)
        )
    return conditions


class CaseRepository(Repository):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Cases handed out without their encrypted attributes in this unit of work.
        self._redacted: set[uuid.UUID] = set()

    def _seal_attributes(self, case_id: uuid.UUID, attributes: CaseAttributes) -> bytes:
        value = {
            "victim_is_minor": attributes.victim_is_minor,
            "ai_generated_content": attributes.ai_generated_content,
            "perpetrator_relation": attributes.perpetrator_relation,
            "platforms": list(attributes.platforms),
            "first_contact_channel": attributes.first_contact_channel,
            "at_risk_identities": sorted(attributes.at_risk_identities),
            "victim": attributes.victim,
            "victim_gender": attributes.victim_gender,
            "victim_age": attributes.victim_age,
            "victim_age_band": attributes.victim_age_band,
            "offender_gender": attributes.offender_gender,
            "incident_date": (
                attributes.incident_date.isoformat() if attributes.incident_date else None
            ),
        }
        return self.keys.seal(OWNER, case_id, TABLE, "attributes", case_id, value)

    def next_reference(self, prefix: str, year: int) -> str:
        """Allocate the next human reference for ``year``; safe under concurrent writers."""
        counter = self.session.execute(
            update(CaseCounterRow)
            .where(CaseCounterRow.year == year)
            .values(last_number=CaseCounterRow.last_number + 1)
            .returning(CaseCounterRow.last_number)
        ).scalar_one_or_none()
        if counter is None:
            # First case of the year. On PostgreSQL a concurrent first insert violates the
            # primary key here (IntegrityError) and intake runs its transaction again;
            # SQLite's BEGIN IMMEDIATE serialises.
            counter = 1
            self.session.add(CaseCounterRow(year=year, last_number=1))
            self.session.flush()
        return format_case_reference(year, counter, prefix)

    def add(self, case: Case) -> None:
        self.keys.create(OWNER, case.id)
        row = CaseRow(
            id=case.id,
            reference=case.reference,
            caller_id=case.caller_id,
            opened_at=case.opened_at,
        )
        self._fill(row, case)
        self.session.add(row)
        self.session.flush()
        # A new case has no stored assignments: skip the SELECT on every case opened.
        self._sync_assignments(case, stored=False)

    def save(self, case: Case) -> None:
        row = self.session.get(CaseRow, case.id)
        if row is None:
            raise LookupError(f"Case {case.reference} does not exist.")
        self._fill(row, case)
        self._sync_assignments(case)

    def _fill(self, row: CaseRow, case: Case) -> None:
        row.status = case.status
        row.categories = list(case.categories)
        if case.id in self._redacted and case.attributes == CaseAttributes():
            # Loaded without its attributes (for someone who may not read them): keep the
            # stored ones rather than overwrite them with the empty placeholder.
            pass
        else:
            row.attributes = self._seal_attributes(case.id, case.attributes)
        row.risk_level = case.risk_level
        row.queue_rank = queue_rank(case.risk_level, needs_human=case.needs_manual_triage)
        row.jurisdiction = case.jurisdiction
        row.language = case.language
        row.specialisms_needed = sorted(case.specialisms_needed)
        row.needs_manual_triage = case.needs_manual_triage
        row.legal_hold = case.legal_hold
        row.closed_at = case.closed_at
        row.consent_services = case.consent.services
        row.consent_referral = case.consent.referral
        row.consent_statistics = case.consent.anonymised_statistics
        row.consent_recorded_at = case.consent.recorded_at
        row.consent_recorded_by = case.consent.recorded_by
        row.updated_at = datetime.now(UTC)

    def _sync_assignments(self, case: Case, *, stored: bool = True) -> None:
        existing = (
            {
                (row.specialist_id, row.specialism): row
                for row in self.session.scalars(
                    select(AssignmentRow).where(AssignmentRow.case_id == case.id)
                )
            }
            if stored
            else {}
        )
        wanted = {
            (a.specialist_id, a.specialism.value if a.specialism else None): a
            for a in case.assignments
        }
        for key, row in existing.items():
            if key not in wanted:
                self.session.delete(row)
        for key, assignment in wanted.items():
            if key not in existing:
                self.session.add(
                    AssignmentRow(
                        id=uuid.uuid4(),
                        case_id=case.id,
                        specialist_id=assignment.specialist_id,
                        specialism=key[1],
                        assigned_at=assignment.assigned_at,
                        assigned_by=assignment.assigned_by,
                    )
                )
        self.session.flush()

    # -- reading -----------------------------------------------------------------------

    def get(
        self, case_id: uuid.UUID, *, for_update: bool = False, with_attributes: bool = True
    ) -> Case:
        statement = select(CaseRow).where(CaseRow.id == case_id)
        if for_update:
            statement = statement.with_for_update()
        row = self.session.scalars(statement).first()
        if row is None:
            raise LookupError(f"Case {case_id} does not exist.")
        return self._to_domain(row, with_attributes=with_attributes)

    def get_by_reference(self, reference: str, *, with_attributes: bool = True) -> Case | None:
        row = self.session.scalars(select(CaseRow).where(CaseRow.reference == reference)).first()
        return None if row is None else self._to_domain(row, with_attributes=with_attributes)

    def joinable_case_for(self, caller_id: uuid.UUID) -> Case | None:
        """A returning caller's most recent case that a new message should join."""
        row = self.session.scalars(
            select(CaseRow)
            .where(CaseRow.caller_id == caller_id, CaseRow.status.in_(sorted(JOINABLE_STATUSES)))
            .order_by(CaseRow.opened_at.desc())
            .limit(1)
        ).first()
        return None if row is None else self._to_domain(row)

    def _filtered(self, statement: Select[Any], scope: Scope, filters: CaseFilters) -> Select[Any]:
        statement = statement.where(scope_condition(scope))
        if filters.statuses:
            statement = statement.where(CaseRow.status.in_(sorted(filters.statuses)))
        if filters.risk_levels:
            statement = statement.where(CaseRow.risk_level.in_(sorted(filters.risk_levels)))
        if filters.language:
            statement = statement.where(CaseRow.language == filters.language)
        if filters.needs_manual_triage is not None:
            statement = statement.where(CaseRow.needs_manual_triage == filters.needs_manual_triage)
        if filters.specialism is not None:
            # JSON arrays differ between databases; the list is short, so match its text.
            statement = statement.where(
                func.cast(CaseRow.specialisms_needed, _text_type()).contains(
                    f'"{filters.specialism.value}"'
                )
            )
        if filters.assigned_to is not None:
            statement = statement.where(
                CaseRow.id.in_(
                    select(AssignmentRow.case_id).where(
                        AssignmentRow.specialist_id == filters.assigned_to
                    )
                )
            )
        return statement

    def list_page(
        self,
        scope: Scope,
        filters: CaseFilters | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        content_scope: Scope | None = None,
        with_attributes: bool = True,
    ) -> list[Case]:
        """Cases in scope, high risk first, then oldest first (a queue's order).

        Attributes are decrypted only for cases in ``content_scope`` (the cases whose content
        the actor may read), and not at all without ``with_attributes`` (a queue page that
        does not show them); the others come back with empty attributes.
        """
        statement = self._filtered(select(CaseRow), scope, filters or CaseFilters()).order_by(
            CaseRow.queue_rank, CaseRow.opened_at, CaseRow.reference
        )
        rows = self.session.scalars(statement.limit(limit).offset(offset)).all()
        assignments = self._assignments([row.id for row in rows])
        cases = []
        for row in rows:
            case = self._to_domain(row, with_attributes=False, assignments=assignments)
            if with_attributes and (
                content_scope is None
                or content_scope.contains(
                    case.status, case_id=case.id, assignments=case.assignments
                )
            ):
                case = attrs.evolve(case, attributes=self._attributes(row))
            cases.append(case)
        return cases

    def ids_for_caller(self, caller_id: uuid.UUID, scope: Scope) -> list[uuid.UUID]:
        """The caller's cases that are in ``scope``, oldest first (nothing is decrypted)."""
        return list(
            self.session.scalars(
                select(CaseRow.id)
                .where(CaseRow.caller_id == caller_id, scope_condition(scope))
                .order_by(CaseRow.opened_at, CaseRow.reference)
            )
        )

    def first_for_caller(self, caller_id: uuid.UUID) -> uuid.UUID | None:
        """The caller's first case (where safe contacts recorded before cases kept their
        own belong)."""
        return self.session.scalars(
            select(CaseRow.id)
            .where(CaseRow.caller_id == caller_id)
            .order_by(CaseRow.opened_at, CaseRow.reference)
            .limit(1)
        ).first()

    def count(self, scope: Scope, filters: CaseFilters | None = None) -> int:
        # count(*), not count(id): SQLite then counts off an index without reading rows.
        statement = self._filtered(
            select(func.count()).select_from(CaseRow), scope, filters or CaseFilters()
        )
        return int(self.session.execute(statement).scalar_one())

    def open_case_counts(self, specialist_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many open cases each specialist holds (for capacity-aware routing)."""
        ids = list(specialist_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(AssignmentRow.specialist_id, func.count(func.distinct(AssignmentRow.case_id)))
            .join(CaseRow, CaseRow.id == AssignmentRow.case_id)
            .where(
                AssignmentRow.specialist_id.in_(ids),
                CaseRow.status.not_in([CaseStatus.CLOSED, CaseStatus.ERASED, CaseStatus.RESOLVED]),
            )
            .group_by(AssignmentRow.specialist_id)
        ).all()
        counts = dict.fromkeys(ids, 0)
        counts.update({specialist_id: int(count) for specialist_id, count in rows})
        return counts

    def references_not_erased(self, case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
        """The staff reference of each of these cases that has not been erased."""
        rows = self.session.execute(
            select(CaseRow.id, CaseRow.reference).where(
                CaseRow.id.in_(list(case_ids)), CaseRow.status != CaseStatus.ERASED
            )
        ).all()
        return {case_id: reference for case_id, reference in rows}

    def ids(self) -> Sequence[uuid.UUID]:
        return self.session.scalars(select(CaseRow.id)).all()

    def _attributes(self, row: CaseRow) -> CaseAttributes:
        """Decrypt a case's attributes (a crypto-shredded tombstone has none left)."""
        self._redacted.discard(row.id)
        if row.status == CaseStatus.ERASED:
            return CaseAttributes()
        value = self.keys.open(OWNER, row.id, TABLE, "attributes", row.id, row.attributes)
        return CaseAttributes(
            victim_is_minor=value["victim_is_minor"],
            ai_generated_content=value["ai_generated_content"],
            perpetrator_relation=(
                PerpetratorRelation(value["perpetrator_relation"])
                if value["perpetrator_relation"]
                else None
            ),
            platforms=tuple(value["platforms"]),
            first_contact_channel=value["first_contact_channel"],
            at_risk_identities=frozenset(
                AtRiskIdentity(item) for item in value["at_risk_identities"]
            ),
            # Rows sealed before the victim facts existed have none of these keys.
            victim=_optional(VictimRelation, value.get("victim")),
            victim_gender=_optional(Gender, value.get("victim_gender")),
            victim_age=value.get("victim_age"),
            victim_age_band=_optional(VictimAgeBand, value.get("victim_age_band")),
            offender_gender=_optional(Gender, value.get("offender_gender")),
            incident_date=(
                date.fromisoformat(value["incident_date"]) if value.get("incident_date") else None
            ),
        )

    def _assignments(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Assignment]]:
        """The assignments of several cases in one query, each case's oldest first."""
        found: dict[uuid.UUID, list[Assignment]] = {case_id: [] for case_id in case_ids}
        if not case_ids:
            return found
        for a in self.session.scalars(
            select(AssignmentRow)
            .where(AssignmentRow.case_id.in_(case_ids))
            .order_by(AssignmentRow.assigned_at, AssignmentRow.id)
        ):
            found[a.case_id].append(
                Assignment(
                    specialist_id=a.specialist_id,
                    specialism=Specialism(a.specialism) if a.specialism else None,
                    assigned_at=a.assigned_at,
                    assigned_by=a.assigned_by,
                )
            )
        return found

    def _to_domain(
        self,
        row: CaseRow,
        *,
        with_attributes: bool = True,
        assignments: dict[uuid.UUID, list[Assignment]] | None = None,
    ) -> Case:
        if with_attributes:
            attributes = self._attributes(row)
        else:
            self._redacted.add(row.id)
            attributes = CaseAttributes()
        if assignments is None:
            assignments = self._assignments([row.id])
        return Case(
            id=row.id,
            reference=row.reference,
            caller_id=row.caller_id,
            status=CaseStatus(row.status),
            categories=tuple(row.categories),
            attributes=attributes,
            risk_level=RiskLevel(row.risk_level),
            jurisdiction=row.jurisdiction,
            language=row.language,
            specialisms_needed=frozenset(Specialism(s) for s in row.specialisms_needed),
            assignments=tuple(assignments[row.id]),
            needs_manual_triage=row.needs_manual_triage,
            legal_hold=row.legal_hold,
            opened_at=row.opened_at,
            closed_at=row.closed_at,
            consent=Consent(
                services=bool(row.consent_services),
                referral=bool(row.consent_referral),
                anonymised_statistics=bool(row.consent_statistics),
                recorded_at=row.consent_recorded_at,
                recorded_by=row.consent_recorded_by,
            ),
        )


def _text_type() -> Any:
    from sqlalchemy import Text

    return Text()


T = TypeVar("T")


def _optional(kind: Callable[[str], T], value: str | None) -> T | None:
    return kind(value) if value else None


def queue_rank(risk: RiskLevel, *, needs_human: bool = False) -> int:
    """A case's place in a queue: 0 for high risk, then medium, low, not assessed.

    A case that needs a person's triage ranks with high risk: triage could not tell what
    it is (nothing found, or a language no lexicon reads), so it may be the worst of all.
    """
    if needs_human:
        return 0
    return len(RiskLevel) - 1 - RiskLevel(risk).rank
