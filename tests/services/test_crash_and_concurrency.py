"""Crash and concurrency: nothing acknowledged is lost, nothing is claimed twice.

* Worker processes claim from the job queue and the outbox at the same moment (8 × 500
  jobs on PostgreSQL, where claims use ``FOR UPDATE SKIP LOCKED``; 4 × 100 on SQLite, where
  ``BEGIN IMMEDIATE`` serialises them): every row is claimed exactly once.
* Worker processes run the real worker together: every triage job runs exactly once.
* Several processes deliver the same messages at once (a provider redelivering while a
  delivery is in flight): every message is stored exactly once and no delivery fails.
* A process killed with ``kill -9`` during a burst of intake on SQLite, 50 times on the
  same database file: every acknowledged message is there, the file passes
  ``PRAGMA integrity_check``, and no transaction is half-stored.

The children are real processes (``intake_burst.py`` run with ``sys.executable``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import func, select

from helplinekit.db.models import (
    CallerRow,
    CaseRow,
    DataKeyRow,
    JobRow,
    MessageRow,
    OutboxRow,
)
from helplinekit.domain import CaseStatus

pytestmark = [pytest.mark.database, pytest.mark.slow]

HELPER = Path(__file__).with_name("intake_burst.py")

#: Workers and rows per worker: the issue asks for 8 × 500 on PostgreSQL.
CLAIM_SIZES = {"postgresql": (8, 500), "sqlite": (4, 100)}
#: How long a claiming worker "works" on each batch. SQLite's busy handler is not fair: a
#: worker that commits and claims again at once can starve the others, so they work a bit.
WORK_SECONDS = {"postgresql": "0", "sqlite": "0.005"}
OUTBOX_SIZES = {"postgresql": (8, 25), "sqlite": (4, 25)}
WORK_SIZES = {"postgresql": (8, 25), "sqlite": (4, 25)}
DELIVER_SIZES = {"postgresql": (8, 40), "sqlite": (4, 40)}

CRASH_RUNS = 50
#: Longer than any burst lives: each child is killed long before it gets through.
BURST_MESSAGES = 2_000
#: The child is killed this long after it said ``ready`` (a few dozen messages in).
KILL_AFTER_SECONDS = (0.0, 0.35)


def _helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("intake_burst", HELPER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


burst = _helper()


def _count(helpline, column) -> int:
    with helpline.context.database.uow(read_only=True) as uow:
        return int(uow.session.scalar(select(func.count(column))) or 0)


# -- several worker processes starting at the same moment ----------------------------------


def _run_workers(
    tmp_path: Path, deployment: Path, database_url: str, command: list[str], workers: int
) -> list[Path]:
    """Start ``workers`` processes, release them at once, wait; return their --out files."""
    go = tmp_path / "go"
    processes: list[tuple[subprocess.Popen[bytes], Path, Path, Path]] = []
    try:
        for number in range(workers):
            out, ready, err = (tmp_path / f"worker-{number}.{s}" for s in ("out", "ready", "err"))
            with err.open("wb") as stderr:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        str(HELPER),
                        *command,
                        "--config",
                        str(deployment / "helpline.toml"),
                        "--database-url",
                        database_url,
                        "--worker",
                        f"worker-{number}",
                        "--ready",
                        str(ready),
                        "--go",
                        str(go),
                        "--out",
                        str(out),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                )
            processes.append((process, out, ready, err))
        deadline = time.monotonic() + 60
        for process, _, ready, err in processes:
            while not ready.exists():
                if process.poll() is not None:
                    pytest.fail(f"a worker died while starting:\n{err.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail("the workers did not start within 60 s")
                time.sleep(0.01)
        go.touch()  # all together now
        for process, _, _, err in processes:
            assert process.wait(timeout=120) == 0, err.read_text()
    finally:
        for process, *_ in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return [out for _, out, _, _ in processes]


def _assert_claimed_exactly_once(
    outs: list[Path], expected: set[uuid.UUID], rows: dict[uuid.UUID, tuple[str | None, int]]
) -> None:
    """Each worker's ids against the rows: (claimed_by, attempts), claimed_by None if cleared."""
    claims: Counter[uuid.UUID] = Counter()
    for number, out in enumerate(outs):
        ids = [uuid.UUID(line) for line in out.read_text().split()]
        claims.update(ids)
        for claimed in ids:  # the database agrees: claimed once, by this worker
            claimed_by, attempts = rows[claimed]
            assert attempts == 1
            assert claimed_by in (None, f"worker-{number}")
    duplicates = {i: n for i, n in claims.items() if n > 1}
    assert not duplicates, f"{len(duplicates)} rows claimed more than once"
    assert set(claims) == expected, f"{len(expected - set(claims))} rows never claimed"
    busy = sum(1 for out in outs if out.read_text().strip())
    assert busy > 1, "only one worker got anything: the claims did not overlap"


def test_job_claims_are_exclusive(helpline, deployment, database_url, tmp_path) -> None:
    dialect = helpline.context.database.dialect
    workers, per_worker = CLAIM_SIZES[dialect]
    now = helpline.context.clock()
    with helpline.context.database.uow() as uow:
        expected = {
            uow.jobs.enqueue("triage", now, message_id=uuid.uuid4())
            for _ in range(workers * per_worker)
        }
        uow.commit()

    outs = _run_workers(
        tmp_path,
        deployment,
        database_url,
        ["claim", "--what", "jobs", "--limit", "10", "--work-seconds", WORK_SECONDS[dialect]],
        workers,
    )

    with helpline.context.database.uow(read_only=True) as uow:
        rows = {
            row.id: (row.claimed_by, row.attempts)
            for row in uow.session.scalars(select(JobRow)).all()
        }
        assert {row.state for row in uow.session.scalars(select(JobRow))} == {"done"}
    assert all(claimed_by is not None for claimed_by, _ in rows.values())
    _assert_claimed_exactly_once(outs, expected, rows)


def test_outbox_claims_are_exclusive(helpline, deployment, database_url, tmp_path) -> None:
    dialect = helpline.context.database.dialect
    workers, per_worker = OUTBOX_SIZES[dialect]
    for n in range(workers * per_worker):
        assert helpline.receive_message(burst.burst_event(0, n * 3)).stored  # new senders
    now = helpline.context.clock()
    expected = set()
    with helpline.context.database.uow() as uow:
        for message in uow.session.scalars(select(MessageRow)).all():
            reply_id = uuid.uuid4()
            uow.outbox.enqueue(
                reply_id=reply_id,
                case_id=message.case_id,
                contact_id=message.contact_id,
                message_id=message.id,
                channel=burst.CHANNEL,
                body="We have your message. You are not alone.",
                now=now,
            )
            expected.add(reply_id)
        uow.commit()

    outs = _run_workers(
        tmp_path,
        deployment,
        database_url,
        ["claim", "--what", "outbox", "--limit", "3", "--work-seconds", WORK_SECONDS[dialect]],
        workers,
    )

    with helpline.context.database.uow(read_only=True) as uow:
        replies = uow.session.scalars(select(OutboxRow)).all()
        rows = {row.id: (row.claimed_by, row.attempts) for row in replies}
        assert {row.state for row in replies} == {"sent"}
    _assert_claimed_exactly_once(outs, expected, rows)


def test_concurrent_workers_run_each_triage_job_once(
    helpline, deployment, database_url, tmp_path
) -> None:
    workers, per_worker = WORK_SIZES[helpline.context.database.dialect]
    cases = {
        helpline.receive_message(burst.burst_event(0, n * 3)).case_id
        for n in range(workers * per_worker)
    }

    outs = _run_workers(tmp_path, deployment, database_url, ["work"], workers)

    reports = [json.loads(out.read_text()) for out in outs]
    assert sum(r["jobs_failed"] for r in reports) == 0, [r["errors"] for r in reports]
    assert sum(r["jobs_done"] for r in reports) == len(cases)
    assert sum(1 for r in reports if r["jobs_done"]) > 1
    with helpline.context.database.uow(read_only=True) as uow:
        jobs = uow.session.scalars(select(JobRow)).all()
        assert Counter((job.state, job.attempts) for job in jobs) == {("done", 1): len(cases)}
        statuses = Counter(uow.session.scalars(select(CaseRow.status)).all())
    assert statuses == {CaseStatus.TRIAGED: len(cases)}


def test_racing_deliveries_store_each_message_once(
    helpline, deployment, database_url, tmp_path
) -> None:
    # Fresh database: the racers also race to give out the year's first case number.
    workers, count = DELIVER_SIZES[helpline.context.database.dialect]
    outs = _run_workers(
        tmp_path,
        deployment,
        database_url,
        ["deliver", "--iteration", "7", "--count", str(count)],
        workers,
    )

    outcomes: dict[str, Counter[str]] = {}
    for out in outs:
        lines = out.read_text().splitlines()
        assert len(lines) == count
        for line in lines:
            pid, outcome = line.split()
            outcomes.setdefault(pid, Counter())[outcome] += 1
    assert set(outcomes) == {burst.provider_id(7, n) for n in range(count)}
    for pid, seen in outcomes.items():
        assert seen == {"stored": 1, "duplicate": workers - 1}, pid
    assert _count(helpline, MessageRow.id) == count
    assert _count(helpline, JobRow.id) == count
    for n in range(count):
        assert helpline.receive_message(burst.burst_event(7, n)).duplicate


# -- kill -9 during a burst of intake on SQLite ---------------------------------------------


@contextlib.contextmanager
def _burst_children() -> Iterator[list[subprocess.Popen[str]]]:
    """A list to put burst children in; any still alive at the end are killed."""
    started: list[subprocess.Popen[str]] = []
    try:
        yield started
    finally:
        for child in started:
            if child.poll() is None:
                child.kill()
            child.wait()
            for stream in (child.stdin, child.stdout):
                if stream is not None:
                    stream.close()


def _start_burst(deployment: Path, database_url: str, iteration: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            str(HELPER),
            "burst",
            "--config",
            str(deployment / "helpline.toml"),
            "--database-url",
            database_url,
            "--iteration",
            str(iteration),
            "--count",
            str(BURST_MESSAGES),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _expect_line(child: subprocess.Popen[str], expected: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == expected, f"the child said {line!r}, not {expected!r} (exit {child.poll()})"


def _sqlite_checks(path: Path) -> None:
    connection = sqlite3.connect(path)  # the first to open the file after the crash
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


def test_kill_9_during_intake_loses_no_acknowledged_message(
    deployment, keys_env, plugin_manager, tmp_path
) -> None:
    from helplinekit.api import Helpline

    path = tmp_path / "crash.db"
    url = f"sqlite:///{path}"
    rng = random.Random(os.environ.get("HELPLINEKIT_CRASH_SEED", "kill-9"))
    expected_messages = 0
    acknowledged_per_run: list[int] = []
    killed_mid_burst = 0
    committed_unacknowledged = 0

    helpline = Helpline.open(deployment / "helpline.toml", pm=plugin_manager, database_url=url)
    with helpline, _burst_children() as children:
        # Two children ahead, importing while the one before them runs, to save time.
        children.extend(_start_burst(deployment, url, i) for i in range(2))
        for iteration in range(CRASH_RUNS):
            child = children[iteration]
            _expect_line(child, "loaded")
            helpline.context.database.engine.dispose()  # no connection of ours during the crash
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            _expect_line(child, "ready")
            if iteration + 2 < CRASH_RUNS:
                children.append(_start_burst(deployment, url, iteration + 2))
            first: list[str] = []
            if iteration % 2:
                # Every other run is killed only after its first acknowledgement, so half
                # the runs test acknowledged messages however slow the machine is (a loaded
                # machine would otherwise kill most children before they acknowledge any).
                first = [child.stdout.readline().strip()]
            time.sleep(rng.uniform(*KILL_AFTER_SECONDS))
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            lines = first + child.stdout.read().split()
            finished = lines[-1:] == ["done"]
            acked = lines[:-1] if finished else lines
            assert acked == [burst.provider_id(iteration, n) for n in range(len(acked))]
            acknowledged_per_run.append(len(acked))
            if child.returncode == -signal.SIGKILL and not finished:
                killed_mid_burst += 1

            _sqlite_checks(path)
            # Every acknowledged message is stored: its redelivery is a duplicate.
            for n in range(len(acked)):
                result = helpline.receive_message(burst.burst_event(iteration, n))
                assert result.duplicate, f"acknowledged message {acked[n]} was lost"
            expected_messages += len(acked)
            if not finished:
                # The provider redelivers the message that was in flight: stored exactly once,
                # whether or not it was committed before the kill.
                result = helpline.receive_message(burst.burst_event(iteration, len(acked)))
                committed_unacknowledged += result.duplicate
                expected_messages += 1
            # Nothing half-stored: every message has its triage job, every caller and case
            # its data key; no message stored twice or out of nowhere.
            assert _count(helpline, MessageRow.id) == expected_messages
            assert _count(helpline, JobRow.id) == expected_messages
            assert _count(helpline, DataKeyRow.id) == _count(helpline, CallerRow.id) + _count(
                helpline, CaseRow.id
            )

        # Cold, after the last crash: every stored message still decrypts.
        helpline.context.database.engine.dispose()
        _sqlite_checks(path)
        with helpline.context.database.uow(read_only=True) as uow:
            ids = uow.session.scalars(select(MessageRow.id)).all()
            assert all(uow.messages.get(i).body for i in ids)
        assert len(ids) == expected_messages

    print(
        f"\n{CRASH_RUNS} kill -9 runs: {killed_mid_burst} killed mid-burst, "
        f"{sum(acknowledged_per_run)} messages acknowledged "
        f"(per run {min(acknowledged_per_run)}–{max(acknowledged_per_run)}), "
        f"{committed_unacknowledged} committed but killed before the acknowledgement"
    )
    assert killed_mid_burst >= CRASH_RUNS * 0.9
