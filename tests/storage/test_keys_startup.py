"""Keys at start-up: missing or wrong keys refuse to start, clearly, and write nothing.

"Nothing written" is checked on a snapshot of every table (row count and a hash of the
rows) and, on SQLite, on the bytes of the database file and its WAL.
"""

from __future__ import annotations

import base64
import json
import secrets
import stat
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory

from helplinekit.api import Helpline, StartupError
from helplinekit.contracts import InboundMessage
from helplinekit.db import migrate
from helplinekit.db.engine import make_engine
from helplinekit.domain import parse_urn
from helplinekit.security.keyfile import INDEX_KEY_ENV, KEK_ENV, KeyFileProvider, default_key_path

pytestmark = pytest.mark.database


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _store_message(helpline: Any, body: str) -> Any:
    """A survivor's message (a caller with a blind-indexed number, a case, a data key)."""
    result = helpline.receive_message(
        InboundMessage(
            channel="web.form",
            urn=parse_urn("tel:+923001234567"),
            provider_message_id=secrets.token_hex(8),
            body=body,
        )
    )
    assert result.stored
    return result.case_id


def _bodies(helpline: Any, case_id: Any) -> list[str]:
    timeline = helpline.read_timeline(helpline.system(), case_id)
    return [message.body for entry in timeline for message, _ in entry.messages]


class Snapshot:
    """Everything stored, to compare before and after a refused start-up."""

    def __init__(self, url: str, storage: Any) -> None:
        self.url = url
        self.storage = storage
        self.path = storage.sqlite_path(url) if url.startswith("sqlite") else None

    def files(self) -> dict[str, str] | None:
        return None if self.path is None else self.storage.file_snapshot(self.path)

    def tables(self) -> dict[str, tuple[int, str]]:
        return self.storage.logical_snapshot(self.url)


def _refused_without_writing(open_helpline: Any, url: str, storage: Any) -> StartupError:
    """Open with the (wrong) keys now in the environment; check nothing was written."""
    snapshot = Snapshot(url, storage)
    tables = snapshot.tables()
    files = snapshot.files()  # taken right around the attempt: the snapshot reads them too
    with pytest.raises(StartupError) as refused:
        open_helpline()
    assert snapshot.files() == files, "the refused start-up changed the database files"
    assert snapshot.tables() == tables, "the refused start-up changed stored rows"
    assert sum(count for count, _ in tables.values()) > 0
    return refused.value


def test_start_without_any_key_refuses_and_says_how(
    open_helpline, database_url, deployment, monkeypatch, storage
) -> None:
    monkeypatch.delenv(KEK_ENV)
    monkeypatch.delenv(INDEX_KEY_ENV)
    before = None if database_url.startswith("sqlite") else storage.logical_snapshot(database_url)
    with pytest.raises(StartupError) as refused:
        open_helpline()
    message = str(refused.value)
    assert "helplinekit keys init" in message
    assert str(default_key_path(deployment)) in message  # where the key was looked for
    assert KEK_ENV in message and INDEX_KEY_ENV in message  # the other way to give it
    if database_url.startswith("sqlite"):
        assert not storage.sqlite_path(database_url).exists(), "no database was created"
    else:
        assert storage.logical_snapshot(database_url) == before


def test_start_with_half_the_keys_in_the_environment_names_the_missing_one(
    deployment, keys_env, plugin_manager, tmp_path, monkeypatch
) -> None:
    # Refused before any database is opened, so one database kind is enough.
    monkeypatch.delenv(INDEX_KEY_ENV)
    url = f"sqlite:///{tmp_path / 'never.db'}"
    with pytest.raises(StartupError, match=INDEX_KEY_ENV):
        Helpline.open(deployment / "helpline.toml", pm=plugin_manager, database_url=url)
    assert not (tmp_path / "never.db").exists()


def test_wrong_key_encryption_key_refuses_and_writes_nothing(
    open_helpline, database_url, keys_env, monkeypatch, storage
) -> None:
    helpline = open_helpline()
    case_id = _store_message(helpline, "my photos were posted")
    helpline.close()

    wrong = _new_key()
    monkeypatch.setenv(KEK_ENV, wrong)
    error = _refused_without_writing(open_helpline, database_url, storage)
    message = str(error)
    assert "key-encryption key does not match" in message
    assert "Restore the key file" in message
    assert wrong not in message and keys_env[KEK_ENV] not in message  # no key material

    # The right key still reads everything: the refused start-up damaged nothing.
    monkeypatch.setenv(KEK_ENV, keys_env[KEK_ENV])
    assert _bodies(open_helpline(), case_id) == ["my photos were posted"]


def test_wrong_key_on_an_older_schema_refuses_before_migrating(
    open_helpline, database_url, keys_env, monkeypatch, storage
) -> None:
    """A refused start-up does not even upgrade the schema (SQLite migrates at start-up)."""
    previous = ScriptDirectory(str(migrate.MIGRATIONS)).get_revision(migrate.head_revision())
    if previous is None or previous.down_revision is None:
        pytest.skip("there is only one migration")
    helpline = open_helpline()
    case_id = _store_message(helpline, "before the upgrade")
    helpline.close()
    engine = make_engine(database_url)
    migrate.downgrade(engine, str(previous.down_revision))
    engine.dispose()

    monkeypatch.setenv(KEK_ENV, _new_key())
    message = str(_refused_without_writing(open_helpline, database_url, storage))
    if database_url.startswith("sqlite"):
        assert "key-encryption key does not match" in message
    else:  # PostgreSQL is never migrated at start-up
        assert "helplinekit db upgrade" in message
    engine = make_engine(database_url)
    assert migrate.current_revision(engine) == previous.down_revision
    engine.dispose()

    monkeypatch.setenv(KEK_ENV, keys_env[KEK_ENV])
    if not database_url.startswith("sqlite"):
        engine = make_engine(database_url)
        migrate.upgrade(engine)  # 'helplinekit db upgrade'
        engine.dispose()
    assert _bodies(open_helpline(), case_id) == ["before the upgrade"]


def test_wrong_blind_index_key_refuses_and_writes_nothing(
    open_helpline, database_url, keys_env, monkeypatch, storage
) -> None:
    helpline = open_helpline()
    case_id = _store_message(helpline, "he threatens me")
    helpline.close()

    wrong = _new_key()
    monkeypatch.setenv(INDEX_KEY_ENV, wrong)  # the key-encryption key is the right one
    error = _refused_without_writing(open_helpline, database_url, storage)
    message = str(error)
    assert "blind-index key does not match" in message
    assert "Restore the key file" in message
    assert wrong not in message and keys_env[INDEX_KEY_ENV] not in message

    monkeypatch.setenv(INDEX_KEY_ENV, keys_env[INDEX_KEY_ENV])
    helpline = open_helpline()
    assert _bodies(helpline, case_id) == ["he threatens me"]
    # ...and the returning caller is still recognised through the blind index.
    again = _store_message(helpline, "it happened again")
    assert again == case_id


def test_fresh_database_with_new_keys_starts(open_helpline, monkeypatch) -> None:
    monkeypatch.setenv(KEK_ENV, _new_key())
    monkeypatch.setenv(INDEX_KEY_ENV, _new_key())
    helpline = open_helpline()
    assert helpline.list_cases(helpline.system()).total == 0
    case_id = _store_message(helpline, "first message")
    helpline.close()
    assert _bodies(open_helpline(), case_id) == ["first message"]  # and again, same keys


def test_key_file_works_end_to_end(
    open_helpline, database_url, deployment, monkeypatch, storage
) -> None:
    monkeypatch.delenv(KEK_ENV)
    monkeypatch.delenv(INDEX_KEY_ENV)
    path = KeyFileProvider({}, deployment).create()
    assert path == default_key_path(deployment)
    assert not path.resolve().is_relative_to(deployment.resolve()), "kept outside the folder"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    helpline = open_helpline()
    case_id = _store_message(helpline, "from the key file")
    helpline.close()
    helpline = open_helpline()  # the same key file opens the data again
    assert _bodies(helpline, case_id) == ["from the key file"]

    # The keys live only in the key file: none of their bytes are in the database.
    document = json.loads(path.read_text(encoding="utf-8"))
    secrets_b64 = [*document["keks"].values(), document["index_key"]]
    key_bytes = [base64.b64decode(value) for value in secrets_b64]
    if database_url.startswith("sqlite"):
        stored = b"".join(storage.sqlite_files(storage.sqlite_path(database_url)).values())
    else:
        stored = storage.pg_dump(database_url)
    for value in [*secrets_b64, *key_bytes]:
        pattern = value.encode() if isinstance(value, str) else value
        assert pattern not in stored
        if isinstance(value, bytes):
            assert value.hex().encode() not in stored
    helpline.close()

    # Another key file (a lost one replaced by `keys init`) cannot open the data.
    Path(path).unlink()
    KeyFileProvider({}, deployment).create()
    with pytest.raises(StartupError, match="key-encryption key does not match"):
        open_helpline()
