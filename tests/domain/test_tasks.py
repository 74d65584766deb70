"""Follow-up and callback tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from helplinekit.domain import DomainError, InvalidValue, Task, TaskKind

DUE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF = uuid.uuid4()


def make_task(**changes: object) -> Task:
    values: dict[str, object] = {
        "case_id": uuid.uuid4(),
        "kind": TaskKind.CALLBACK,
        "title": "Call back on the safe number",
        "due_at": DUE,
    }
    values.update(changes)
    return Task(**values)  # type: ignore[arg-type]


def test_complete_records_who_and_when_on_a_copy() -> None:
    task = make_task()
    done = task.complete(STAFF, DUE - timedelta(hours=1))
    assert (done.completed_by, done.completed_at) == (STAFF, DUE - timedelta(hours=1))
    assert done.is_completed
    assert not task.is_completed


def test_completing_twice_is_refused() -> None:
    done = make_task().complete(STAFF, DUE)
    with pytest.raises(DomainError, match="already completed"):
        done.complete(uuid.uuid4(), DUE + timedelta(hours=1))


def test_completion_time_must_be_aware() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_task().complete(STAFF, datetime(2026, 3, 2, 9, 0))


@pytest.mark.parametrize(
    ("changes", "now", "expected"),
    [
        ({}, DUE - timedelta(minutes=1), False),
        ({}, DUE, False),
        ({}, DUE + timedelta(minutes=1), True),
        (
            {"completed_at": DUE - timedelta(hours=2), "completed_by": STAFF},
            DUE + timedelta(days=1),
            False,
        ),
    ],
)
def test_is_overdue(changes: dict, now: datetime, expected: bool) -> None:
    assert make_task(**changes).is_overdue(now) is expected


def test_is_overdue_needs_an_aware_now() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_task().is_overdue(datetime(2026, 3, 3))


@pytest.mark.parametrize("changes", [{"completed_at": DUE}, {"completed_by": STAFF}])
def test_who_and_when_are_recorded_together(changes: dict) -> None:
    with pytest.raises(InvalidValue, match="together"):
        make_task(**changes)


def test_blank_title_is_refused() -> None:
    with pytest.raises(InvalidValue, match="title"):
        make_task(title=" ")


def test_due_time_must_be_aware() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_task(due_at=datetime(2026, 3, 2, 9, 0))
