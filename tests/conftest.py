"""Core test configuration.

``helplinekit.testing`` is loaded as a pytest plugin through its entry point, so its
fixtures (``plugin_manager``, ``register_plugin``) are available here exactly as they are to
plugin authors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment folder with a valid helpline.toml, and a private config home for keys."""
    folder = tmp_path / "helpline"
    folder.mkdir()
    (folder / "helpline.toml").write_text(
        """
[helpline]
name = "Test Helpline"
country = "PK"
timezone = "Asia/Karachi"

[languages]
enabled = ["en"]
default = "en"

[channels]
enabled = ["web.form"]

[jurisdiction]
key = "intl.baseline"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.delenv("HELPLINEKIT_KEK", raising=False)
    monkeypatch.delenv("HELPLINEKIT_INDEX_KEY", raising=False)
    monkeypatch.delenv("HELPLINEKIT_AUDIT_KEY", raising=False)
    monkeypatch.delenv("HELPLINEKIT_CONFIG", raising=False)
    monkeypatch.delenv("HELPLINEKIT_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("HELPLINEKIT_TRACE_PLUGINS", raising=False)
    return folder


# -- databases: every database test runs on SQLite and on PostgreSQL ---------------------------

import base64  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "HELPLINEKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("HELPLINEKIT_REQUIRE_POSTGRES", "") not in ("", "0")


def _postgres_unavailable() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -r requirements-test.txt)"
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_ADMIN_URL)
    try:
        psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, connect_timeout=3
        ).close()
    except psycopg.OperationalError as error:
        return f"no PostgreSQL at {url.host}:{url.port} ({str(error).strip().splitlines()[0]})"
    return None


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    reason = _postgres_unavailable()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here (HELPLINEKIT_REQUIRE_POSTGRES=1): {reason}")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    return POSTGRES_ADMIN_URL


def _admin_execute(admin_url: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(
        host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
    ) as connection:
        connection.execute(statement)


@contextlib.contextmanager
def _scratch_postgres(admin: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"hk_test_{uuid.uuid4().hex[:12]}"
    _admin_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with _scratch_postgres(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture
def another_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    """A second empty PostgreSQL database (e.g. to restore a backup into)."""
    with _scratch_postgres(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL: a SQLite file, then (second run) a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'helpline.db'}"
    return request.getfixturevalue("fresh_postgres")


@pytest.fixture
def keys_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Random keys for this test, given to the key provider through the environment."""
    values = {
        "HELPLINEKIT_KEK": base64.b64encode(secrets.token_bytes(32)).decode(),
        "HELPLINEKIT_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def open_helpline(deployment: Path, database_url: str, keys_env, plugin_manager):
    """``open_helpline(**kwargs)`` opens the test deployment on the test database."""
    from helplinekit.api import Helpline

    opened = []

    if database_url.startswith("postgresql"):
        from helplinekit.db import migrate
        from helplinekit.db.engine import make_engine

        engine = make_engine(database_url)
        migrate.upgrade(engine)  # production runs 'helplinekit db upgrade' before serving
        engine.dispose()

    def open_(**kwargs):
        kwargs.setdefault("pm", plugin_manager)
        kwargs.setdefault("database_url", database_url)
        helpline = Helpline.open(deployment / "helpline.toml", **kwargs)
        opened.append(helpline)
        return helpline

    yield open_
    for helpline in opened:
        helpline.close()


@pytest.fixture
def helpline(open_helpline):
    """The test deployment, open on SQLite and then on PostgreSQL."""
    return open_helpline()
