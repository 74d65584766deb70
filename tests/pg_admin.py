"""The PostgreSQL server the database tests use: where it is, whether it is up, scratch databases.

Every development and CI machine runs PostgreSQL at 127.0.0.1:5432 (ARCHITECTURE.md);
``HELPLINEKIT_TEST_POSTGRES_URL`` points elsewhere. Each test that needs PostgreSQL gets a
database of its own, created here and dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

#: The administrative connection: a database that always exists, used to create the others.
ADMIN_URL = os.environ.get(
    "HELPLINEKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
#: In CI the PostgreSQL half of the database tests is mandatory, never skipped.
REQUIRED = os.environ.get("HELPLINEKIT_REQUIRE_POSTGRES", "") not in ("", "0")


def _connect(
    admin_url: str, *, connect_timeout: int | None = None, autocommit: bool = False
) -> psycopg.Connection[tuple[Any, ...]]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=url.database,
        connect_timeout=connect_timeout,
        autocommit=autocommit,
    )


def unavailable(admin_url: str = ADMIN_URL) -> str | None:
    """Why PostgreSQL cannot be used for the tests, or None when it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -r requirements-test.txt)"
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    try:
        _connect(admin_url, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return f"no PostgreSQL at {url.host}:{url.port} ({str(error).strip().splitlines()[0]})"
    return None


def admin_execute(admin_url: str, statement: str) -> None:
    """Run one statement outside a transaction (``CREATE DATABASE`` cannot run inside one)."""
    with _connect(admin_url, autocommit=True) as connection:
        connection.execute(statement)


def database_url(admin_url: str, name: str) -> str:
    """The URL of database ``name`` on the admin URL's server, with the same credentials."""
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def scratch_database(admin_url: str = ADMIN_URL, *, migrated: bool = False) -> Iterator[str]:
    """A new, empty database (migrated to head if ``migrated``); dropped on exit."""
    name = f"hk_test_{uuid.uuid4().hex[:12]}"
    admin_execute(admin_url, f'CREATE DATABASE "{name}"')
    try:
        url = database_url(admin_url, name)
        if migrated:
            from helplinekit.db import migrate
            from helplinekit.db.engine import make_engine

            engine = make_engine(url)
            migrate.upgrade(engine)
            engine.dispose()
        yield url
    finally:
        # FORCE: a test that failed may have left a connection open.
        admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
