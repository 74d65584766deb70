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
import secrets  # noqa: E402
from collections.abc import Iterator  # noqa: E402

from .pg_admin import ADMIN_URL, REQUIRED, scratch_database, unavailable  # noqa: E402


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    """The administrative URL of the test PostgreSQL server; skips (or fails in CI) without one."""
    reason = unavailable(ADMIN_URL)
    if reason:
        if REQUIRED:
            pytest.fail(f"PostgreSQL is required here (HELPLINEKIT_REQUIRE_POSTGRES=1): {reason}")
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    return ADMIN_URL


@pytest.fixture
def fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with scratch_database(request.getfixturevalue("postgres_admin")) as url:
        yield url


@pytest.fixture
def another_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    """A second empty PostgreSQL database (e.g. to restore a backup into)."""
    with scratch_database(request.getfixturevalue("postgres_admin")) as url:
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
