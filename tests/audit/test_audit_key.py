"""The audit key: new deployments are keyed from the start, old ones are upgraded in place.

An old key file (made before audit keys) is simulated by removing ``audit_key`` from the file
``keys init`` wrote. The deployment then works as before, hash-chained, with a warning at
start-up, in ``config check`` and in ``audit verify``; ``keys add-audit-key`` adds the key
beside the others and keys the log from an ``audit.keyed`` marker entry; ``audit verify``
names where keying starts and checks both parts; rotation keeps the key and a restore checks
that the key opens the restored log.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
from pathlib import Path

import attrs
import pytest
from sqlalchemy import delete, select, update

from helplinekit.api import Helpline
from helplinekit.db.engine import make_engine
from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.security.audit import NO_AUDIT_KEY, AuditEntry
from helplinekit.security.keyfile import KeyFileProvider
from helplinekit.services.audit_trail import NOT_KEYED_YET, audit_now

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


def key_path(cli) -> Path:
    return KeyFileProvider({}, cli.config.parent).path


def make_old_key_file(cli) -> dict:
    """Turn the key file 'keys init' wrote into one from before audit keys."""
    path = key_path(cli)
    document = json.loads(path.read_text())
    del document["audit_key"]
    path.write_text(json.dumps(document, indent=2))
    return document


def activity(cli, entries: int) -> list[str]:
    with Helpline.open(cli.config, pm=cli.pm) as helpline:
        run_workload(helpline, entries)
        return list(helpline.warnings)


def more(cli, count: int) -> list[str]:
    """``count`` more entries, written by a freshly opened helpline (a new process)."""
    with Helpline.open(cli.config, pm=cli.pm) as helpline:
        for _ in range(count):
            audit_now(helpline.context, None, "test.later", "case", None, number=count)
        return list(helpline.warnings)


def stored(engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(LOG).order_by(LOG.c.seq))]


def put_back(engine, rows: list[dict], keyed_from: int | None) -> None:
    with engine.begin() as connection:
        connection.execute(delete(LOG))
        connection.execute(LOG.insert(), rows)
        connection.execute(
            update(HEAD).values(seq=rows[-1]["seq"], hash=rows[-1]["hash"], keyed_from=keyed_from)
        )


def write_rewritten(engine, entries: list[AuditEntry], head_keyed_from: int | None) -> None:
    """Store entries as an attacker with write access would: every column, head row too."""
    with engine.begin() as connection:
        for entry in entries:
            values = attrs.asdict(entry, recurse=False)
            values["details"] = dict(values["details"])
            connection.execute(update(LOG).where(LOG.c.seq == entry.seq).values(**values))
        connection.execute(update(HEAD).values(hash=entries[-1].hash, keyed_from=head_keyed_from))


def test_an_old_key_file_warns_then_add_audit_key_keys_the_log_from_the_next_entry(
    cli, engine, caplog
) -> None:
    old = make_old_key_file(cli)
    out = cli("keys", "init")
    assert "kept unchanged" in out and "'helplinekit keys add-audit-key'" in out

    # Before the upgrade: everything works, hash-chained, with a warning at each door.
    with caplog.at_level(logging.WARNING, logger="helplinekit"):
        assert activity(cli, 25) == [NO_AUDIT_KEY]
    assert NO_AUDIT_KEY in caplog.text
    out = cli("config", "check")
    assert f"warning: keys: {NO_AUDIT_KEY}" in out and "OK" in out
    assert "'helplinekit keys add-audit-key'" in NO_AUDIT_KEY
    out = cli("audit", "verify")
    assert f"warning: {NO_AUDIT_KEY}" in out
    n = stored(engine)[-1]["seq"]
    assert f"The audit log is intact: {n} entries, hash chain valid." in out

    # A helpline already running when the key is added (it started without one).
    running = Helpline.open(cli.config, pm=cli.pm)
    try:
        out = cli("keys", "add-audit-key")
        assert f"keyed from entry {n + 1}: entries 1–{n} stay hash-chained" in out
        assert "Back up the key file again NOW" in out
        # The key was added beside the others, which are unchanged.
        document = json.loads(key_path(cli).read_text())
        assert len(base64.b64decode(document["audit_key"])) == 32
        assert {k: document[k] for k in old} == old
        marker = stored(engine)[-1]
        assert (marker["seq"], marker["action"], marker["actor_kind"]) == (
            n + 1,
            "audit.keyed",
            "system",
        )
        assert marker["details"] == {"hash_chained": n}
        # The running helpline picks the key up from the key file at its next entry.
        audit_now(running.context, None, "test.running")
    finally:
        running.close()
    assert more(cli, 20) == []
    assert "only hash-chained" not in cli("config", "check")

    out = cli("audit", "verify")
    total = stored(engine)[-1]["seq"]
    assert (
        f"The audit log is intact: {total} entries. Entries 1–{n} are hash-chained (written "
        f"before the audit key was added); keyed from entry {n + 1}. Both parts are valid."
    ) in out
    assert "warning" not in out

    # Never a second key; --resume on a keyed log writes nothing.
    before = key_path(cli).read_bytes()
    out = cli("keys", "add-audit-key", expect=1)
    assert "already holds an audit key; it was not changed." in out
    assert key_path(cli).read_bytes() == before
    out = cli("keys", "add-audit-key", "--resume")
    assert f"already keyed from entry {n + 1}; nothing was written." in out
    assert stored(engine)[-1]["seq"] == total

    rows = stored(engine)
    entries = [AuditEntry(**row) for row in rows]

    # A pre-key entry edited in place: named, as before.
    with engine.begin() as connection:
        connection.execute(update(LOG).where(LOG.c.seq == 3).values(action="case.list"))
    assert "NOT intact at entry 3: its content does not match its hash." in cli(
        "audit", "verify", expect=1
    )
    put_back(engine, rows, n + 1)

    # A pre-key entry rewritten with every later hash recomputed up to the marker: the
    # marker's MAC vouches for the entry before it, so the rewrite is caught there.
    rewritten = rewrite_tail(entries[:n], 2, attrs.evolve(entries[2], object_id=None))
    write_rewritten(engine, rewritten[2:], n + 1)
    out = cli("audit", "verify", expect=1)
    assert f"NOT intact at entry {n + 1}: it is keyed and vouches for a different entry" in out
    put_back(engine, rows, n + 1)

    # The keyed tail rewritten as plain hashes from entry n + 5: named there.
    rewritten = rewrite_tail(entries, n + 4, attrs.evolve(entries[n + 4], actor_id=None))
    write_rewritten(engine, rewritten[n + 4 :], n + 1)
    out = cli("audit", "verify", expect=1)
    assert f"NOT intact at entry {n + 5}: it is only hash-chained, but the log is keyed" in out
    put_back(engine, rows, n + 1)

    # Claiming keying starts later: the marker turned into an ordinary entry and everything
    # from it rewritten as plain hashes. Caught where the head row says keying starts...
    disguised = attrs.evolve(entries[n], action="case.list", object_kind=None, details={})
    rewritten = rewrite_tail(entries, n, disguised)
    write_rewritten(engine, rewritten[n:], n + 1)
    out = cli("audit", "verify", expect=1)
    assert f"NOT intact at entry {n + 1}: the chain head says the log is keyed from here" in out
    # ...and with that note cleared too, the log fails as a whole: the key exists.
    with engine.begin() as connection:
        connection.execute(update(HEAD).values(keyed_from=None))
    out = cli("audit", "verify", expect=1)
    assert "The audit log is NOT intact: no entry is keyed, although this helpline" in out
    assert "treat it as tampering" in out
    # The helpline itself never vouches for such a log: it stays hash-chained and warns.
    assert more(cli, 1) == [NOT_KEYED_YET]
    assert "NOT intact: no entry is keyed" in cli("audit", "verify", expect=1)
    put_back(engine, rows, n + 1)
    assert "Both parts are valid." in cli("audit", "verify")


def test_keys_from_the_environment_add_the_audit_key_there_then_resume(
    cli, engine, monkeypatch
) -> None:
    old = make_old_key_file(cli)
    activity(cli, 10)
    # The same keys, now injected through the environment, plus a new audit key.
    monkeypatch.setenv("HELPLINEKIT_KEK", old["keks"][str(old["current"])])
    monkeypatch.setenv("HELPLINEKIT_INDEX_KEY", old["index_key"])
    monkeypatch.setenv("HELPLINEKIT_AUDIT_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    out = cli("keys", "add-audit-key", expect=1)
    assert "set HELPLINEKIT_AUDIT_KEY where they are set" in out and "--resume" in out
    # Not keyed yet: the helpline warns, and verify will not call such a log intact.
    assert more(cli, 3) == [NOT_KEYED_YET]
    out = cli("audit", "verify", expect=1)
    assert "no entry is keyed" in out and "add-audit-key --resume" in out
    m = stored(engine)[-1]["seq"]
    out = cli("keys", "add-audit-key", "--resume")
    assert f"keyed from entry {m + 1}: entries 1–{m} stay hash-chained" in out
    assert "Back up" not in out
    assert f"keyed from entry {m + 1}. Both parts are valid." in cli("audit", "verify")


def test_a_new_deployment_is_keyed_from_its_first_entry(cli, engine) -> None:
    document = json.loads(key_path(cli).read_text())
    assert len(base64.b64decode(document["audit_key"])) == 32
    assert activity(cli, 10) == []
    assert "only hash-chained" not in cli("config", "check")
    out = cli("keys", "add-audit-key", expect=1)
    assert "already holds an audit key; it was not changed." in out
    n = stored(engine)[-1]["seq"]
    assert f"The audit log is intact: {n} entries, keyed chain valid." in cli("audit", "verify")
    assert stored(engine)[0]["action"] != "audit.keyed"  # no marker needed from entry 1


def test_rotation_keeps_the_audit_key(cli, engine) -> None:
    activity(cli, 10)
    audit_key = json.loads(key_path(cli).read_text())["audit_key"]
    out = cli("keys", "rotate")
    assert "re-wrapped under key version 2" in out
    document = json.loads(key_path(cli).read_text())
    assert document["audit_key"] == audit_key and list(document["keks"]) == ["2"]
    more(cli, 5)
    rows = stored(engine)
    assert {row["action"] for row in rows} >= {"keys.rotate.start", "keys.rotate"}
    assert f"{rows[-1]['seq']} entries, keyed chain valid." in cli("audit", "verify")


def test_a_restore_checks_the_audit_key_opens_the_log(
    cli, database_url: str, tmp_path: Path, request
) -> None:
    from click.testing import CliRunner

    from helplinekit.cli import build_cli

    activity(cli, 10)
    backup = tmp_path / "backup.file"
    cli("backup", "--to", str(backup))
    keys = json.loads(key_path(cli).read_text())
    restored: list[str] = []

    def restore_with(audit_key: str | None, name: str) -> str:
        """Restore into a fresh deployment whose key file holds ``audit_key``."""
        folder = tmp_path / name
        folder.mkdir()
        key_file = tmp_path / f"{name}.keys.json"
        document = {k: v for k, v in keys.items() if k != "audit_key"}
        if audit_key is not None:
            document["audit_key"] = audit_key
        key_file.write_text(json.dumps(document))
        key_file.chmod(0o600)
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{folder / 'helpline.db'}"
        else:
            url = request.getfixturevalue("another_postgres")  # one database, replaced
        config = cli.config.read_text().split("[database]")[0]
        (folder / "helpline.toml").write_text(
            config + f'\n[database]\nurl = "{url}"\n\n[keys]\npath = "{key_file}"\n'
        )
        result = CliRunner().invoke(
            build_cli(cli.pm),
            [
                "restore",
                str(backup),
                *(["--force"] if restored else []),
                "--config",
                str(folder / "helpline.toml"),
            ],
        )
        restored.append(url)
        assert "Traceback" not in result.output
        return f"{result.exit_code}:{result.output}"

    assert restore_with(keys["audit_key"], "same").startswith("0:")
    other = base64.b64encode(secrets.token_bytes(32)).decode()
    out = restore_with(other, "other")
    assert out.startswith("1:") and "but the audit key does not open the audit log" in out
    assert "Restore that one" in out or "restore that one" in out
    out = restore_with(None, "none")
    assert out.startswith("1:")
    assert re.search(r"audit log is keyed from entry 1, but the key provider holds\s+no audit", out)


def test_a_writer_without_the_key_refuses_to_write_to_a_keyed_log(
    open_helpline, keys_env, monkeypatch
) -> None:
    from helplinekit.contracts import KeyUnavailable

    without = open_helpline()
    audit_now(without.context, None, "test.before")
    assert without.warnings == [NO_AUDIT_KEY]
    monkeypatch.setenv("HELPLINEKIT_AUDIT_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    keyed = open_helpline()
    assert keyed.warnings == [NOT_KEYED_YET]
    with keyed.context.database.uow() as uow:
        assert uow.audit.start_keying(at=keyed.context.clock(), os_user=None).seq == 2
        uow.commit()
    # The key is gone from where the first helpline would look for it: it writes nothing
    # rather than an entry that could never be verified.
    monkeypatch.delenv("HELPLINEKIT_AUDIT_KEY")
    with pytest.raises(KeyUnavailable, match="keyed from entry 2, but this helpline's key"):
        audit_now(without.context, None, "test.after")
    with without.context.database.uow(read_only=True) as uow:
        assert uow.audit.head()[0] == 2
    # And a helpline started without it refuses to start, saying what to restore.
    from helplinekit.api import StartupError

    with pytest.raises(StartupError, match="keyed from entry 2, but the key provider holds"):
        open_helpline()
