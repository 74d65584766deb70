"""The audit log: append-only, keyed-chained, gap-free, and free of personal data.

Each entry records who (a staff id, the system, and the operating-system user for CLI
commands), what action, on which object (a pseudonymous id), when, and a few counts or
kinds — never names, numbers, search terms or note text, so the log outlives erasure.

``hash = HMAC-SHA256(audit key, prev_hash ‖ canonical JSON of the entry)``, with the audit
key held by the key provider, never in the database: someone who can write to the database
but does not hold the key cannot edit an entry and recompute the chain after it. Logs written
before a deployment had an audit key are chained with plain ``SHA-256(prev_hash ‖ canonical
JSON)``; once keyed (from entry 1 for a new deployment, from an ``audit.keyed`` marker entry
for an upgraded one), every later entry must carry a valid MAC. Verifying recomputes the
chain and names the first bad entry. Truncating the tail leaves a valid shorter chain, so it
is detected only against a **checkpoint** kept elsewhere: an Ed25519-signed (seq, hash)
written with a signing key that never lives on the database host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from attrs import field, frozen

from helplinekit.security.audit_checkpoints import (
    AUDIT_SETTINGS,
    CHECKPOINT_FORMAT,
    Checkpoint,
    CheckpointError,
    check_settings,
    generate_signing_key,
    sign_checkpoint,
    signing_public_key,
)

# Checkpoints (signing, reading, verifying them) and the ``[audit]`` settings that name the
# trusted checkpoint key live in audit_checkpoints; they are re-exported here, where the
# repositories, services and the CLI import them from.
__all__ = [
    "AUDIT_KEYED",
    "AUDIT_SETTINGS",
    "CHECKPOINT_FORMAT",
    "GENESIS",
    "NO_AUDIT_KEY",
    "AuditEntry",
    "AuditKeySource",
    "Checkpoint",
    "CheckpointError",
    "VerifyResult",
    "canonical",
    "chain_hash",
    "chain_mac",
    "check_details",
    "check_settings",
    "generate_signing_key",
    "provider_audit_key",
    "sign_checkpoint",
    "signing_public_key",
    "unreadable_entry",
    "verify_chain",
]


#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: The action of the entry that starts keying an existing log (it carries the first MAC).
AUDIT_KEYED = "audit.keyed"
#: What start-up, ``config check`` and ``audit verify`` say when there is no audit key.
NO_AUDIT_KEY = (
    "The audit log is only hash-chained: the key provider holds no audit key, so someone "
    "who can write to the database could rewrite the log without it showing. Add the key "
    "with 'helplinekit keys add-audit-key'."
)

# Detail values are counts, flags and short machine words ("queue", "legal"); free text
# cannot pass, so a search term or a name can never be written into the log by mistake.
_WORD = re.compile(r"^[a-z0-9_.:-]{0,64}$")


def check_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """Validate audit details: short keys; values that are ints, bools, None or machine words."""
    checked: dict[str, Any] = {}
    for key, value in details.items():
        if not _WORD.match(key):
            raise ValueError(f"Audit detail key {key!r} is not a short machine word.")
        if (
            isinstance(value, bool | int)
            or value is None
            or (isinstance(value, str) and _WORD.match(value))
        ):
            checked[key] = value
        elif isinstance(value, list | tuple) and all(
            isinstance(item, str) and _WORD.match(item) for item in value
        ):
            checked[key] = sorted(value)
        else:
            # Deliberately does not quote the value: it might be exactly what must not leak.
            raise ValueError(
                f"Audit detail {key!r} must be a count, a flag or a short machine word; free "
                "text (names, numbers, search terms) never goes into the audit log."
            )
    return checked


@frozen
class AuditEntry:
    """One audited operation, as stored.

    Attributes:
        seq: position in the chain, from 1, without gaps.
        at: when it happened (UTC).
        actor_kind: ``staff``, ``system`` or ``partner``.
        actor_id: the staff member's id, if any.
        os_user: the operating-system user, for CLI commands.
        action: what happened (``case.view``, ``login.failed``, ``retention.run``…).
        object_kind: ``case``, ``staff``, ``caller``… or None.
        object_id: the object's pseudonymous id or reference, or None.
        details: counts, flags and machine words only.
        prev_hash: the previous entry's hash (GENESIS for the first).
        hash: this entry's hash.
    """

    seq: int
    at: datetime
    actor_kind: str
    actor_id: uuid.UUID | None
    os_user: str | None
    action: str
    object_kind: str | None
    object_id: str | None
    details: Mapping[str, Any] = field(factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("Audit timestamps must be timezone-aware.")
    # The database hands timestamps back in UTC whatever offset they were written with, so
    # the hashed form is always UTC: otherwise an entry written with a non-UTC clock could
    # never be verified.
    return at.astimezone(UTC)


def canonical(entry: AuditEntry) -> bytes:
    """The bytes that are hashed: sorted-key JSON of everything but the hashes."""
    document = {
        "seq": entry.seq,
        "at": _utc(entry.at).isoformat(timespec="microseconds"),
        "actor_kind": entry.actor_kind,
        "actor_id": str(entry.actor_id) if entry.actor_id else None,
        "os_user": entry.os_user,
        "action": entry.action,
        "object_kind": entry.object_kind,
        "object_id": entry.object_id,
        "details": dict(entry.details),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def chain_hash(prev_hash: str, entry: AuditEntry) -> str:
    """The unkeyed link: ``SHA-256(prev_hash ‖ canonical JSON)`` (logs before the audit key)."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def chain_mac(key: bytes, prev_hash: str, entry: AuditEntry) -> str:
    """The keyed link: ``HMAC-SHA256(key, prev_hash ‖ canonical JSON)``, 64 hex digits."""
    return hmac.new(key, prev_hash.encode("ascii") + canonical(entry), hashlib.sha256).hexdigest()


def provider_audit_key(provider: object) -> bytes | None:
    """The provider's audit key, or None if it holds none (or predates audit keys).

    :raises KeyUnavailable: the provider returned something that is not a 32-byte key.
    """
    from helplinekit.contracts.keys import KEY_BYTES, KeyUnavailable

    getter = getattr(provider, "audit_key", None)
    if getter is None:
        return None  # a provider written before audit keys existed: only hash-chained
    key = getter()
    if key is None:
        return None
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise KeyUnavailable(
            f"The key provider {getattr(provider, 'name', provider)!r} returned an audit key "
            f"that is not {KEY_BYTES} bytes; fix the provider or the key it reads."
        )
    return key


class AuditKeySource:
    """Where the audit log's writers and verifier get the audit key: the key provider.

    The key is looked up once and kept. A process that started without one asks again
    (:meth:`refresh`) when it finds the log keyed, so a helpline keeps running while
    ``helplinekit keys add-audit-key`` adds the key to its key file.
    """

    def __init__(self, provider: object | None = None, key: bytes | None = None) -> None:
        self._provider = provider
        self._key = key if key is not None or provider is None else provider_audit_key(provider)

    def get(self) -> bytes | None:
        return self._key

    def refresh(self) -> bytes | None:
        if self._key is None and self._provider is not None:
            self._key = provider_audit_key(self._provider)
        return self._key

    def __repr__(self) -> str:  # never the key itself
        return f"AuditKeySource(keyed={self._key is not None})"


#: Marks an entry whose stored fields could not even be read (e.g. text in a date column).
_UNREADABLE = "unreadable"


def unreadable_entry(seq: int) -> AuditEntry:
    """A stand-in for a stored entry whose fields cannot be read; it never verifies."""
    return AuditEntry(
        seq=seq,
        at=datetime.min.replace(tzinfo=UTC),
        actor_kind="",
        actor_id=None,
        os_user=None,
        action="",
        object_kind=None,
        object_id=None,
        prev_hash=_UNREADABLE,
        hash=_UNREADABLE,
    )


@frozen
class VerifyResult:
    """The outcome of verifying the chain.

    Attributes:
        ok: every entry is intact (and, with a checkpoint, nothing is missing).
        entries: how many entries were checked.
        first_bad_seq: the first entry that fails, or None (also when the log fails as a
            whole: keyed nowhere although there is an audit key).
        problem: what is wrong with it.
        keyed_from: the first keyed entry (HMAC-chained from there on), or None if no entry
            is keyed; the entries before it are hash-chained only.
    """

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str = ""
    keyed_from: int | None = None

    def describe(self) -> str:
        if not self.ok:
            if self.first_bad_seq is None:
                return f"The audit log is NOT intact: {self.problem}"
            return f"The audit log is NOT intact at entry {self.first_bad_seq}: {self.problem}"
        if self.keyed_from is None:
            return f"The audit log is intact: {self.entries} entries, hash chain valid."
        if self.keyed_from == 1:
            return f"The audit log is intact: {self.entries} entries, keyed chain valid."
        return (
            f"The audit log is intact: {self.entries} entries. Entries 1–{self.keyed_from - 1} "
            "are hash-chained (written before the audit key was added); keyed from entry "
            f"{self.keyed_from}. Both parts are valid."
        )


def verify_chain(
    entries: Iterable[AuditEntry],
    *,
    head: tuple[int, str] | None = None,
    checkpoint: Checkpoint | None = None,
    key: bytes | None = None,
    head_keyed_from: int | None = None,
) -> VerifyResult:
    """Recompute the chain from the first entry; name the first entry that fails.

    :param entries: entries in ``seq`` order.
    :param head: the ``(seq, hash)`` the head row holds, if known.
    :param checkpoint: a verified checkpoint; entries up to its ``seq`` must exist and its
        hash must match, so a truncated or rewritten tail is detected.
    :param key: the audit key, if the deployment has one. Keying starts at the first entry
        whose MAC verifies (entry 1, or the ``audit.keyed`` marker of an upgraded log); from
        there on every entry must carry a valid MAC, so a tail rewritten with plain SHA-256
        (by someone without the key) fails at its first rewritten entry. With a key, a log
        with no keyed entry at all fails too: that is what rewriting it whole would leave.
        Without a key, only an unkeyed log verifies.
    :param head_keyed_from: where the head row says keying starts. Only a hint (the head
        row is as writable as the log): it lets a log rewritten whole as plain hashes fail at
        the entry where keying started instead of as a whole; the MACs decide the rest.
    """
    expected_seq, prev, count = 1, GENESIS, 0
    keyed_from: int | None = None
    # Only the hash at the checkpoint's seq is kept, so memory does not grow with the log.
    # A checkpoint of an empty log vouches for the genesis hash.
    at_checkpoint: str | None = GENESIS if checkpoint is not None and checkpoint.seq == 0 else None
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                missing = expected_seq
                what = f"missing or out of place (the next entry found is {entry.seq})"
            else:
                missing, what = entry.seq, "out of order or repeated"
            return VerifyResult(False, count, missing, f"entry {missing} is {what}.", keyed_from)
        if entry.hash == _UNREADABLE:
            return VerifyResult(
                False,
                count,
                entry.seq,
                "its stored fields cannot be read (altered outside).",
                keyed_from,
            )
        if entry.prev_hash != prev:
            problem = "it does not link to the entry before it."
            if keyed_from is None and key is not None and _matches(key, entry.prev_hash, entry):
                # A genuine keyed entry vouches for the hash its predecessor had.
                problem = (
                    "it is keyed and vouches for a different entry before it: the "
                    "hash-chained entries before it were rewritten and their hashes recomputed."
                )
            return VerifyResult(False, count, entry.seq, problem, keyed_from)
        if keyed_from is None:
            if key is not None and _matches(key, prev, entry):
                keyed_from = entry.seq
            elif key is not None and entry.seq == head_keyed_from:
                return VerifyResult(
                    False,
                    count,
                    entry.seq,
                    "the chain head says the log is keyed from here, but this entry is not "
                    "keyed: someone without the audit key rewrote the log from here on.",
                )
            elif not _matches(None, prev, entry):
                return VerifyResult(
                    False, count, entry.seq, "its content does not match its hash.", keyed_from
                )
        elif not _matches(key, prev, entry):
            problem = "its content does not match its hash."
            if _matches(None, prev, entry):
                problem = (
                    f"it is only hash-chained, but the log is keyed from entry {keyed_from}: "
                    "someone without the audit key rewrote it (and recomputed the hashes)."
                )
            return VerifyResult(False, count, entry.seq, problem, keyed_from)
        prev = entry.hash
        if checkpoint is not None and entry.seq == checkpoint.seq:
            at_checkpoint = entry.hash
        expected_seq += 1
    last = expected_seq - 1
    if checkpoint is not None:
        if checkpoint.seq > last:
            return VerifyResult(
                False,
                count,
                last + 1,
                f"the log ends at entry {last}, but the checkpoint of "
                f"{checkpoint.at:%Y-%m-%d %H:%M} vouches for {checkpoint.seq} entries: "
                "the tail was removed.",
                keyed_from,
            )
        if at_checkpoint != checkpoint.hash:
            return VerifyResult(
                False,
                count,
                checkpoint.seq,
                "its hash differs from the signed checkpoint: entries up to it were rewritten.",
                keyed_from,
            )
    if head is not None and tuple(head) != (last, prev):
        head_seq = head[0]
        if head_seq > last:
            return VerifyResult(
                False,
                count,
                last + 1,
                f"entries {last + 1} to {head_seq} are missing (the chain head says {head_seq}).",
                keyed_from,
            )
        if head_seq < last:
            return VerifyResult(
                False,
                count,
                head_seq + 1,
                f"entries after {head_seq} were added outside the chain head.",
                keyed_from,
            )
        return VerifyResult(False, count, last, "its hash differs from the chain head.", keyed_from)
    if key is not None and keyed_from is None and count:
        return VerifyResult(False, count, None, UNKEYED_WITH_KEY)
    return VerifyResult(True, count, keyed_from=keyed_from)


#: Why a log with no keyed entry fails when the deployment holds an audit key.
UNKEYED_WITH_KEY = (
    "no entry is keyed, although this helpline holds an audit key. Either the audit key was "
    "added and keying the log did not finish (then run 'helplinekit keys add-audit-key "
    "--resume'), or someone without the key rewrote the log from where keying started: if "
    "you did not just add the key, treat it as tampering and check the log against your "
    "latest checkpoint ('helplinekit audit verify --checkpoint FILE')."
)


def _matches(key: bytes | None, prev: str, entry: AuditEntry) -> bool:
    """Whether ``entry.hash`` is its link from ``prev``: keyed with ``key``, else SHA-256."""
    try:
        digest = chain_hash(prev, entry) if key is None else chain_mac(key, prev, entry)
    except (TypeError, ValueError, AttributeError):
        return False  # a field of the wrong shape: it cannot be what was hashed
    # A plain comparison: verifying is offline, there is no timing oracle to protect.
    return digest == entry.hash
