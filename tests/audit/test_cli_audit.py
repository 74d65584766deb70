"""``helplinekit audit keygen | checkpoint | verify`` on a real deployment and database."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import attrs
import pytest
from sqlalchemy import delete, select, update

from helplinekit.db.engine import make_engine
from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.security.audit import AuditEntry, Checkpoint, chain_hash, sign_checkpoint

from .conftest import run_workload
from .test_tampering import rewrite_tail

pytestmark = pytest.mark.database

LOG = AuditRow.__table__
HEAD = AuditHeadRow.__table__


@pytest.fixture
def engine(database_url: str):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _activity(cli, entries: int = 30) -> None:
    """Real casework on the deployment the CLI uses, through the Python API."""
    from helplinekit.api import Helpline

    with Helpline.open(cli.config, pm=cli.pm) as helpline:
        run_workload(helpline, entries)


def _one_more(cli) -> None:
    from helplinekit.api import Helpline
    from helplinekit.services.audit_trail import audit_now

    with Helpline.open(cli.config, pm=cli.pm) as helpline:
        audit_now(helpline.context, None, "test.later")


def _keygen(cli, path: Path) -> str:
    out = cli("audit", "keygen", "--out", str(path))
    [public_key] = re.findall(r'^checkpoint_public_key = "([^"]+)"$', out, re.M)
    assert "[audit]" in out and "OFF the database host" in out
    return public_key


def _trust(cli, public_key: str) -> None:
    cli.config.write_text(
        cli.config.read_text() + f'\n[audit]\ncheckpoint_public_key = "{public_key}"\n'
    )


def _stored(engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(LOG).order_by(LOG.c.seq))]


def test_keygen_checkpoint_verify_then_tampering_is_named(
    cli, engine, deployment: Path, tmp_path: Path
) -> None:
    keys = tmp_path / "offline"
    keys.mkdir()
    signing_key = keys / "audit-signing.pem"
    public_key = _keygen(cli, signing_key)
    assert stat.S_IMODE(signing_key.stat().st_mode) == 0o600
    assert signing_key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    # Never overwritten, never inside the deployment folder.
    assert "already exists" in cli("audit", "keygen", "--out", str(signing_key), expect=1)
    assert "inside the deployment folder" in cli(
        "audit", "keygen", "--out", str(deployment / "audit.pem"), expect=1
    )
    assert not (deployment / "audit.pem").exists()
    _trust(cli, public_key)
    _activity(cli)

    checkpoint = tmp_path / "checkpoint-1.json"
    out = cli("audit", "checkpoint", "--signing-key", str(signing_key), "--out", str(checkpoint))
    [seq] = map(int, re.findall(r"checkpoint of entry (\d+)", out))
    rows = _stored(engine)
    # The checkpoint is itself audited, and vouches for its own entry.
    assert rows[-1]["action"] == "audit.checkpoint" and rows[-1]["seq"] == seq
    assert rows[-1]["actor_kind"] == "system"
    assert "already exists" in cli(
        "audit", "checkpoint", "--signing-key", str(signing_key), "--out", str(checkpoint), expect=1
    )

    out = cli("audit", "verify")
    # 'keys init' gave this new deployment an audit key: keyed from the first entry.
    assert f"The audit log is intact: {seq} entries, keyed chain valid." in out
    assert "only hash-chained" not in out
    out = cli("audit", "verify", "--checkpoint", str(checkpoint))
    assert "intact" in out and f"Nothing up to entry {seq} was removed or rewritten" in out

    # Tamper with entry 3: make someone's view of a case look like a harmless list.
    with engine.begin() as connection:
        connection.execute(update(LOG).where(LOG.c.seq == 3).values(action="case.list"))
    out = cli("audit", "verify", expect=1)
    assert "NOT intact at entry 3: its content does not match its hash." in out
    assert "at entry 3" in cli("audit", "verify", "--checkpoint", str(checkpoint), expect=1)
    # A checkpoint refuses to launder a broken log.
    out = cli(
        "audit",
        "checkpoint",
        "--signing-key",
        str(signing_key),
        "--out",
        str(tmp_path / "laundered.json"),
        expect=1,
    )
    assert "not intact" in out and not (tmp_path / "laundered.json").exists()


def test_truncation_and_a_rewritten_tail_are_caught_by_the_checkpoint(
    cli, engine, tmp_path: Path
) -> None:
    signing_key = tmp_path / "audit-signing.pem"
    _trust(cli, _keygen(cli, signing_key))
    _activity(cli)
    checkpoint = tmp_path / "checkpoint.json"
    cli("audit", "checkpoint", "--signing-key", str(signing_key), "--out", str(checkpoint))
    _one_more(cli)
    rows = _stored(engine)
    n = rows[-1]["seq"]  # one entry came after the checkpoint

    # Remove the last 4 entries and fix the head row: a valid, shorter chain.
    with engine.begin() as connection:
        connection.execute(delete(LOG).where(LOG.c.seq > n - 4))
        connection.execute(update(HEAD).values(seq=n - 4, hash=rows[n - 5]["hash"]))
    assert "intact" in cli("audit", "verify")  # the chain alone cannot tell
    out = cli("audit", "verify", "--checkpoint", str(checkpoint), expect=1)
    assert f"NOT intact at entry {n - 3}" in out and "the tail was removed" in out

    # Restore, then rewrite from entry 2 onwards consistently, head row included.
    with engine.begin() as connection:
        connection.execute(delete(LOG))
        connection.execute(LOG.insert(), rows)
        connection.execute(update(HEAD).values(seq=n, hash=rows[-1]["hash"]))
    assert "intact" in cli("audit", "verify", "--checkpoint", str(checkpoint))
    entries = [AuditEntry(**row) for row in _stored(engine)]
    rewritten = rewrite_tail(entries, 1, attrs.evolve(entries[1], object_id="hidden"))
    assert rewritten[-1].hash == chain_hash(rewritten[-2].hash, rewritten[-1])
    with engine.begin() as connection:
        for entry in rewritten[1:]:
            connection.execute(
                update(LOG)
                .where(LOG.c.seq == entry.seq)
                .values(object_id=entry.object_id, prev_hash=entry.prev_hash, hash=entry.hash)
            )
        connection.execute(update(HEAD).values(seq=n, hash=rewritten[-1].hash))
    # Consistent as plain hashes, but the log is keyed: caught at the edited entry without
    # a checkpoint (before audit keys, only the checkpoint showed this).
    out = cli("audit", "verify", expect=1)
    assert (
        "NOT intact at entry 2: it is only hash-chained, but the log is keyed from entry 1" in out
    )
    out = cli("audit", "verify", "--checkpoint", str(checkpoint), expect=1)
    assert "NOT intact at entry 2" in out

    # Entries deleted from the end without fixing the head row: the chain alone shows it.
    with engine.begin() as connection:
        connection.execute(delete(LOG))
        connection.execute(LOG.insert(), rows)
        connection.execute(update(HEAD).values(seq=n, hash=rows[-1]["hash"]))
        connection.execute(delete(LOG).where(LOG.c.seq > n - 2))
    assert f"NOT intact at entry {n - 1}" in cli("audit", "verify", expect=1)


def test_checkpoints_need_the_configured_key(cli, tmp_path: Path) -> None:
    signing_key, other_key = tmp_path / "signing.pem", tmp_path / "other.pem"
    public_key = _keygen(cli, signing_key)
    _keygen(cli, other_key)
    _activity(cli)
    checkpoint = tmp_path / "checkpoint.json"
    # Without a configured key, a checkpoint can be written but not trusted.
    out = cli("audit", "checkpoint", "--signing-key", str(signing_key), "--out", str(checkpoint))
    assert "cannot use this checkpoint until you add it" in out
    out = cli("audit", "verify", "--checkpoint", str(checkpoint), expect=1)
    assert "no [audit] checkpoint_public_key" in out
    assert "a checkpoint signed by anyone proves nothing" in out

    _trust(cli, public_key)
    assert "intact" in cli("audit", "verify", "--checkpoint", str(checkpoint))
    # Signing with another key is refused up front...
    out = cli(
        "audit",
        "checkpoint",
        "--signing-key",
        str(other_key),
        "--out",
        str(tmp_path / "other.json"),
        expect=1,
    )
    assert "does not match [audit] checkpoint_public_key" in out
    assert not (tmp_path / "other.json").exists()
    # ...and a checkpoint made with another key is refused by verify.
    genuine = Checkpoint.load(checkpoint, trusted_public_key=public_key)
    forged = tmp_path / "forged.json"
    forged.write_text(
        sign_checkpoint(other_key.read_bytes(), genuine.seq, genuine.hash, genuine.at).to_json()
    )
    out = cli("audit", "verify", "--checkpoint", str(forged), expect=1)
    assert "signed with a key other than the helpline's configured checkpoint key" in out
    assert "It was not used." in out
    out = cli("audit", "verify", "--checkpoint", str(tmp_path / "missing.json"), expect=1)
    assert "There is no checkpoint file" in out


def test_unknown_audit_settings_are_named(cli, tmp_path: Path) -> None:
    cli.config.write_text(cli.config.read_text() + '\n[audit]\ncheckpoint_key = "abc"\n')
    for args in (
        ("audit", "verify"),
        ("audit", "keygen", "--out", str(tmp_path / "k.pem")),
    ):
        out = cli(*args, expect=1)
        assert "audit.checkpoint_key" in out and "is not a known setting" in out
        assert "checkpoint_public_key" in out
    assert not (tmp_path / "k.pem").exists()
    cli.config.write_text(
        cli.config.read_text().replace('checkpoint_key = "abc"', 'checkpoint_public_key = "abc"')
    )
    assert "is not an Ed25519 public key" in cli("audit", "verify", expect=1)
