"""The local.keyfile key provider: keys outside the folder, owner-only, never overwritten."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from helplinekit.contracts import KeyUnavailable
from helplinekit.security.keyfile import KeyFileProvider


def test_create_writes_owner_only_file_outside_the_folder(deployment: Path, tmp_path: Path) -> None:
    provider = KeyFileProvider({}, deployment)
    path = provider.create()
    assert not path.is_relative_to(deployment)
    assert path.stat().st_mode & 0o777 == 0o600
    version, kek = provider.key_encryption_key()
    assert version == 1 and len(kek) == 32
    assert len(provider.blind_index_key()) == 32
    assert provider.blind_index_key() != kek


def test_create_never_overwrites(deployment: Path) -> None:
    provider = KeyFileProvider({}, deployment)
    path = provider.create()
    before = path.read_bytes()
    with pytest.raises(KeyUnavailable, match="already exists"):
        KeyFileProvider({}, deployment).create()
    assert path.read_bytes() == before


def test_refuses_a_key_file_inside_the_deployment(deployment: Path) -> None:
    provider = KeyFileProvider({"path": "keys.json"}, deployment)
    with pytest.raises(KeyUnavailable, match="inside the deployment folder"):
        provider.create()
    assert not (deployment / "keys.json").exists()
    with pytest.raises(KeyUnavailable, match="inside the deployment folder"):
        provider.key_encryption_key()


def test_missing_key_file_says_how_to_fix(deployment: Path) -> None:
    with pytest.raises(KeyUnavailable, match="No key file at .*helplinekit keys init"):
        KeyFileProvider({}, deployment).key_encryption_key()


def test_readable_by_others_is_refused(deployment: Path) -> None:
    path = KeyFileProvider({}, deployment).create()
    os.chmod(path, 0o644)
    with pytest.raises(KeyUnavailable, match="chmod 600"):
        KeyFileProvider({}, deployment).blind_index_key()


def test_damaged_key_file_is_refused(deployment: Path) -> None:
    path = KeyFileProvider({}, deployment).create()
    document = json.loads(path.read_text())
    document["keks"]["1"] = base64.b64encode(b"short").decode()
    path.write_text(json.dumps(document))
    with pytest.raises(KeyUnavailable, match="5 bytes; a key must be 32"):
        KeyFileProvider({}, deployment).key_encryption_key()
    path.write_text("{not json")
    with pytest.raises(KeyUnavailable, match="damaged"):
        KeyFileProvider({}, deployment).key_encryption_key()


def test_unknown_key_version_is_refused(deployment: Path) -> None:
    KeyFileProvider({}, deployment).create()
    with pytest.raises(KeyUnavailable, match="version 7"):
        KeyFileProvider({}, deployment).key_encryption_key(7)


def test_environment_overrides_the_file(deployment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kek, index = b"k" * 32, b"i" * 32
    monkeypatch.setenv("HELPLINEKIT_KEK", base64.b64encode(kek).decode())
    monkeypatch.setenv("HELPLINEKIT_INDEX_KEY", base64.b64encode(index).decode())
    provider = KeyFileProvider({}, deployment)
    assert provider.key_encryption_key() == (1, kek)
    assert provider.blind_index_key() == index
    monkeypatch.delenv("HELPLINEKIT_INDEX_KEY")
    with pytest.raises(KeyUnavailable, match="HELPLINEKIT_INDEX_KEY is not set"):
        KeyFileProvider({}, deployment).key_encryption_key()


# -- the audit key ---------------------------------------------------------------------------


def test_a_new_key_file_holds_a_separate_audit_key(deployment: Path) -> None:
    provider = KeyFileProvider({}, deployment)
    provider.create()
    audit_key = provider.audit_key()
    assert audit_key is not None and len(audit_key) == 32
    assert audit_key not in (provider.key_encryption_key()[1], provider.blind_index_key())


def test_add_audit_key_keeps_every_other_key_and_never_replaces_one(deployment: Path) -> None:
    from helplinekit.security.keyfile import AuditKeyExists

    provider = KeyFileProvider({}, deployment)
    path = provider.create()
    old = json.loads(path.read_text())
    del old["audit_key"]  # a key file from before audit keys
    path.write_text(json.dumps(old))
    assert KeyFileProvider({}, deployment).audit_key() is None
    provider.add_audit_key()
    document = json.loads(path.read_text())
    assert {key: document[key] for key in old} == old
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(KeyFileProvider({}, deployment).audit_key() or b"") == 32
    before = path.read_bytes()
    with pytest.raises(AuditKeyExists, match="already holds an audit key; it was not changed"):
        KeyFileProvider({}, deployment).add_audit_key()
    assert path.read_bytes() == before
    # A provider that read the file before the key was added finds it when it asks again.
    document["audit_key"] = None
    path.write_text(json.dumps(document))
    stale = KeyFileProvider({}, deployment)
    assert stale.audit_key() is None
    path.write_text(before.decode())
    assert stale.audit_key() == base64.b64decode(json.loads(before)["audit_key"])


def test_a_damaged_audit_key_is_refused(deployment: Path) -> None:
    path = KeyFileProvider({}, deployment).create()
    document = json.loads(path.read_text())
    document["audit_key"] = base64.b64encode(b"short").decode()
    path.write_text(json.dumps(document))
    with pytest.raises(KeyUnavailable, match="audit_key holds 5 bytes"):
        KeyFileProvider({}, deployment).audit_key()


def test_the_audit_key_from_the_environment(deployment: Path, monkeypatch) -> None:
    monkeypatch.setenv("HELPLINEKIT_AUDIT_KEY", base64.b64encode(b"a" * 32).decode())
    with pytest.raises(KeyUnavailable, match="the keys come all from the environment"):
        KeyFileProvider({}, deployment).key_encryption_key()
    monkeypatch.setenv("HELPLINEKIT_KEK", base64.b64encode(b"k" * 32).decode())
    monkeypatch.setenv("HELPLINEKIT_INDEX_KEY", base64.b64encode(b"i" * 32).decode())
    provider = KeyFileProvider({}, deployment)
    assert provider.audit_key() == b"a" * 32
    with pytest.raises(KeyUnavailable, match="set HELPLINEKIT_AUDIT_KEY where they are set"):
        provider.add_audit_key()
    monkeypatch.delenv("HELPLINEKIT_AUDIT_KEY")
    assert KeyFileProvider({}, deployment).audit_key() is None
