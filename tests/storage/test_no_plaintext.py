"""No plaintext at rest: canaries in every encrypted column, then a byte search of everything.

Every encrypted column (from :func:`encrypted_columns`, so a new column without a canary
fails :func:`test_seeding_fills_every_encrypted_column`) is filled through the services
with its own canary strings, ASCII and Urdu. Then the canaries are searched for in the SQLite
file and its WAL, a file copy taken while the database is open, an online backup, the
helpline's own backup (``create_backup``), the file after a checkpoint, a plain-text
``pg_dump``, and the logs (SQL statements included) and plugin trace of a run.

Each search first passes a positive control: the same procedure with ``NullCipher`` (which
stores plaintext) must find every canary, or a search that finds nothing proves nothing.
"""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from helplinekit import hookimpl
from helplinekit.db.models import Base
from helplinekit.plugins import TRACE_ENV, get_plugin_manager
from helplinekit.services.backup import create_backup
from helplinekit.testing import NullCipher, registered_plugin

pytestmark = pytest.mark.database

#: Hooks a seeded run calls; the trace must show each (proof the trace really ran).
TRACED_HOOKS = (
    "assess_risk",
    "case_opened",
    "message_received",
    "case_assigned",
    "case_status_changed",
)


class LeakyPlugin:
    """A buggy plugin whose exceptions quote survivor content.

    Its failures go through the worker (the triage job's ``last_error``, a warning) and the
    lifecycle-hook guard: neither may carry the quoted content into the database or logs.
    """

    def __init__(self, secret: str) -> None:
        self.secret = secret

    @hookimpl
    def assess_risk(self, case, message):
        raise ValueError(f"cannot read {message.body!r}")

    @hookimpl
    def case_status_changed(self, case, previous):
        raise ValueError(f"could not handle {self.secret}")


def test_canary_plan_is_the_encrypted_column_list(storage) -> None:
    plan = storage.Canaries.fresh()
    assert set(plan.by_column) == storage.encrypted_set()
    assert {("messages", "body"), ("callers", "contact_points")} <= set(plan.by_column)
    values = plan.all()
    assert len(values) == len(set(values)), "every canary is distinct"
    assert any(not value.isascii() for value in values), "at least one canary in Urdu script"


def test_seeding_fills_every_encrypted_column(open_helpline, storage) -> None:
    """The seeding reaches every encrypted column: read the raw cells under NullCipher."""
    plan = storage.Canaries.fresh()
    helpline = open_helpline(cipher=NullCipher())
    storage.seed(helpline, plan)
    assert plan.filled == storage.encrypted_set()
    not_stored = []
    with helpline.context.database.engine.connect() as connection:
        for (table, column), values in plan.by_column.items():
            cells = connection.execute(select(Base.metadata.tables[table].c[column])).scalars()
            stored = b"\n".join(bytes(cell) for cell in cells if cell is not None)
            not_stored += [
                f"{table}.{column}: {value!r}"
                for value in values
                if value.encode("utf-8") not in stored
            ]
    assert not_stored == []


def _sqlite_searches(helpline: Any, url: str, work: Path, storage: Any) -> list[tuple[str, dict]]:
    """What an attacker could get from a SQLite deployment, as labelled groups of files."""
    path = storage.sqlite_path(url)
    live = storage.sqlite_files(path)  # no checkpoint: recent pages may be only in the WAL
    assert f"{path.name}-wal" in live, "the database runs in WAL mode"
    copy = storage.copy_sqlite_while_open(path, work / "copy.db")
    backup = {"backup.db": storage.sqlite_backup(path, work / "backup.db")}
    service = create_backup(helpline.context, work / "helpline.sqlite-backup")
    helpline.close()  # the last connection checkpoints the WAL into the main file
    closed = storage.sqlite_files(path)
    return [
        ("database file and WAL while open", live),
        ("file copy of db and WAL taken while open", copy),
        ("online backup", backup),
        ("the helpline's own backup", {service.name: service.read_bytes()}),
        ("database file after checkpoint and close", closed),
    ]


def _searches(helpline: Any, url: str, work: Path, storage: Any) -> list[tuple[str, dict]]:
    work.mkdir()
    if url.startswith("sqlite"):
        return _sqlite_searches(helpline, url, work, storage)
    service = create_backup(helpline.context, work / "helpline.pgdump")
    return [
        ("plain-text pg_dump", {"pg_dump": storage.pg_dump(url)}),
        ("the helpline's own backup", {service.name: storage.pg_restore_script(service)}),
    ]


def test_no_canary_at_rest(
    open_helpline, database_url, second_database_url, tmp_path, storage, register_plugin
) -> None:
    # Positive control: with NullCipher every search finds every canary. bytea columns
    # appear hex-escaped (\x...) in a plain-text dump, so the dump is searched for hex too.
    forms = ("utf-8",) if database_url.startswith("sqlite") else ("utf-8", "hex")
    control = storage.Canaries.fresh()
    control_helpline = open_helpline(cipher=NullCipher(), database_url=second_database_url)
    with register_plugin(LeakyPlugin(f"cnry-plugin-error-{secrets.token_hex(8)}")):
        storage.seed(control_helpline, control)
    for label, files in _searches(
        control_helpline, second_database_url, tmp_path / "control", storage
    ):
        together = b"".join(files.values())
        assert storage.missing(control.column_values(), together, forms) == [], (
            f"positive control failed: {label} lacks canaries stored without encryption"
        )
    control_helpline.close()

    # The real thing: the same procedure under AES-256-GCM finds nothing, in any encoding.
    plan = storage.Canaries.fresh()
    plan.extra.append(f"cnry-plugin-error-{secrets.token_hex(8)}")
    helpline = open_helpline(database_url=database_url)
    with register_plugin(LeakyPlugin(plan.extra[-1])):
        seeded = storage.seed(helpline, plan)
    storage.read_everything(helpline, seeded)  # reads must not write plaintext either
    found = [
        f"{label}: {hit}"
        for label, files in _searches(helpline, database_url, tmp_path / "real", storage)
        for hit in storage.hits(plan.all(), files)
    ]
    assert found == []


def _traced_run(open_helpline, monkeypatch, capsys, caplog, storage) -> tuple[Any, dict]:
    """Seed and read back with the plugin trace on and every log captured at DEBUG.

    Returns the canaries and the captured outputs, after checking the positive controls.
    """
    monkeypatch.setenv(TRACE_ENV, "1")
    pm = get_plugin_manager(load_entrypoints=False)  # tracing is set up when pm is built
    # SQLAlchemy's own logger (warning by default): log every statement and its parameters.
    # Set before the root level: caplog.set_level also sets its handler's level.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    caplog.set_level(logging.DEBUG)

    plan = storage.Canaries.fresh()
    plan.extra.append(f"cnry-plugin-error-{secrets.token_hex(8)}")
    helpline = open_helpline(pm=pm)
    with registered_plugin(pm, LeakyPlugin(plan.extra[-1]), "leaky-plugin"):
        seeded = storage.seed(helpline, plan)
        storage.read_everything(helpline, seeded)

    # Positive controls: the capture works (a canary logged and printed on purpose is found),
    # the trace really ran (hook names appear), and so did the SQL log.
    log_control = f"cnry-log-control-{secrets.token_hex(8)}"
    stderr_control = f"cnry-stderr-control-{secrets.token_hex(8)}"
    logging.getLogger("helplinekit").debug("positive control %s", log_control)
    print(stderr_control, file=sys.stderr)
    captured = capsys.readouterr()
    log_text = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert log_control in log_text
    assert stderr_control in captured.err
    for hook in TRACED_HOOKS:
        assert f"[helplinekit] {hook}(" in captured.err, f"the trace did not show {hook}"
    assert "INSERT INTO messages" in log_text, "SQL statements were logged"
    assert "case_status_changed listener failed: ValueError" in log_text
    assert "assess_risk failed (ValueError)" in log_text  # the worker's failure path ran

    outputs = {
        "stdout": captured.out.encode("utf-8"),
        "stderr (plugin trace)": captured.err.encode("utf-8"),
        "logs": log_text.encode("utf-8"),
    }
    return plan, outputs


#: Known leak (see test_case_attributes_stay_out_of_the_plugin_trace).
CASE_ATTRIBUTES = ("cases", "attributes")


def test_no_canary_in_logs_or_plugin_trace(
    open_helpline, monkeypatch, capsys, caplog, storage
) -> None:
    plan, outputs = _traced_run(open_helpline, monkeypatch, capsys, caplog, storage)
    assert storage.hits(plan.all(), outputs) == []


def test_case_attributes_stay_out_of_the_plugin_trace(
    open_helpline, monkeypatch, capsys, caplog, storage
) -> None:
    plan, outputs = _traced_run(open_helpline, monkeypatch, capsys, caplog, storage)
    # Case attributes are encrypted at rest; they once leaked through repr(Case) in the trace.
    assert storage.hits(plan.by_column[CASE_ATTRIBUTES], outputs) == []
