"""Engines for SQLite (the embedded default) and PostgreSQL (production).

SQLite gets WAL, foreign keys, ``secure_delete`` (erased pages are zeroed, so shredded key
bytes do not linger in free pages) and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing half-way through.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

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
