"""Notes, tasks and referrals: casework records, encrypted under the case's key."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select

from helplinekit.db.models import NoteRow, ReferralRow, TaskRow
from helplinekit.db.repos.base import Repository
from helplinekit.domain import (
    Consent,
    Note,
    NoteSection,
    Referral,
    ReferralStatus,
    Task,
    TaskKind,
)


class NoteRepository(Repository):
    def add(self, note: Note) -> None:
        self.session.add(
            NoteRow(
                id=note.id,
                case_id=note.case_id,
                section=note.section,
                author_id=note.author_id,
                body=self.keys.seal("case", note.case_id, "notes", "body", note.id, note.body),
                created_at=note.created_at,
            )
        )
        self.session.flush()

    def for_case(self, case_id: uuid.UUID, sections: Iterable[NoteSection]) -> list[Note]:
        """Notes in the given sections only: the others are never even decrypted."""
        wanted = sorted(sections)
        if not wanted:
            return []
        rows = self.session.scalars(
            select(NoteRow)
            .where(NoteRow.case_id == case_id, NoteRow.section.in_(wanted))
            .order_by(NoteRow.created_at)
        ).all()
        return [
            Note(
                id=row.id,
                case_id=row.case_id,
                section=NoteSection(row.section),
                author_id=row.author_id,
                body=self.keys.open("case", row.case_id, "notes", "body", row.id, row.body),
                created_at=row.created_at,
            )
            for row in rows
        ]


class TaskRepository(Repository):
    def save(self, task: Task) -> None:
        row = self.session.get(TaskRow, task.id)
        if row is None:
            row = TaskRow(id=task.id, case_id=task.case_id, created_at=task.due_at)
            self.session.add(row)
            from datetime import UTC, datetime

            row.created_at = datetime.now(UTC)
        row.kind = task.kind
        row.title = self.keys.seal("case", task.case_id, "tasks", "title", task.id, task.title)
        row.due_at = task.due_at
        row.assignee_id = task.assignee_id
        row.completed_at = task.completed_at
        row.completed_by = task.completed_by
        self.session.flush()

    def case_of(self, task_id: uuid.UUID) -> uuid.UUID:
        """The task's case, read without decrypting anything (for the access check)."""
        case_id = self.session.scalar(select(TaskRow.case_id).where(TaskRow.id == task_id))
        if case_id is None:
            raise LookupError(f"Task {task_id} does not exist.")
        return case_id

    def get(self, task_id: uuid.UUID) -> Task:
        row = self.session.get(TaskRow, task_id)
        if row is None:
            raise LookupError(f"Task {task_id} does not exist.")
        return self._to_domain(row)

    def for_case(self, case_id: uuid.UUID) -> list[Task]:
        rows = self.session.scalars(
            select(TaskRow).where(TaskRow.case_id == case_id).order_by(TaskRow.due_at)
        ).all()
        return [self._to_domain(row) for row in rows]

    def _to_domain(self, row: TaskRow) -> Task:
        return Task(
            id=row.id,
            case_id=row.case_id,
            kind=TaskKind(row.kind),
            title=self.keys.open("case", row.case_id, "tasks", "title", row.id, row.title),
            due_at=row.due_at,
            assignee_id=row.assignee_id,
            completed_at=row.completed_at,
            completed_by=row.completed_by,
        )


class ReferralRepository(Repository):
    def save(self, referral: Referral) -> None:
        row = self.session.get(ReferralRow, referral.id)
        if row is None:
            row = ReferralRow(
                id=referral.id, case_id=referral.case_id, created_at=referral.created_at
            )
            self.session.add(row)
        seal = self.keys.seal
        row.partner_key = referral.partner_key
        row.status = referral.status
        # A Referral's consent includes consent to referral (its validator), and a Consent
        # that grants anything has its time recorded (Consent's validator).
        if referral.consent.recorded_at is None:
            raise AssertionError(f"referral {referral.id} has consent with no recorded time")
        row.consent_recorded_at = referral.consent.recorded_at
        row.consent_recorded_by = referral.consent.recorded_by
        row.shared_sections = sorted(referral.shared_sections)
        row.summary = seal(
            "case", referral.case_id, "referrals", "summary", referral.id, referral.summary
        )
        row.outcome = seal(
            "case", referral.case_id, "referrals", "outcome", referral.id, referral.outcome
        )
        row.updated_at = referral.updated_at
        self.session.flush()

    def case_of(self, referral_id: uuid.UUID) -> uuid.UUID:
        """The referral's case, read without decrypting anything (for the access check)."""
        case_id = self.session.scalar(
            select(ReferralRow.case_id).where(ReferralRow.id == referral_id)
        )
        if case_id is None:
            raise LookupError(f"Referral {referral_id} does not exist.")
        return case_id

    def get(self, referral_id: uuid.UUID) -> Referral:
        row = self.session.get(ReferralRow, referral_id)
        if row is None:
            raise LookupError(f"Referral {referral_id} does not exist.")
        return self._to_domain(row)

    def for_case(self, case_id: uuid.UUID) -> list[Referral]:
        rows = self.session.scalars(
            select(ReferralRow)
            .where(ReferralRow.case_id == case_id)
            .order_by(ReferralRow.created_at)
        ).all()
        return [self._to_domain(row) for row in rows]

    def _to_domain(self, row: ReferralRow) -> Referral:
        open_ = self.keys.open
        return Referral(
            id=row.id,
            case_id=row.case_id,
            partner_key=row.partner_key,
            status=ReferralStatus(row.status),
            consent=Consent(
                referral=True,
                recorded_at=row.consent_recorded_at,
                recorded_by=row.consent_recorded_by,
            ),
            shared_sections=frozenset(NoteSection(s) for s in row.shared_sections),
            summary=open_("case", row.case_id, "referrals", "summary", row.id, row.summary),
            outcome=open_("case", row.case_id, "referrals", "outcome", row.id, row.outcome),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
