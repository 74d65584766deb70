"""Engines for SQLite (the embedded default) and PostgreSQL (production).

SQLite gets WAL, foreign keys, ``secure_delete`` (erased pages are zeroed, so shredded key
bytes do not linger in free pages) and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing half-way through.
"""

from __future__ import annotations

from typing import Any

from attrs import frozen
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

#: How long a SQLite writer waits for the lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000

#: Execution option marking a read-only unit of work (SQLite then uses a deferred BEGIN).
READ_ONLY = "helplinekit_read_only"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that do not name a driver."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine configured for helplinekit's transaction discipline."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


#: Below this many cases any query plan is fast: statistics are not worth keeping yet.
STATISTICS_FROM_CASES = 1000


def refresh_statistics(engine: Engine) -> bool:
    """SQLite: run ``ANALYZE`` when its planner statistics are missing or out of date.

    Without statistics SQLite guesses that a status filter is selective and sorts a whole
    queue instead of reading it off its index (150 ms instead of 0.1 ms at 100,000 cases).
    They are refreshed when the number of cases has doubled or halved since they were
    taken. PostgreSQL keeps its own (autovacuum). Returns whether ANALYZE ran.
    """
    if engine.dialect.name != "sqlite":
        return False
    reader = engine.execution_options(**{READ_ONLY: True})
    with reader.connect() as connection:
        cases = int(connection.exec_driver_sql("SELECT count(*) FROM cases").scalar_one())
        has_stats = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).scalar_one()
        stat = (
            connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases' LIMIT 1"
            ).scalar()
            if has_stats
            else None
        )
    known = int(str(stat).split()[0]) if stat else 0
    if cases < STATISTICS_FROM_CASES or (known and known / 2 <= cases <= known * 2):
        return False
    with engine.begin() as connection:
        # Only the queue's tables. A SQLite built with STAT4 would also keep sample index
        # values (a caller's blind index, say) where erasure does not reach: only the
        # row counts of sqlite_stat1 are kept.
        connection.exec_driver_sql("ANALYZE cases")
        connection.exec_driver_sql("ANALYZE case_assignments")
        for table in ("sqlite_stat3", "sqlite_stat4"):
            present = connection.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name = ?", (table,)
            ).scalar_one()
            if present:
                connection.exec_driver_sql(f"DELETE FROM {table}")
    return True


def checkpoint_wal(engine: Engine) -> bool:
    """On SQLite, move the write-ahead log into the database and truncate it to 0 bytes.

    True when the checkpoint completed; False when another connection still reads an older
    snapshot (try again later).
    """
    with engine.connect() as connection:
        # Outside helplinekit's BEGIN IMMEDIATE: a checkpoint cannot run in a transaction.
        raw = connection.connection.driver_connection
        if raw is None:  # pragma: no cover - a pooled connection always has its driver's
            return False
        busy, _log_frames, _moved = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(busy == 0)


@frozen
class PostgresAddress:
    """Where a PostgreSQL database is, as its command-line tools (pg_dump) are told.

    Attributes:
        host / port: the server (127.0.0.1:5432 when the URL names none).
        username: the role to connect as, or None for the tools' default.
        database: the database name.
    """

    host: str
    port: int
    username: str | None
    database: str


def sqlite_path(url: str) -> str:
    """The file a SQLite URL points at ("" for an in-memory database)."""
    return make_url(url).database or ""


def postgres_address(url: str) -> PostgresAddress:
    parsed = make_url(url)
    return PostgresAddress(
        parsed.host or "127.0.0.1", parsed.port or 5432, parsed.username, parsed.database or ""
    )


def has_tables(url: str) -> bool:
    """Whether the database at ``url`` holds any table at all."""
    engine = make_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()
