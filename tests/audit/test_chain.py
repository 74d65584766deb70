"""The chain and checkpoints on their own, without a database."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

from helplinekit.config import ConfigError
from helplinekit.security.audit import (
    GENESIS,
    AuditEntry,
    Checkpoint,
    CheckpointError,
    canonical,
    chain_hash,
    check_details,
    check_settings,
    generate_signing_key,
    sign_checkpoint,
    signing_public_key,
    unreadable_entry,
    verify_chain,
)

START = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def chain(count: int, start: datetime = START) -> list[AuditEntry]:
    entries, prev = [], GENESIS
    for seq in range(1, count + 1):
        entry = AuditEntry(
            seq=seq,
            at=start + timedelta(seconds=seq),
            actor_kind="staff",
            actor_id=uuid.UUID(int=seq % 3),
            os_user=None,
            action="case.view",
            object_kind="case",
            object_id=str(uuid.UUID(int=seq)),
            details={"n": seq},
            prev_hash=prev,
        )
        entry = attrs.evolve(entry, hash=chain_hash(prev, entry))
        entries.append(entry)
        prev = entry.hash
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = chain(10)
    result = verify_chain(entries, head=(10, entries[-1].hash))
    assert result.ok and result.entries == 10
    assert result.describe() == "The audit log is intact: 10 entries, hash chain valid."
    assert verify_chain([], head=(0, GENESIS)).ok


def test_the_hash_ignores_the_offset_the_time_was_written_with() -> None:
    # Regression: an entry written with a non-UTC clock comes back from the database in
    # UTC; the hashed form must not change, or the entry can never be verified.
    entry = chain(1)[0]
    karachi = entry.at.astimezone(timezone(timedelta(hours=5)))
    assert canonical(attrs.evolve(entry, at=karachi)) == canonical(entry)
    with pytest.raises(ValueError, match="timezone-aware"):
        canonical(attrs.evolve(entry, at=entry.at.replace(tzinfo=None)))


def test_the_first_bad_entry_is_named() -> None:
    entries = chain(10)
    head = (10, entries[-1].hash)
    edited = [*entries[:4], attrs.evolve(entries[4], action="case.list"), *entries[5:]]
    result = verify_chain(edited, head=head)
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert result.describe().startswith("The audit log is NOT intact at entry 5:")
    gone = entries[:3] + entries[4:]
    assert verify_chain(gone, head=head).first_bad_seq == 4
    assert "entry 4 is missing" in verify_chain(gone, head=head).problem
    shuffled = [*entries[:2], entries[6], *entries[3:6], entries[2], *entries[7:]]
    assert verify_chain(shuffled, head=head).first_bad_seq == 3
    repeated = [*entries[:5], entries[4], *entries[5:]]
    assert verify_chain(repeated, head=head).first_bad_seq == 5
    # The tail removed without fixing the head row; entries added behind its back.
    assert verify_chain(entries[:7], head=head).first_bad_seq == 8
    assert verify_chain(entries, head=(7, entries[6].hash)).first_bad_seq == 8
    assert verify_chain(entries, head=(10, "f" * 64)).first_bad_seq == 10
    # A field of the wrong shape (as altered outside) fails where it is, without crashing.
    broken = [*entries[:2], attrs.evolve(entries[2], details=[1, 2]), *entries[3:]]
    assert verify_chain(broken, head=head).first_bad_seq == 3
    unreadable = [*entries[:5], unreadable_entry(6), *entries[6:]]
    result = verify_chain(unreadable, head=head)
    assert result.first_bad_seq == 6 and "cannot be read" in result.problem


def _write(tmp_path: Path, checkpoint: Checkpoint, name: str = "cp.json") -> Path:
    path = tmp_path / name
    path.write_text(checkpoint.to_json())
    return path


def test_checkpoints_catch_truncation_and_rewriting(tmp_path: Path) -> None:
    pem, public_key = generate_signing_key()
    assert signing_public_key(pem) == public_key
    entries = chain(20)
    path = _write(tmp_path, sign_checkpoint(pem, 15, entries[14].hash, START))
    checkpoint = Checkpoint.load(path, trusted_public_key=public_key)
    assert (checkpoint.seq, checkpoint.hash, checkpoint.at) == (15, entries[14].hash, START)
    assert verify_chain(entries, head=(20, entries[-1].hash), checkpoint=checkpoint).ok
    cut = entries[:12]
    result = verify_chain(cut, head=(12, cut[-1].hash), checkpoint=checkpoint)
    assert (result.ok, result.first_bad_seq) == (False, 13)
    assert "the tail was removed" in result.problem
    # A checkpoint of the empty log vouches for the genesis hash.
    empty = Checkpoint.load(
        _write(tmp_path, sign_checkpoint(pem, 0, GENESIS, START), "empty.json"),
        trusted_public_key=public_key,
    )
    assert verify_chain([], head=(0, GENESIS), checkpoint=empty).ok
    assert verify_chain(entries, checkpoint=empty).ok


def test_a_checkpoint_from_another_key_or_forged_is_refused(tmp_path: Path) -> None:
    pem, public_key = generate_signing_key()
    other_pem, _ = generate_signing_key()
    entries = chain(5)
    foreign = _write(tmp_path, sign_checkpoint(other_pem, 5, entries[-1].hash, START))
    with pytest.raises(CheckpointError, match="signed with a key other than"):
        Checkpoint.load(foreign, trusted_public_key=public_key)
    # Claiming the trusted key does not help without its signature.
    document = json.loads(foreign.read_text())
    document["public_key"] = public_key
    foreign.write_text(json.dumps(document))
    with pytest.raises(CheckpointError, match="invalid signature"):
        Checkpoint.load(foreign, trusted_public_key=public_key)
    # Any change to what was signed breaks the signature.
    genuine = _write(tmp_path, sign_checkpoint(pem, 5, entries[-1].hash, START), "genuine.json")
    for key, value in (("seq", 4), ("hash", "0" * 64), ("at", START.isoformat() + "x")):
        document = json.loads(genuine.read_text())
        document[key] = value
        genuine.write_text(json.dumps(document))
        with pytest.raises(CheckpointError):
            Checkpoint.load(genuine, trusted_public_key=public_key)
        genuine = _write(tmp_path, sign_checkpoint(pem, 5, entries[-1].hash, START), "g.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "not a helplinekit audit checkpoint"),
        ("not json", "unreadable"),
        ('{"format": "helplinekit-audit-checkpoint/1"}', "unreadable"),
        (None, "cannot be read"),  # a folder
    ],
)
def test_an_unreadable_checkpoint_is_a_clear_error(tmp_path: Path, content, message) -> None:
    path = tmp_path / "cp.json"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    with pytest.raises(CheckpointError, match=message):
        Checkpoint.load(path, trusted_public_key=None)
    with pytest.raises(CheckpointError, match="no checkpoint file"):
        Checkpoint.load(tmp_path / "missing.json", trusted_public_key=None)


def test_a_checkpoint_seq_must_be_an_exact_count(tmp_path: Path) -> None:
    pem, public_key = generate_signing_key()
    path = _write(tmp_path, sign_checkpoint(pem, 5, "a" * 64, START))
    for bad in ("5", 5.0, True, -1):
        document = json.loads(path.read_text())
        document["seq"] = bad
        path.write_text(json.dumps(document))
        with pytest.raises(CheckpointError, match="unreadable"):
            Checkpoint.load(path, trusted_public_key=public_key)
    with pytest.raises(CheckpointError, match="not a PEM Ed25519"):
        sign_checkpoint(b"not a key", 1, "a" * 64, START)


def test_audit_settings_are_checked(tmp_path: Path) -> None:
    _, public_key = generate_signing_key()
    assert check_settings(None) is None
    assert check_settings({}) is None
    assert check_settings({"checkpoint_public_key": f" {public_key} "}) == public_key
    with pytest.raises(ConfigError) as unknown:
        check_settings({"checkpoint_key": public_key}, tmp_path / "helpline.toml")
    assert "audit.checkpoint_key" in str(unknown.value)
    assert "checkpoint_public_key" in str(unknown.value)
    for bad in ("not base64!", base64.b64encode(b"short").decode(), 42):
        with pytest.raises(ConfigError, match="not an Ed25519 public key"):
            check_settings({"checkpoint_public_key": bad})


@pytest.mark.parametrize(
    "value",
    [
        "ayesha khan",  # a name: has a space
        "ayesha@example.org",  # an email
        "+923007654321",  # a number with its plus
        "He is blackmailing me",  # note text
        "x" * 65,  # too long to be a machine word
        3.5,  # not a count
        {"nested": "dict"},
        ["ok", "not ok"],
    ],
)
def test_check_details_refuses_free_text_without_quoting_it(value) -> None:
    with pytest.raises(ValueError) as refused:
        check_details({"term": value})
    message = str(refused.value)
    assert "free text" in message and "'term'" in message
    for part in value if isinstance(value, list) else [value]:
        assert str(part) not in message.replace("'term'", "")


# -- keyed chains ----------------------------------------------------------------------------


def keyed_after(entries: list[AuditEntry], key: bytes, count: int) -> list[AuditEntry]:
    """``entries`` then an ``audit.keyed`` marker and ``count`` more entries, all keyed."""
    from helplinekit.security.audit import AUDIT_KEYED, chain_mac

    out, prev = list(entries), entries[-1].hash if entries else GENESIS
    for offset in range(count + 1):
        seq = len(entries) + offset + 1
        entry = AuditEntry(
            seq=seq,
            at=START + timedelta(seconds=seq),
            actor_kind="system",
            actor_id=None,
            os_user=None,
            action=AUDIT_KEYED if offset == 0 else "case.view",
            object_kind="audit" if offset == 0 else "case",
            object_id=None if offset == 0 else str(uuid.UUID(int=seq)),
            details={"hash_chained": len(entries)} if offset == 0 else {},
            prev_hash=prev,
        )
        entry = attrs.evolve(entry, hash=chain_mac(key, prev, entry))
        out.append(entry)
        prev = entry.hash
    return out


def test_an_upgraded_chain_names_where_keying_starts_and_checks_both_parts() -> None:
    key = b"a" * 32
    entries = keyed_after(chain(5), key, 4)
    head = (10, entries[-1].hash)
    result = verify_chain(entries, head=head, key=key)
    assert (result.ok, result.keyed_from) == (True, 6)
    assert result.describe() == (
        "The audit log is intact: 10 entries. Entries 1–5 are hash-chained (written before "
        "the audit key was added); keyed from entry 6. Both parts are valid."
    )
    # Without the key, or with another key, the keyed part cannot be vouched for.
    assert verify_chain(entries, head=head).first_bad_seq == 6
    other = verify_chain(entries, head=head, key=b"b" * 32)
    assert (other.ok, other.first_bad_seq) == (False, 6)
    # Keyed from the first entry.
    relinked = keyed_after([], key, 2)
    result = verify_chain(relinked, key=key)
    assert (result.ok, result.keyed_from) == (True, 1)
    assert result.describe() == "The audit log is intact: 3 entries, keyed chain valid."


def test_a_provider_without_an_audit_key_method_still_works() -> None:
    from helplinekit.contracts import AuditKeyProvider, KeyUnavailable
    from helplinekit.security.audit import AuditKeySource, provider_audit_key

    class Before:  # a provider plugin written before audit keys
        name = "acme.old"

    class Broken:
        name = "acme.broken"

        def audit_key(self) -> bytes:
            return b"short"

    assert provider_audit_key(Before()) is None
    assert not isinstance(Before(), AuditKeyProvider) and isinstance(Broken(), AuditKeyProvider)
    assert AuditKeySource(Before()).get() is None
    with pytest.raises(KeyUnavailable, match="'acme.broken' returned an audit key"):
        provider_audit_key(Broken())
    assert "a" * 10 not in repr(AuditKeySource(key=b"a" * 32))
