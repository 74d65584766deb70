"""Benchmark: intake events per second, through the service and as raw inserts.

Run: ``python bench/intake.py [--events N] [--rounds R] [--postgres-url URL] [--no-postgres]
[--profile sqlite|postgresql]``.

For SQLite (a file, ``synchronous=FULL``) and PostgreSQL (a temporary database, created
and dropped here) it measures:

* the pipeline: ``Helpline.receive_message``, one transaction per event, with real
  encryption (AES-256-GCM, the default) and with ``NullCipher`` (no encryption);
* a raw SQLAlchemy Core insert of the same rows, one transaction per event, on an engine
  from ``helplinekit.db.engine.make_engine`` (same pragmas and ``BEGIN IMMEDIATE``): for a
  new sender the caller, its blind index, the case counter, the case, the contact, the
  message, the triage job and the two data keys; for a returning sender the message and
  the job (the message joins the caller's open case and ongoing conversation).

Four events in five come from a new sender, one in five from a returning one. Each path
runs on its own fresh database; the events are split into rounds and the three paths take
turns, so background load on the machine falls on all of them alike. It prints a
table and the two ratios the issue aims at: the encryption cost (real / null events/s, aim
≥ 0.7) and the pipeline against raw inserts (aim: within 3×). ``--profile`` runs the
pipeline once more under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import os
import pstats
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_POSTGRES_URL = os.environ.get(
    "HELPLINEKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CONFIG = """
[helpline]
name = "Benchmark Helpline"
country = "PK"
timezone = "Asia/Karachi"

[languages]
enabled = ["en"]
default = "en"

[channels]
enabled = ["web.form"]

[jurisdiction]
key = "intl.baseline"
"""
CHANNEL = "bench.sms"
BODY = (
    "Someone made a fake account with my photos and is sending them to my family. "
    "I am scared to go out. Please tell me what I can do."
)
WARM_UP = 20
RAW, NULL, REAL = "raw Core insert", "pipeline, NullCipher", "pipeline, AES-256-GCM"
RETURNING_EVERY = 5


# -- the events ------------------------------------------------------------------------------


def senders(count: int, offset: int = 0) -> list[tuple[int, bool]]:
    """For each event, (sender number, returning?): every 5th writes again (an earlier one)."""
    plan = []
    new = 0
    for i in range(count):
        if i % RETURNING_EVERY == RETURNING_EVERY - 1 and new:
            plan.append((offset + (i * 7919) % new, True))
        else:
            plan.append((offset + new, False))
            new += 1
    return plan


def events(count: int, run: str, offset: int) -> list[Any]:
    from helplinekit.contracts.channel import InboundMessage
    from helplinekit.domain import parse_urn

    return [
        InboundMessage(
            channel=CHANNEL,
            urn=parse_urn(f"tel:+92301{number:07d}"),
            provider_message_id=f"{run}-{offset + i}",
            body=BODY,
        )
        for i, (number, _) in enumerate(senders(count, offset))
    ]


# -- databases -------------------------------------------------------------------------------


@contextmanager
def temporary_database(kind: str, admin_url: str, folder: Path) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a PostgreSQL database dropped after."""
    from helplinekit.db import migrate
    from helplinekit.db.engine import make_engine

    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(admin_url)
    name = f"hk_bench_{uuid.uuid4().hex[:12]}"

    def admin_execute(statement: str) -> None:
        with psycopg.connect(
            host=admin.host,
            port=admin.port,
            user=admin.username,
            password=admin.password,
            dbname=admin.database,
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    admin_execute(f'CREATE DATABASE "{name}"')
    try:
        url = admin.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- what is measured ------------------------------------------------------------------------
#
# Each runner is opened once on its own fresh database, warmed up, then fed the events in
# interleaved rounds (raw, null, real, raw, null, real, ...) so that background load on the
# machine falls on every path alike. ``run(first, last)`` times events ``first … last-1``.


class Runner:
    def run(self, first: int, last: int) -> float:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Pipeline(Runner):
    """Events through ``Helpline.receive_message``, each its own transaction."""

    def __init__(self, url: str, folder: Path, cipher: Any, count: int) -> None:
        from helplinekit.api import Helpline
        from helplinekit.plugins import get_plugin_manager

        pm = get_plugin_manager(load_entrypoints=False)
        self.helpline = Helpline.open(
            folder / "helpline.toml", pm=pm, cipher=cipher, database_url=url
        )
        for event in events(WARM_UP, "warm", 9_000_000):
            self.helpline.receive_message(event)
        self.events = events(count, "timed", 0)

    def run(self, first: int, last: int) -> float:
        receive = self.helpline.receive_message
        chunk = self.events[first:last]
        start = time.perf_counter()
        for event in chunk:
            if not receive(event).stored:
                raise SystemExit("the benchmark's events must all be new messages")
        return time.perf_counter() - start

    def close(self) -> None:
        self.helpline.close()


def raw_insert() -> Callable[..., None]:
    """A function inserting the rows intake would for one event, with SQLAlchemy Core."""
    from sqlalchemy import insert, update

    from helplinekit.db.models import (
        CallerIndexRow,
        CallerRow,
        CaseCounterRow,
        CaseRow,
        ContactRow,
        DataKeyRow,
        JobRow,
        MessageRow,
    )

    data_keys, callers, index = DataKeyRow.__table__, CallerRow.__table__, CallerIndexRow.__table__
    counters, cases, contacts = CaseCounterRow.__table__, CaseRow.__table__, ContactRow.__table__
    messages, jobs = MessageRow.__table__, JobRow.__table__

    def blob(size: int) -> bytes:
        return os.urandom(size + 29)  # the size of an AES-GCM ciphertext of ``size`` bytes

    def one_event(
        connection: Any,
        state: dict[int, tuple[uuid.UUID, uuid.UUID, uuid.UUID]],
        number: int,
        returning: bool,
    ) -> None:
        now = datetime.now(UTC)
        if returning:
            caller_id, case_id, contact_id = state[number]
        else:
            caller_id, case_id, contact_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            state[number] = (caller_id, case_id, contact_id)
            connection.execute(
                insert(data_keys),
                [
                    {
                        "id": caller_id,
                        "owner_kind": "caller",
                        "kek_version": 1,
                        "wrapped": blob(32),
                        "created_at": now,
                    },
                    {
                        "id": case_id,
                        "owner_kind": "case",
                        "kek_version": 1,
                        "wrapped": blob(32),
                        "created_at": now,
                    },
                ],
            )
            connection.execute(
                insert(callers).values(
                    id=caller_id,
                    contact_points=blob(20),
                    display_name=None,
                    safe_contact_methods=blob(2),
                    consent_services=False,
                    consent_referral=False,
                    consent_statistics=False,
                    created_at=now,
                )
            )
            connection.execute(
                insert(index).values(
                    id=uuid.uuid4(),
                    caller_id=caller_id,
                    index_version=1,
                    value=secrets.token_hex(8),
                )
            )
            year = now.year
            counter = connection.execute(
                update(counters)
                .where(counters.c.year == year)
                .values(last_number=counters.c.last_number + 1)
                .returning(counters.c.last_number)
            ).scalar_one_or_none()
            if counter is None:
                counter = 1
                connection.execute(insert(counters).values(year=year, last_number=1))
            connection.execute(
                insert(cases).values(
                    id=case_id,
                    reference=f"HL-{year}-{counter:06d}",
                    caller_id=caller_id,
                    status="new",
                    categories=[],
                    attributes=blob(160),
                    risk_level="unknown",
                    language="en",
                    specialisms_needed=[],
                    needs_manual_triage=False,
                    legal_hold=False,
                    opened_at=now,
                    updated_at=now,
                )
            )
            connection.execute(
                insert(contacts).values(
                    id=contact_id,
                    caller_id=caller_id,
                    case_id=case_id,
                    channel=CHANNEL,
                    kind="message_thread",
                    is_first_contact=True,
                    address=blob(20),
                    started_at=now,
                )
            )
        message_id = uuid.uuid4()
        connection.execute(
            insert(messages).values(
                id=message_id,
                case_id=case_id,
                contact_id=contact_id,
                direction="inbound",
                channel=CHANNEL,
                provider_message_hash=secrets.token_hex(32),
                body=blob(len(BODY) + 2),
                attachments=blob(2),
                created_at=now,
            )
        )
        connection.execute(
            insert(jobs).values(
                id=uuid.uuid4(),
                kind="triage",
                case_id=case_id,
                message_id=message_id,
                state="pending",
                attempts=0,
                run_after=now,
                created_at=now,
            )
        )

    return one_event


class RawInsert(Runner):
    """The same rows with SQLAlchemy Core, one transaction per event."""

    def __init__(self, url: str, count: int) -> None:
        from helplinekit.db.engine import make_engine

        self.engine = make_engine(url)
        self.one_event = raw_insert()
        self.state: dict[int, tuple[uuid.UUID, uuid.UUID, uuid.UUID]] = {}
        for number, returning in senders(WARM_UP, 9_000_000):
            with self.engine.begin() as connection:
                self.one_event(connection, self.state, number, returning)
        self.plan = senders(count)

    def run(self, first: int, last: int) -> float:
        engine, one_event, state = self.engine, self.one_event, self.state
        chunk = self.plan[first:last]
        start = time.perf_counter()
        for number, returning in chunk:
            with engine.begin() as connection:  # one transaction per event
                one_event(connection, state, number, returning)
        return time.perf_counter() - start

    def close(self) -> None:
        self.engine.dispose()


# -- the report ------------------------------------------------------------------------------


def measure(kind: str, args: argparse.Namespace, folder: Path) -> dict[str, list[float]]:
    """Seconds per round for each path on ``kind``, the paths interleaved round by round."""
    from helplinekit.security.crypto import AesGcmCipher
    from helplinekit.testing import NullCipher

    builders: dict[str, Callable[[str], Runner]] = {
        RAW: lambda url: RawInsert(url, args.events),
        NULL: lambda url: Pipeline(url, folder, NullCipher(), args.events),
        REAL: lambda url: Pipeline(url, folder, AesGcmCipher(), args.events),
    }
    bounds = [args.events * r // args.rounds for r in range(args.rounds + 1)]
    seconds: dict[str, list[float]] = {label: [] for label in builders}
    with ExitStack() as stack:
        runners = {}
        for label, build in builders.items():
            url = stack.enter_context(temporary_database(kind, args.postgres_url, folder))
            runners[label] = build(url)
            stack.callback(runners[label].close)
        labels = list(runners)
        for r in range(args.rounds):
            for label in labels[r % 3 :] + labels[: r % 3]:  # a different order each round
                seconds[label].append(runners[label].run(bounds[r], bounds[r + 1]))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2_000, help="events per path")
    parser.add_argument(
        "--rounds", type=int, default=10, help="interleaved rounds the events are split into"
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a PostgreSQL database allowed to CREATE DATABASE (default: %(default)s)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument(
        "--profile",
        choices=["sqlite", "postgresql"],
        help="also profile the pipeline (AES-256-GCM) on this database and print the top",
    )
    args = parser.parse_args()
    args.rounds = max(1, min(args.rounds, args.events))

    os.environ["HELPLINEKIT_KEK"] = base64.b64encode(secrets.token_bytes(32)).decode()
    os.environ["HELPLINEKIT_INDEX_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
    kinds = ["sqlite"] if args.no_postgres else ["sqlite", "postgresql"]
    rates: dict[tuple[str, str], float] = {}
    print(
        f"Intake: {args.events} events per path, one transaction per event, "
        f"{100 // RETURNING_EVERY}% from returning senders, in {args.rounds} interleaved rounds\n"
    )
    print(
        f"{'database':<11} {'path':<23} {'seconds':>8} {'events/s':>9} {'ms/event':>9} "
        f"{'best round':>11}"
    )
    with tempfile.TemporaryDirectory(prefix="hk-bench-") as tmp:
        folder = Path(tmp)
        (folder / "helpline.toml").write_text(CONFIG, encoding="utf-8")
        for kind in kinds:
            for label, rounds in measure(kind, args, folder).items():
                total = sum(rounds)
                rates[kind, label] = args.events / total
                best = max((args.events / args.rounds) / s for s in rounds)
                print(
                    f"{kind:<11} {label:<23} {total:8.2f} {args.events / total:9.0f} "
                    f"{total * 1000 / args.events:9.2f} {best:9.0f}/s",
                    flush=True,
                )
        print()
        for kind in kinds:
            real, null, raw = rates[kind, REAL], rates[kind, NULL], rates[kind, RAW]
            print(
                f"{kind}: encryption cost ratio (real / null) = {real / null:.2f} (aim ≥ 0.7); "
                f"raw insert / pipeline = {raw / real:.2f}× (aim ≤ 3×; "
                f"{raw / null:.2f}× without encryption)"
            )

        if args.profile:
            from helplinekit.security.crypto import AesGcmCipher

            with temporary_database(args.profile, args.postgres_url, folder) as url:
                runner = Pipeline(url, folder, AesGcmCipher(), args.events)
                profiler = cProfile.Profile()
                profiler.enable()
                runner.run(0, args.events)
                profiler.disable()
                runner.close()
            print(f"\nWhere the pipeline's time goes on {args.profile} (cumulative, top 40):")
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
