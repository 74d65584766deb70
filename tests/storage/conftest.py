"""Shared helpers for the storage tests: canaries, seeding through the services, searches.

Tests run with ``--import-mode=importlib``, so helpers cannot be imported from a sibling
module; they are handed out as fixtures instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from attrs import define, field
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from helplinekit.contracts import InboundMessage
from helplinekit.db.engine import normalise_url
from helplinekit.db.models import encrypted_columns
from helplinekit.domain import (
    URN,
    Attachment,
    CaseAttributes,
    NoteSection,
    ReferralStatus,
    Role,
    Specialism,
    parse_urn,
)
from helplinekit.testing import make_staff_member

from ..pg_admin import scratch_database

Column = tuple[str, str]

#: Extended Arabic-Indic digits, as written in Urdu.
URDU_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
#: Columns that also get a canary in Urdu script (UTF-8 is two bytes a letter).
URDU_COLUMNS: frozenset[Column] = frozenset(
    {
        ("callers", "display_name"),
        ("callers", "contact_points"),
        ("callers", "consent_note"),
        ("messages", "body"),
        ("notes", "body"),
        ("contacts", "summary"),
        ("outbox", "body"),
    }
)
#: Columns that hold several values, each with its own ASCII canary: a note per section,
#: a safe contact method's address and its note.
ASCII_COUNTS: dict[Column, int] = {
    ("notes", "body"): len(NoteSection),
    ("callers", "safe_contact_methods"): 2,
}
#: A referral partner every deployment has (the built-in international directory).
PARTNER = "intl.access_now_helpline"


def encrypted_set() -> set[Column]:
    return {(table, column) for table, column, _ in encrypted_columns()}


def _ascii_canary(table: str, column: str) -> str:
    # Lower case, letters, digits and '-': valid inside a mailto: or web: URN, unchanged by
    # URN normalisation and by JSON, and unique to this column and this run.
    tag = f"{table[:4]}{column.replace('_', '')[:6]}"
    return f"cnry-{tag}-{secrets.token_hex(8)}"


def _urdu_canary() -> str:
    digits = "".join(URDU_DIGITS[int(d)] for d in str(secrets.randbelow(10**12)).zfill(12))
    return f"خفیہ-نشان-{digits}"


@define
class Canaries:
    """A distinct canary (or several) for every encrypted column, from the model metadata.

    ``take`` hands out a column's canaries and records that the column was filled, so a
    test can prove the columns it filled are exactly :func:`encrypted_columns`.
    """

    by_column: dict[Column, list[str]]
    filled: set[Column] = field(factory=set)
    extra: list[str] = field(factory=list)

    @classmethod
    def fresh(cls) -> Canaries:
        by_column: dict[Column, list[str]] = {}
        for table, column, _owner in encrypted_columns():
            count = ASCII_COUNTS.get((table, column), 1)
            values = [_ascii_canary(table, column) for _ in range(count)]
            if (table, column) in URDU_COLUMNS:
                values.append(_urdu_canary())
            by_column[(table, column)] = values
        return cls(by_column)

    def take(self, table: str, column: str) -> list[str]:
        key = (table, column)
        if key not in self.by_column:
            raise AssertionError(f"{table}.{column} is not an encrypted column; fix the test.")
        self.filled.add(key)
        return self.by_column[key]

    def text(self, table: str, column: str) -> str:
        return " ".join(self.take(table, column))

    def column_values(self) -> list[str]:
        """The canaries stored in encrypted columns (what a positive control must find)."""
        return [value for values in self.by_column.values() for value in values]

    def all(self) -> list[str]:
        """Every value that must not be found: the column canaries and the extras."""
        return self.column_values() + self.extra


@define
class Seeded:
    """The ids of what :func:`seed` stored."""

    case_id: uuid.UUID
    caller_id: uuid.UUID
    staff: Any  # the Actor who did the casework
    referral_id: uuid.UUID
    task_id: uuid.UUID
    reply_message_id: uuid.UUID


def seed(helpline: Any, canaries: Canaries) -> Seeded:
    """Fill every encrypted column through the services, with the column's canaries.

    One caller and one case; every value that ends up in an encrypted cell carries the
    canary of that cell's column. The few caller fields that no service sets yet (the note
    of a safe contact method, the consent note, a second contact point) are set through the
    caller repository in a unit of work, as a future "edit caller" service would.
    """
    c = canaries
    system = helpline.system()
    email = f"worker-{secrets.token_hex(4)}@helpline.example"
    worker = make_staff_member(
        helpline,
        email,
        *(Role.INTAKE, Role.LAWYER, Role.DIGITAL_SECURITY, Role.COUNSELLOR),
        specialisms=Specialism,
        capacity=100,
        display_name="Case Worker",
    ).actor
    _enrol_totp(helpline, email, c)

    # A survivor writes through the web form: the URN's token, the message, an attachment's
    # file name, their name, and a safe channel (an email address) all carry canaries.
    (address,) = c.take("contacts", "address")
    (filename,) = c.take("messages", "attachments")
    safe_address, safe_note = c.take("callers", "safe_contact_methods")
    event = InboundMessage(
        channel="web.form",
        urn=URN("web", address),
        provider_message_id=secrets.token_hex(12),
        body=c.text("messages", "body"),
        attachments=(
            Attachment(content_type="image/png", size_bytes=2048, filename=f"{filename}.png"),
        ),
        display_name=c.text("callers", "display_name"),
        new_contact=True,
        fields={
            "safe_contact": parse_urn(f"mailto:{safe_address}@example.org"),
            "consent_services": True,
        },
    )
    result = helpline.receive_message(event)
    assert result.stored and result.opened_case
    case_id = result.case_id
    helpline.run_until_idle()  # automatic triage of the message

    # Assigned in each of the worker's roles: each role opens only its own note section.
    helpline.assign(system, case_id, worker.id)
    for specialism in Specialism:
        helpline.assign(system, case_id, worker.id, specialism)
    helpline.record_contact(
        worker,
        case_id,
        summary=c.text("contacts", "summary"),
        consent_services=True,
        consent_referral=True,
    )
    caller_id = helpline.view_case(system, case_id).caller_id
    with helpline.context.database.uow() as uow:
        caller = uow.callers.get(caller_id)
        extra_points = [
            parse_urn(f"mailto:{value}@example.org")
            for value in c.take("callers", "contact_points")
        ]
        caller = attrs.evolve(
            caller,
            contact_points=[*caller.contact_points, *extra_points],
            safe_contact_methods=[
                attrs.evolve(method, note=safe_note) for method in caller.safe_contact_methods
            ],
            consent=attrs.evolve(caller.consent, note=c.text("callers", "consent_note")),
        )
        uow.callers.update(caller)
        uow.commit()

    helpline.triage_case(
        worker,
        case_id,
        attributes=CaseAttributes(
            first_contact_channel="web.form", platforms=tuple(c.take("cases", "attributes"))
        ),
    )
    # One note per section, each with its own canary; the Urdu one goes in the first.
    *per_section, urdu = c.take("notes", "body")
    for index, (section, canary) in enumerate(zip(NoteSection, per_section, strict=True)):
        helpline.add_note(worker, case_id, section, f"{canary} {urdu}" if index == 0 else canary)

    now = helpline.context.clock()
    task = helpline.create_task(
        worker, case_id, title=c.text("tasks", "title"), due_at=now + timedelta(days=2)
    )
    referral = helpline.propose_referral(
        worker,
        case_id,
        PARTNER,
        shared_sections={NoteSection.GENERAL},
        summary=c.text("referrals", "summary"),
    )
    helpline.update_referral(worker, referral.id, ReferralStatus.SENT)
    helpline.update_referral(
        worker, referral.id, ReferralStatus.ACCEPTED, outcome=c.text("referrals", "outcome")
    )
    _break_glass(helpline, worker.id, case_id, c.text("break_glass", "reason"))
    reply = helpline.queue_reply(worker, case_id, c.text("outbox", "body"))
    helpline.run_until_idle()  # publishes the reply on the web form's "check my case" page
    return Seeded(
        case_id=case_id,
        caller_id=caller_id,
        staff=worker,
        referral_id=referral.id,
        task_id=task.id,
        reply_message_id=reply.id,
    )


def _break_glass(helpline: Any, staff_id: uuid.UUID, case_id: uuid.UUID, reason: str) -> None:
    """Record a break-the-glass access with its written reason.

    No service writes ``break_glass`` yet (the table arrived with migration 0002), so the
    row is written the way every repository seals a cell: under the case's data key, bound
    to table, column and row. Replace this with the break-the-glass service once it exists,
    so the test also covers what that service does with the reason.
    """
    from datetime import UTC, datetime

    from helplinekit.db.models import BreakGlassRow

    row_id = uuid.uuid4()
    now = datetime.now(UTC)
    with helpline.context.database.uow() as uow:
        uow.session.add(
            BreakGlassRow(
                id=row_id,
                case_id=case_id,
                staff_id=staff_id,
                reason=uow.keys.seal("case", case_id, "break_glass", "reason", row_id, reason),
                created_at=now,
                expires_at=now + timedelta(minutes=60),
            )
        )
        uow.commit()


def _enrol_totp(helpline: Any, email: str, canaries: Canaries) -> None:
    """Issue the staff member a TOTP secret through the enrolment service.

    The secret is random, so the secret itself is the column's canary; the recovery codes,
    stored only as hashes, must not be found in plaintext either.
    """
    from helplinekit.services.auth import begin_totp_enrolment

    enrolment = begin_totp_enrolment(helpline.context, helpline.system(), email)
    canaries.take("staff", "totp_secret")
    canaries.by_column[("staff", "totp_secret")] = [enrolment.secret]
    canaries.extra.extend(enrolment.recovery_codes)


def read_everything(helpline: Any, seeded: Seeded) -> None:
    """Read every seeded value back through the services (exercises every decryption)."""
    actor = seeded.staff
    helpline.view_case(actor, seeded.case_id)
    helpline.read_timeline(actor, seeded.case_id)
    helpline.read_notes(actor, seeded.case_id)
    helpline.list_tasks(actor, seeded.case_id)
    helpline.list_referrals(actor, seeded.case_id)
    with helpline.context.database.uow(read_only=True) as uow:
        uow.callers.get(seeded.caller_id)


# -- searching -------------------------------------------------------------------------------


def encodings(canary: str) -> dict[str, bytes]:
    """The byte patterns a canary could be stored as, by name."""
    raw = canary.encode("utf-8")
    forms = {
        "utf-8": raw,
        "utf-16-le": canary.encode("utf-16-le"),
        "utf-16-be": canary.encode("utf-16-be"),
        "hex": raw.hex().encode("ascii"),
        "HEX": raw.hex().upper().encode("ascii"),
    }
    escaped = json.dumps(canary, ensure_ascii=True)[1:-1].encode("ascii")
    if escaped != raw:
        forms["json-escaped"] = escaped
        forms["bytes-repr"] = repr(raw)[2:-1].encode("ascii")
    return forms


def hits(canaries: Iterable[str], blobs: dict[str, bytes]) -> list[str]:
    """Every (canary, where, encoding) found, as readable lines."""
    found = []
    for canary in canaries:
        for form_name, pattern in encodings(canary).items():
            for where, blob in blobs.items():
                if pattern in blob:
                    found.append(f"{canary!r} as {form_name} in {where}")
    return found


def missing(canaries: Iterable[str], blob: bytes, forms: tuple[str, ...] = ("utf-8",)) -> list[str]:
    """The canaries found in ``blob`` in none of ``forms`` (a positive control's failures)."""
    return [
        canary for canary in canaries if not any(encodings(canary)[form] in blob for form in forms)
    ]


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


def sqlite_files(path: Path) -> dict[str, bytes]:
    """The database file and its -wal / -shm / -journal companions, as they are on disk."""
    files = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            files[candidate.name] = candidate.read_bytes()
    return files


def copy_sqlite_while_open(path: Path, target: Path) -> dict[str, bytes]:
    """Copy the db and its WAL file by file (as a naive backup script would) while open."""
    copies = {}
    for suffix in ("", "-wal"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            destination = Path(f"{target}{suffix}")
            shutil.copyfile(source, destination)
            copies[destination.name] = destination.read_bytes()
    return copies


def sqlite_backup(path: Path, target: Path) -> bytes:
    """A backup made with SQLite's online backup API (includes what is only in the WAL)."""
    source = sqlite3.connect(path)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target.read_bytes()


def pg_restore_script(backup: Path) -> bytes:
    """The plain SQL script of a custom-format ``pg_dump`` (whose data is compressed)."""
    completed = subprocess.run(
        ["pg_restore", "--file=-", str(backup)], capture_output=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    assert b"client_encoding = 'UTF8'" in completed.stdout
    return completed.stdout


def pg_dump(url: str) -> bytes:
    """A plain-text ``pg_dump`` of the database, as its raw bytes."""
    parsed = make_url(url)
    command = [
        "pg_dump",
        "--no-owner",
        "-h",
        parsed.host or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
        parsed.database or "",
    ]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    completed = subprocess.run(
        command, capture_output=True, timeout=60, env=environment, check=False
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    assert b"PostgreSQL database dump" in completed.stdout
    # The dump's own encoding: text is searched as UTF-8, bytea as its \x hex escape.
    assert b"client_encoding = 'UTF8'" in completed.stdout
    return completed.stdout


# -- snapshots -------------------------------------------------------------------------------


def logical_snapshot(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its rows (order-independent).

    Tables are read as the database has them (reflected), not as the models describe them,
    so an older schema can be snapshotted too.
    """
    engine = create_engine(normalise_url(url))
    try:
        snapshot = {}
        with engine.connect() as connection:
            metadata = MetaData()
            metadata.reflect(connection)
            for name, table in sorted(metadata.tables.items()):
                rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
                snapshot[name] = (len(rows), digest)
        return snapshot
    finally:
        engine.dispose()


def file_snapshot(path: Path) -> dict[str, str]:
    """SHA-256 of the db file and its WAL (an empty or absent WAL holds nothing)."""
    result = {}
    for suffix in ("", "-wal"):
        candidate = Path(f"{path}{suffix}")
        data = candidate.read_bytes() if candidate.exists() else b""
        result[candidate.name] = hashlib.sha256(data).hexdigest()
    return result


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def storage() -> Any:
    """The helper functions above, for the test modules."""

    class Helpers:
        pass

    helpers = Helpers()
    for function in (
        encrypted_set,
        read_everything,
        encodings,
        hits,
        missing,
        sqlite_path,
        sqlite_files,
        copy_sqlite_while_open,
        sqlite_backup,
        pg_dump,
        pg_restore_script,
        logical_snapshot,
        file_snapshot,
    ):
        setattr(helpers, function.__name__, staticmethod(function))
    helpers.Canaries = Canaries
    helpers.seed = staticmethod(seed)
    return helpers


@pytest.fixture
def second_database_url(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Another empty database of the same kind as ``database_url``, migrated to head."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'second.db'}"
        yield url
        return
    with scratch_database(request.getfixturevalue("postgres_admin"), migrated=True) as url:
        yield url
