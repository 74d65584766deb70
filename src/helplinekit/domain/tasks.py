"""Tasks: follow-ups and callbacks that someone must do by a certain time."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import Attribute, define, evolve, field, validators

from helplinekit.domain._validation import (
    aware_datetime,
    is_uuid,
    not_blank,
    optional_aware_datetime,
    optional_uuid,
    require_aware,
)
from helplinekit.domain.errors import DomainError, InvalidValue


class TaskKind(StrEnum):
    """What the task is for."""

    FOLLOW_UP = "follow_up"
    # A callback must use only the caller's safe contact methods, re-checked when made.
    CALLBACK = "callback"
    OTHER = "other"


def _completion_pairs(instance: Task, attribute: Attribute[Any], value: Any) -> None:
    # Who and when are recorded together, so a completed task always says who completed it.
    completed_at = value if attribute.name == "completed_at" else instance.completed_at
    completed_by = value if attribute.name == "completed_by" else instance.completed_by
    if (completed_at is None) != (completed_by is None):
        raise InvalidValue(
            f"Task {instance.id} must record completed_at and completed_by together."
        )


@define(kw_only=True)
class Task:
    """Something a staff member must do on a case by a due time.

    Attributes:
        id: Application-generated identifier.
        case_id: The case the task belongs to.
        kind: What the task is for.
        title: What to do. Sensitive (may describe the case): hidden from repr.
        due_at: When it must be done.
        assignee_id: Who should do it, or ``None`` for the case's team.
        completed_at: When it was done, or ``None`` while open.
        completed_by: Who did it, or ``None`` while open.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    case_id: uuid.UUID = field(validator=is_uuid)
    kind: TaskKind = field(validator=validators.instance_of(TaskKind))
    title: str = field(repr=False, validator=not_blank)
    due_at: datetime = field(validator=aware_datetime)
    assignee_id: uuid.UUID | None = field(default=None, validator=optional_uuid)
    completed_at: datetime | None = field(
        default=None, validator=[optional_aware_datetime, _completion_pairs]
    )
    completed_by: uuid.UUID | None = field(
        default=None, validator=[optional_uuid, _completion_pairs]
    )

    @property
    def is_completed(self) -> bool:
        """Whether the task has been done."""
        return self.completed_at is not None

    def complete(self, by: uuid.UUID, at: datetime) -> Task:
        """Return a copy completed by ``by`` at ``at``.

        Raises:
            DomainError: the task was already completed.
        """
        if self.completed_at is not None:
            raise DomainError(
                f"Task {self.id} was already completed at {self.completed_at.isoformat()}; "
                "it cannot be completed twice."
            )
        return evolve(self, completed_at=at, completed_by=by)

    def is_overdue(self, now: datetime) -> bool:
        """Whether the task is still open after its due time."""
        require_aware("now", now)
        return self.completed_at is None and now > self.due_at
