"""Ciphertexts are bound to their place: moved or damaged, they are refused on every read.

The tampering is done the way an attacker with write access to the database would do it:
raw SQL on the helpline's own engine, below the application. Every read afterwards goes
through the services (or, for cells no service reads yet, through the repository that
does), and must raise :class:`DecryptionError` — every time, not just the first.

Each tampering is undone right after, and the same read must then succeed again: that is
the positive control proving the reader really reads the tampered cell.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from helplinekit.db.models import Base, DataKeyRow, encrypted_columns
from helplinekit.security.crypto import DecryptionError

pytestmark = pytest.mark.database

OWNERS = {(table, column): owner for table, column, owner in encrypted_columns()}
#: How many times each tampered read is repeated ("refused every time").
READS = 3


@pytest.fixture
def two_cases(helpline, storage) -> tuple[Any, list[Any]]:
    """Two survivors' cases with every encrypted column filled, under AES-256-GCM."""
    seeded = [storage.seed(helpline, storage.Canaries.fresh()) for _ in range(2)]
    return helpline, seeded


def _rows(helpline: Any, table: str, column: str) -> list[dict[str, Any]]:
    """Every row of ``table`` whose ``column`` holds a ciphertext."""
    t = Base.metadata.tables[table]
    with helpline.context.database.engine.connect() as connection:
        result = connection.execute(select(t).where(t.c[column].is_not(None)))
        return [dict(row._mapping) for row in result]


def _owner_id(table: str, column: str, row: dict[str, Any]) -> uuid.UUID:
    owner = OWNERS[(table, column)]
    return row.get(f"{owner}_id") or row["id"]


def _set(helpline: Any, table: str, column: str, row_id: Any, value: bytes | None) -> None:
    t = Base.metadata.tables[table]
    with helpline.context.database.engine.begin() as connection:
        changed = connection.execute(update(t).where(t.c.id == row_id).values({column: value}))
        assert changed.rowcount == 1


def _read(helpline: Any, table: str, column: str, row: dict[str, Any]) -> None:
    """Read the cell at (table, column, row) the way the application does."""
    system = helpline.system()
    if table == "messages" or (table, column) == ("contacts", "summary"):
        helpline.read_timeline(system, row["case_id"])
    elif table == "cases":
        helpline.view_case(system, row["id"])
    elif table == "notes":
        helpline.read_notes(system, row["case_id"])
    elif table == "tasks":
        helpline.list_tasks(system, row["case_id"])
    elif table == "referrals":
        helpline.list_referrals(system, row["case_id"])
    else:
        # Cells no casework service shows: the repository the worker and intake use, or
        # (for columns no repository reads yet) the data keys exactly as a repository would.
        with helpline.context.database.uow(read_only=True) as uow:
            if table == "callers":
                uow.callers.get(row["id"])
            elif (table, column) == ("contacts", "address"):
                uow.contacts.address(row["id"])
            elif table == "outbox":
                uow.outbox.body(row["id"])
            elif (table, column) == ("staff", "totp_secret"):
                uow.staff.totp_secret(row["id"])
            else:
                t = Base.metadata.tables[table]
                blob = uow.session.execute(
                    select(t.c[column]).where(t.c.id == row["id"])
                ).scalar_one()
                owner = OWNERS[(table, column)]
                uow.keys.open(owner, _owner_id(table, column, row), table, column, row["id"], blob)


def _tampered(
    helpline: Any,
    table: str,
    column: str,
    row: dict[str, Any],
    value: bytes | None,
    read: Callable[[], object] | None = None,
) -> str | None:
    """Put ``value`` in the cell and read it ``READS`` times; restore it and read once more.

    Returns None when every read raised DecryptionError, otherwise what happened instead.
    The read after restoring must succeed: it proves the reader really reads this cell.
    """
    read = read or (lambda: _read(helpline, table, column, row))
    _set(helpline, table, column, row["id"], value)
    try:
        for attempt in range(READS):
            try:
                read()
            except DecryptionError:
                continue
            except Exception as error:  # the wrong error is a failure too
                return f"read {attempt + 1} raised {type(error).__name__}, not DecryptionError"
            return f"read {attempt + 1} succeeded"
        return None
    finally:
        _set(helpline, table, column, row["id"], row[column])
        read()


def _other_row(table: str, column: str, rows: list[dict[str, Any]]) -> tuple[dict, dict]:
    """A (source, target) pair, of the same owner when there is one (same key: only the
    row binding can refuse it), else of different owners."""
    for source in rows:
        for target in rows:
            if target["id"] != source["id"] and _owner_id(table, column, source) == _owner_id(
                table, column, target
            ):
                return source, target
    assert len(rows) >= 2, f"{table}.{column} needs two filled rows"
    return rows[0], rows[1]


def _copied_to_another_row(helpline: Any, seeded: list[Any]) -> list[str]:
    """Each column: a cell pasted over another row's cell of the same column."""
    problems = []
    for table, column, _owner in encrypted_columns():
        source, target = _other_row(table, column, _rows(helpline, table, column))
        problem = _tampered(helpline, table, column, target, bytes(source[column]))
        if problem:
            problems.append(f"{table}.{column}: {problem}")
    return problems


def _copied_to_another_case(helpline: Any, seeded: list[Any]) -> list[str]:
    """Each case-owned column: the first case's cell pasted into the second case's row."""
    first, second = seeded
    problems = []
    for table, column, owner in encrypted_columns():
        if owner != "case":
            continue
        rows = _rows(helpline, table, column)
        sources = [r for r in rows if _owner_id(table, column, r) == first.case_id]
        targets = [r for r in rows if _owner_id(table, column, r) == second.case_id]
        assert sources and targets, f"{table}.{column} is filled in both cases"
        problem = _tampered(helpline, table, column, targets[0], bytes(sources[0][column]))
        if problem:
            problems.append(f"{table}.{column}: {problem}")
    return problems


#: (source cell, target cell, same row?): a ciphertext pasted into another column.
OTHER_COLUMNS = (
    (("messages", "body"), ("messages", "attachments"), True),
    (("callers", "display_name"), ("callers", "consent_note"), True),
    (("referrals", "summary"), ("referrals", "outcome"), True),
    (("notes", "body"), ("tasks", "title"), False),
    (("contacts", "summary"), ("outbox", "body"), False),
)


def _copied_to_another_column(helpline: Any, seeded: list[Any]) -> list[str]:
    """A cell pasted into another column of the same row, or of another table."""
    first = seeded[0]

    def of_first(table: str, column: str) -> list[dict[str, Any]]:
        owner_id = first.caller_id if OWNERS[(table, column)] == "caller" else first.case_id
        rows = _rows(helpline, table, column)
        return [r for r in rows if _owner_id(table, column, r) == owner_id]

    problems = []
    for (source_table, source_column), (target_table, target_column), same_row in OTHER_COLUMNS:
        source_row = of_first(source_table, source_column)[0]
        targets = of_first(target_table, target_column)
        if same_row:
            targets = [r for r in targets if r["id"] == source_row["id"]]
        value = bytes(source_row[source_column])
        problem = _tampered(helpline, target_table, target_column, targets[0], value)
        if problem:
            problems.append(
                f"{source_table}.{source_column} -> {target_table}.{target_column}: {problem}"
            )
    return problems


def _wrapped_key_swapped(helpline: Any, seeded: list[Any]) -> list[str]:
    """The data keys are bound to their owner too: a case given another's wrapped key."""
    first, second = seeded
    keys = Base.metadata.tables[DataKeyRow.__tablename__]
    with helpline.context.database.engine.connect() as connection:
        wrapped = dict(
            connection.execute(
                select(keys.c.id, keys.c.wrapped).where(
                    keys.c.id.in_([first.case_id, second.case_id])
                )
            ).all()
        )
    row = {"id": second.case_id, "wrapped": bytes(wrapped[second.case_id])}
    problem = _tampered(
        helpline,
        "data_keys",
        "wrapped",
        row,
        bytes(wrapped[first.case_id]),
        read=lambda: helpline.view_case(helpline.system(), second.case_id),
    )
    return [f"data_keys.wrapped: {problem}"] if problem else []


def test_moved_ciphertext_is_refused(two_cases) -> None:
    """Copied to another row, case or column, or a swapped data key: refused every time."""
    helpline, seeded = two_cases
    problems = {
        check.__name__.strip("_"): check(helpline, seeded)
        for check in (
            _copied_to_another_row,
            _copied_to_another_case,
            _copied_to_another_column,
            _wrapped_key_swapped,
        )
    }
    assert problems == {name: [] for name in problems}


#: Byte positions to flip: format version, nonce, first ciphertext byte, middle, GCM tag.
FLIP_POSITIONS = (0, 1, 12, 13, "middle", -16, -1)
#: In every other column: the version byte, the first ciphertext byte and the last tag byte.
FLIP_POSITIONS_SHORT = (0, 13, -1)
#: The cell that gets every position, a truncation and an extension.
FULL_FLIP_COLUMN = ("messages", "body")


def test_damaged_ciphertext_is_refused(two_cases) -> None:
    helpline, _ = two_cases
    problems = []
    for table, column, _owner in encrypted_columns():
        row = _rows(helpline, table, column)[0]
        original = bytes(row[column])
        full = (table, column) == FULL_FLIP_COLUMN
        damaged_values = []
        for position in FLIP_POSITIONS if full else FLIP_POSITIONS_SHORT:
            index = len(original) // 2 if position == "middle" else position
            damaged = bytearray(original)
            damaged[index] ^= 0x01
            damaged_values.append((f"byte {position}", bytes(damaged)))
        if full:
            damaged_values += [("truncated", original[:-1]), ("extended", original + b"\x00")]
        for label, value in damaged_values:
            problem = _tampered(helpline, table, column, row, value)
            if problem:
                problems.append(f"{table}.{column} {label}: {problem}")
    assert problems == []
