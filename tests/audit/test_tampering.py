"""Random tampering with the audit log is always detected, at the entry tampered with.

A real log of 200 entries is made by real casework through the services, on SQLite and on
PostgreSQL, both without an audit key (hash-chained, as deployments made before audit keys)
and with one (keyed). Then 1,000 random tamperings per database, from a fixed seed:

* edits of one field of a random entry (action, object, details, time, actor);
* deletion of an entry in the middle;
* reordering (swapping two entries' seqs, their contents, or their places in the stream);
* truncation of the last k entries with the head row fixed to match, which leaves a valid
  shorter chain and is detected only against a signed checkpoint.

950 are made in memory on the entries read once from the database (fast); 50 are real SQL
against the database, read back through ``uow.audit.entries()`` and rolled back. Each must
be reported with ``first_bad_seq`` equal to the entry tampered with (for a deletion the
missing seq, for a truncation the first missing seq).
"""

from __future__ import annotations

import functools
import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from sqlalchemy import delete, select, text, update

from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.security.audit import (
    AuditEntry,
    Checkpoint,
    chain_hash,
    generate_signing_key,
    sign_checkpoint,
    verify_chain,
)

from .conftest import read_log, run_workload


def verify_database_in(uow, key: bytes | None):
    """Verify what ``uow`` sees, as ``audit verify`` does (head row and its keying note)."""
    return verify_chain(
        uow.audit.entries(), head=uow.audit.head(), key=key, head_keyed_from=uow.audit.keyed_from()
    )


pytestmark = pytest.mark.database

SEED = 20260402
TAMPERINGS = 1000
IN_SQL = 50
ENTRIES = 200

EDIT_FIELDS = ("action", "object_id", "details", "at", "actor")
REORDERS = ("swap_seq", "swap_contents", "swap_places")
LOG = AuditRow.__table__
HEAD = AuditHeadRow.__table__


# -- making tamperings ---------------------------------------------------------------------


def _changed_details(details: dict, rng: random.Random) -> dict:
    changed = dict(details)
    roll = rng.random()
    if changed and roll < 0.6:
        key = rng.choice(sorted(changed))
        value = changed[key]
        if isinstance(value, bool):
            changed[key] = not value
        elif isinstance(value, int):
            changed[key] = value + rng.randint(1, 50)
        elif value is None:
            changed[key] = 0
        elif isinstance(value, list):
            changed[key] = [item for item in value if item != "legal"] or ["legal"]
            if changed[key] == value:
                changed[key] = [*value, "general"]
        else:
            changed[key] = f"{value}x"
    elif changed and roll < 0.8:
        del changed[rng.choice(sorted(changed))]
    else:
        changed[rng.choice(("result_count", "hidden", "kind"))] = rng.randint(1000, 2000)
    assert changed != details
    return changed


def edited(entry: AuditEntry, what: str, rng: random.Random, staff_ids: list) -> AuditEntry:
    """``entry`` with one field changed the way someone covering their tracks might."""
    if what == "action":
        choices = ["case.list", "case.view", "staff.save", "case.close", "note.read"]
        return attrs.evolve(entry, action=rng.choice([a for a in choices if a != entry.action]))
    if what == "object_id":
        if entry.object_id is not None and rng.random() < 0.3:
            return attrs.evolve(entry, object_id=None)
        return attrs.evolve(entry, object_id=str(uuid.uuid4()))
    if what == "details":
        return attrs.evolve(entry, details=_changed_details(dict(entry.details), rng))
    if what == "at":
        shift = timedelta(microseconds=rng.randint(1, 86_400_000_000))
        return attrs.evolve(entry, at=entry.at + shift if rng.random() < 0.5 else entry.at - shift)
    assert what == "actor"
    if entry.actor_id is None:  # make the system's act look like a colleague's
        return attrs.evolve(entry, actor_kind="staff", actor_id=rng.choice(staff_ids))
    if rng.random() < 0.5:  # hide who did it
        return attrs.evolve(entry, actor_kind="system", actor_id=None)
    others = [staff for staff in staff_ids if staff != entry.actor_id]  # frame a colleague
    return attrs.evolve(entry, actor_id=rng.choice(others))


@attrs.frozen
class Tampering:
    kind: str
    expected: int
    entries: list
    head: tuple[int, str]


def tamper_in_memory(
    entries: list[AuditEntry], kind: str, rng: random.Random, staff_ids: list
) -> Tampering:
    n = len(entries)
    head = (n, entries[-1].hash)
    tampered = list(entries)
    if kind.startswith("edit:"):
        i = rng.randint(1, n)
        tampered[i - 1] = edited(entries[i - 1], kind.removeprefix("edit:"), rng, staff_ids)
        return Tampering(kind, i, tampered, head)
    if kind == "delete":
        i = rng.randint(2, n - 1)
        del tampered[i - 1]
        return Tampering(kind, i, tampered, head)
    if kind.startswith("reorder:"):
        i, j = sorted(rng.sample(range(1, n + 1), 2))
        a, b = entries[i - 1], entries[j - 1]
        how = kind.removeprefix("reorder:")
        if how == "swap_seq":  # the stored seqs swapped; the database returns them by seq
            tampered[i - 1], tampered[j - 1] = attrs.evolve(b, seq=i), attrs.evolve(a, seq=j)
        elif how == "swap_contents":  # every column but seq swapped
            tampered[i - 1] = attrs.evolve(b, seq=a.seq)
            tampered[j - 1] = attrs.evolve(a, seq=b.seq)
        else:  # the rows handed back in the wrong order
            tampered[i - 1], tampered[j - 1] = b, a
        return Tampering(kind, i, tampered, head)
    assert kind == "truncate"
    k = rng.randint(1, 20)
    kept = tampered[: n - k]
    return Tampering(kind, n - k + 1, kept, (n - k, kept[-1].hash))


def kinds(rng: random.Random, count: int, *, places: bool = True) -> list[str]:
    pool = [f"edit:{field}" for field in EDIT_FIELDS] * 2 + ["delete", "delete", "truncate"]
    pool += [f"reorder:{how}" for how in REORDERS if places or how != "swap_places"]
    chosen = [pool[index % len(pool)] for index in range(count)]  # every kind, evenly
    rng.shuffle(chosen)
    return chosen


# -- applying them as SQL ------------------------------------------------------------------


def _row(session, seq: int) -> dict:
    return dict(session.execute(select(LOG).where(LOG.c.seq == seq)).one()._mapping)


def tamper_in_sql(
    session, entries: list[AuditEntry], kind: str, rng: random.Random, staff_ids: list
) -> int:
    """Apply one tampering as SQL in ``session``'s transaction; return the expected seq."""
    n = len(entries)
    if kind.startswith("edit:"):
        i = rng.randint(1, n)
        before, after = entries[i - 1], edited(entries[i - 1], kind[5:], rng, staff_ids)
        columns = ("action", "object_id", "details", "at", "actor_kind", "actor_id")
        values = {c: getattr(after, c) for c in columns if getattr(after, c) != getattr(before, c)}
        if "details" in values:
            values["details"] = dict(values["details"])
        session.execute(update(LOG).where(LOG.c.seq == i).values(**values))
        return i
    if kind == "delete":
        i = rng.randint(2, n - 1)
        session.execute(delete(LOG).where(LOG.c.seq == i))
        return i
    if kind == "reorder:swap_seq":
        i, j = sorted(rng.sample(range(1, n + 1), 2))
        session.execute(update(LOG).where(LOG.c.seq == i).values(seq=-1))
        session.execute(update(LOG).where(LOG.c.seq == j).values(seq=i))
        session.execute(update(LOG).where(LOG.c.seq == -1).values(seq=j))
        return i
    if kind == "reorder:swap_contents":
        i, j = sorted(rng.sample(range(1, n + 1), 2))
        a, b = _row(session, i), _row(session, j)
        for seq, other in ((i, b), (j, a)):
            contents = {key: value for key, value in other.items() if key != "seq"}
            session.execute(update(LOG).where(LOG.c.seq == seq).values(**contents))
        return i
    assert kind == "truncate"
    k = rng.randint(1, 20)
    session.execute(delete(LOG).where(LOG.c.seq > n - k))
    session.execute(update(HEAD).values(seq=n - k, hash=entries[n - k - 1].hash))
    return n - k + 1


# -- the tests -----------------------------------------------------------------------------


@pytest.fixture
def signing(tmp_path: Path):
    pem, public_key = generate_signing_key()

    def checkpoint_for(seq: int, hash_: str) -> Checkpoint:
        path = tmp_path / f"checkpoint-{seq}.json"
        path.write_text(sign_checkpoint(pem, seq, hash_, datetime.now(UTC)).to_json())
        return Checkpoint.load(path, trusted_public_key=public_key)

    return checkpoint_for


def test_random_tampering_is_detected_at_the_right_entry(
    open_helpline, chain_key, signing, capsys
) -> None:
    helpline = open_helpline()
    work = run_workload(helpline, ENTRIES)
    entries, head = read_log(helpline)
    assert len(entries) == head[0] >= ENTRIES
    assert verify_chain(entries, head=head, key=chain_key).ok
    assert verify_chain(entries, head=head, key=chain_key).keyed_from == (chain_key and 1)
    checkpoint = signing(*head)
    assert verify_chain(entries, head=head, checkpoint=checkpoint, key=chain_key).ok
    verify = functools.partial(verify_chain, key=chain_key)
    staff_ids = [work.intake.id, work.lawyer.id, work.supervisor.id, work.outsider.id]
    rng = random.Random(SEED)
    detected: Counter[str] = Counter()
    misses: list[str] = []

    # In memory: most of the tamperings, on the entries read from the database.
    for kind in kinds(rng, TAMPERINGS - IN_SQL):
        tampering = tamper_in_memory(entries, kind, rng, staff_ids)
        result = verify(tampering.entries, head=tampering.head, checkpoint=checkpoint)
        if kind == "truncate":
            # The shorter chain is valid in itself: only the checkpoint shows the cut.
            assert verify(tampering.entries, head=tampering.head).ok
        else:
            alone = verify(tampering.entries, head=tampering.head)
            assert alone.first_bad_seq == result.first_bad_seq, (kind, alone, result)
        if not result.ok and result.first_bad_seq == tampering.expected:
            detected[kind] += 1
        else:
            misses.append(f"{kind}: expected {tampering.expected}, got {result}")

    # As SQL against the real database, read back through the repository, rolled back.
    database = helpline.context.database
    for kind in kinds(rng, IN_SQL, places=False):
        with database.uow() as uow:
            expected = tamper_in_sql(uow.session, entries, kind, rng, staff_ids)
            result = verify(uow.audit.entries(), head=uow.audit.head(), checkpoint=checkpoint)
            uow.rollback()
        if not result.ok and result.first_bad_seq == expected:
            detected[f"sql:{kind}"] += 1
        else:
            misses.append(f"sql:{kind}: expected {expected}, got {result}")

    assert misses == []
    assert sum(detected.values()) == TAMPERINGS
    assert sum(count for kind, count in detected.items() if kind.startswith("sql:")) == IN_SQL
    # Every kind was exercised, in memory and in SQL.
    assert {kind.removeprefix("sql:") for kind in detected} == {
        *(f"edit:{field}" for field in EDIT_FIELDS),
        "delete",
        "truncate",
        *(f"reorder:{how}" for how in REORDERS),
    }
    assert {kind for kind in detected if kind.startswith("sql:")} >= {
        "sql:delete",
        "sql:truncate",
        "sql:reorder:swap_seq",
        "sql:reorder:swap_contents",
    }
    # The rolled-back tamperings left the real log intact.
    after, after_head = read_log(helpline)
    assert after_head == head and verify(after, head=after_head).ok
    with capsys.disabled():
        print(
            f"\n[{database.dialect}, {'keyed' if chain_key else 'hash-chained'}] "
            f"{sum(detected.values())}/{TAMPERINGS} tamperings of a "
            f"{len(entries)}-entry log detected at the right entry: {dict(sorted(detected.items()))}"
        )


def rewrite_tail(entries: list[AuditEntry], index: int, changed: AuditEntry) -> list[AuditEntry]:
    """What a careful attacker does: edit one entry, then recompute every later hash."""
    rewritten = list(entries[:index])
    prev = rewritten[-1].hash if rewritten else entries[0].prev_hash
    for entry in [changed, *entries[index + 1 :]]:
        entry = attrs.evolve(entry, prev_hash=prev)
        entry = attrs.evolve(entry, hash=chain_hash(prev, entry))
        rewritten.append(entry)
        prev = entry.hash
    return rewritten


def test_a_consistently_rewritten_tail_fails_only_against_the_checkpoint(helpline, signing) -> None:
    work = run_workload(helpline, 60)
    entries, _ = read_log(helpline)
    rng = random.Random(SEED + 1)
    staff_ids = [work.intake.id, work.lawyer.id, work.supervisor.id, work.outsider.id]
    for _ in range(40):
        checkpoint_seq = rng.randint(2, len(entries))
        checkpoint = signing(checkpoint_seq, entries[checkpoint_seq - 1].hash)
        index = rng.randrange(checkpoint_seq)  # an entry the checkpoint vouches for
        changed = edited(entries[index], rng.choice(EDIT_FIELDS), rng, staff_ids)
        rewritten = rewrite_tail(entries, index, changed)
        new_head = (len(rewritten), rewritten[-1].hash)  # the head row updated too
        assert verify_chain(rewritten, head=new_head).ok
        result = verify_chain(rewritten, head=new_head, checkpoint=checkpoint)
        assert not result.ok and result.first_bad_seq == checkpoint_seq
        assert "differs from the signed checkpoint" in result.problem
    # A checkpoint older than the edit still vouches for everything before it.
    older = signing(10, entries[9].hash)
    rewritten = rewrite_tail(entries, 30, edited(entries[30], "action", rng, staff_ids))
    assert verify_chain(rewritten, head=(len(rewritten), rewritten[-1].hash), checkpoint=older).ok


def test_rows_that_cannot_even_be_read_fail_at_their_seq(helpline) -> None:
    run_workload(helpline, 20)
    _, head = read_log(helpline)
    database = helpline.context.database
    with database.uow() as uow:
        # A JSON list where the details object was.
        uow.session.execute(update(LOG).where(LOG.c.seq == 7).values(details=[1, 2]))
        result = verify_chain(uow.audit.entries(), head=uow.audit.head())
        uow.rollback()
    assert (result.ok, result.first_bad_seq) == (False, 7)
    if database.dialect == "sqlite":
        # SQLite keeps whatever text it is given, even in a date column.
        with database.uow() as uow:
            uow.session.execute(text("UPDATE audit_log SET at = 'yesterday' WHERE seq = 12"))
            result = verify_chain(uow.audit.entries(batch=5), head=uow.audit.head())
            uow.rollback()
        assert (result.ok, result.first_bad_seq) == (False, 12)
        assert "cannot be read" in result.problem
    after, after_head = read_log(helpline)
    assert after_head == head and verify_chain(after, head=after_head).ok


def test_a_tail_rewritten_without_the_audit_key_is_caught_without_a_checkpoint(
    open_helpline, audit_key_env
) -> None:
    """The finding: with plain SHA-256 an attacker who can write to the database edits an
    entry and recomputes every later hash, and only a checkpoint shows it. Keyed, the
    rewritten entry itself fails, with no checkpoint at all."""
    helpline = open_helpline()
    work = run_workload(helpline, 60)
    entries, head = read_log(helpline)
    assert verify_chain(entries, head=head, key=audit_key_env).keyed_from == 1
    rng = random.Random(SEED + 2)
    staff_ids = [work.intake.id, work.lawyer.id, work.supervisor.id, work.outsider.id]
    for _ in range(40):
        index = rng.randrange(len(entries))
        changed = edited(entries[index], rng.choice(EDIT_FIELDS), rng, staff_ids)
        rewritten = rewrite_tail(entries, index, changed)
        new_head = (len(rewritten), rewritten[-1].hash)
        # What the attacker made: a tail whose links are all consistent plain hashes...
        assert all(chain_hash(e.prev_hash, e) == e.hash for e in rewritten[index:])
        # ...and what the verifier with the key sees: the rewritten entry, named (the head
        # row still says the log is keyed from entry 1).
        result = verify_chain(rewritten, head=new_head, key=audit_key_env, head_keyed_from=1)
        assert (result.ok, result.first_bad_seq) == (False, index + 1)
        assert "not keyed" in result.problem or "only hash-chained" in result.problem
    # Rewritten whole, with the head row's note of where keying starts cleared as well:
    # the log still fails, as a whole, because this helpline holds an audit key.
    rewritten = rewrite_tail(entries, 0, edited(entries[0], "at", rng, staff_ids))
    result = verify_chain(rewritten, head=(len(rewritten), rewritten[-1].hash), key=audit_key_env)
    assert (result.ok, result.first_bad_seq, result.keyed_from) == (False, None, None)
    assert result.describe().startswith("The audit log is NOT intact: no entry is keyed")
    # Rewritten from a later entry: named as only hash-chained, with the head row cleared too.
    rewritten = rewrite_tail(entries, 30, edited(entries[30], "action", rng, staff_ids))
    result = verify_chain(rewritten, head=(len(rewritten), rewritten[-1].hash), key=audit_key_env)
    assert (result.first_bad_seq, result.keyed_from) == (31, 1)
    assert "only hash-chained, but the log is keyed from entry 1" in result.problem

    # The same as SQL against the database, read back through the repository.
    database = helpline.context.database
    for index in (0, 17, len(entries) - 1):
        changed = edited(entries[index], "actor", rng, staff_ids)
        rewritten = rewrite_tail(entries, index, changed)
        with database.uow() as uow:
            for entry in rewritten[index:]:
                uow.session.execute(
                    update(LOG)
                    .where(LOG.c.seq == entry.seq)
                    .values(
                        actor_kind=entry.actor_kind,
                        actor_id=entry.actor_id,
                        prev_hash=entry.prev_hash,
                        hash=entry.hash,
                    )
                )
            uow.session.execute(update(HEAD).values(hash=rewritten[-1].hash))
            result = verify_database_in(uow, audit_key_env)
            uow.rollback()
        assert (result.ok, result.first_bad_seq) == (False, index + 1), result
    after, after_head = read_log(helpline)
    assert after_head == head and verify_chain(after, head=after_head, key=audit_key_env).ok
