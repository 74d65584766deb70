"""Backups restore with the same key and no other; key rotation survives interruption."""

from __future__ import annotations

import base64
import secrets
import shutil

import pytest
from sqlalchemy import func, select

from helplinekit.api import Helpline, StartupError
from helplinekit.contracts import InboundMessage
from helplinekit.db.models import DataKeyRow
from helplinekit.domain import parse_urn
from helplinekit.security.keyfile import KeyFileProvider
from helplinekit.services.backup import create_backup, restore_backup
from helplinekit.services.rotation import rotate_keys

pytestmark = pytest.mark.database


def receive(helpline, n: int) -> list:
    return [
        helpline.receive_message(
            InboundMessage(
                channel="test.sms",
                urn=parse_urn(f"tel:+9230012345{n + i:02d}"),
                provider_message_id=f"m{n + i}",
                body=f"message {n + i}",
            )
        )
        for i in range(3)
    ]


def bodies(helpline) -> list[str]:
    system = helpline.system()
    return sorted(
        m.body
        for case in helpline.list_cases(system, limit=500).cases
        for entry in helpline.read_timeline(system, case.id)
        for m, _ in entry.messages
    )


def test_backup_restores_with_the_same_key_only(
    open_helpline, deployment, database_url, tmp_path, monkeypatch, request
) -> None:
    helpline = open_helpline()
    receive(helpline, 0)
    expected = bodies(helpline)
    backup = create_backup(helpline.context, tmp_path / "backups" / "b1")
    assert backup.exists() and backup.stat().st_mode & 0o077 == 0

    # A fresh deployment folder and an empty database, same keys: everything decrypts.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    config_text = (deployment / "helpline.toml").read_text()
    if database_url.startswith("sqlite"):
        target_url = f"sqlite:///{fresh / 'helpline.db'}"
    else:
        target_url = request.getfixturevalue("another_postgres")
    (fresh / "helpline.toml").write_text(config_text + f'\n[database]\nurl = "{target_url}"\n')
    restore_backup(target_url, backup)
    restored = Helpline.open(fresh / "helpline.toml", pm=helpline.context.pm)
    try:
        assert bodies(restored) == expected
    finally:
        restored.close()

    # The same backup with another key: refused, nothing decrypts.
    monkeypatch.setenv("HELPLINEKIT_KEK", base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(StartupError, match="key-encryption key does not match"):
        Helpline.open(fresh / "helpline.toml", pm=helpline.context.pm)


def test_restore_refuses_to_overwrite_without_force(helpline, database_url, tmp_path) -> None:
    receive(helpline, 0)
    backup = create_backup(helpline.context, tmp_path / "b.backup")
    with pytest.raises(Exception, match="already holds"):
        restore_backup(database_url, backup)
    assert len(bodies(helpline)) == 3  # nothing was touched


@pytest.fixture
def keyfile_deployment(deployment, monkeypatch):
    monkeypatch.delenv("HELPLINEKIT_KEK", raising=False)
    monkeypatch.delenv("HELPLINEKIT_INDEX_KEY", raising=False)
    KeyFileProvider({}, deployment).create()
    return deployment


def test_rotation_interrupted_halfway_then_resumed(
    keyfile_deployment, database_url, plugin_manager
) -> None:
    if database_url.startswith("postgresql"):
        from helplinekit.db import migrate
        from helplinekit.db.engine import make_engine

        engine = make_engine(database_url)
        migrate.upgrade(engine)
        engine.dispose()
    helpline = Helpline.open(
        keyfile_deployment / "helpline.toml", pm=plugin_manager, database_url=database_url
    )
    try:
        for n in range(0, 30, 3):
            receive(helpline, n)
        expected = bodies(helpline)
        provider = helpline.context.key_provider
        calls = []

        def interrupt(done, total):
            calls.append(done)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the operator pressed Ctrl-C halfway

        with pytest.raises(KeyboardInterrupt):
            rotate_keys(helpline.context, provider, progress=interrupt, batch=10)
        with helpline.context.database.uow(read_only=True) as uow:
            versions = dict(
                uow.session.execute(
                    select(DataKeyRow.kek_version, func.count()).group_by(DataKeyRow.kek_version)
                ).all()
            )
        assert set(versions) == {1, 2}  # really halfway
        assert bodies(helpline) == expected  # every row still decrypts meanwhile

        report = rotate_keys(helpline.context, provider, start_new_key=True, batch=10)
        assert report.version == 2 and report.retired == (1,)
        with helpline.context.database.uow(read_only=True) as uow:
            left = uow.session.scalar(select(func.count()).where(DataKeyRow.kek_version != 2))
        assert left == 0
        assert bodies(helpline) == expected
        assert provider.versions() == [2]
    finally:
        helpline.close()
    reopened = Helpline.open(
        keyfile_deployment / "helpline.toml", pm=plugin_manager, database_url=database_url
    )
    try:
        assert bodies(reopened) == expected
    finally:
        reopened.close()


def test_old_key_file_is_refused_after_rotation(
    keyfile_deployment, tmp_path, plugin_manager
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    helpline = Helpline.open(
        keyfile_deployment / "helpline.toml", pm=plugin_manager, database_url=url
    )
    receive(helpline, 0)
    key_path = helpline.context.key_provider.path
    old_copy = tmp_path / "old-keys.json"
    shutil.copy(key_path, old_copy)
    rotate_keys(helpline.context, helpline.context.key_provider)
    helpline.close()
    shutil.copy(old_copy, key_path)
    with pytest.raises(StartupError):
        Helpline.open(keyfile_deployment / "helpline.toml", pm=plugin_manager, database_url=url)
