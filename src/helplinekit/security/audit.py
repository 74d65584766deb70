"""The audit log: append-only, hash-chained, gap-free, and free of personal data.

Each entry records who (a staff id, the system, and the operating-system user for CLI
commands), what action, on which object (a pseudonymous id), when, and a few counts or
kinds — never names, numbers, search terms or note text, so the log outlives erasure.

``hash = SHA-256(prev_hash ‖ canonical JSON of the entry)``. Verifying recomputes the chain
and names the first bad entry. Truncating the tail leaves a valid shorter chain, so it is
detected only against a **checkpoint** kept elsewhere: an Ed25519-signed (seq, hash) written
with a signing key that never lives on the database host.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import field, frozen

__all__ = [
    "GENESIS",
    "AuditEntry",
    "Checkpoint",
    "CheckpointError",
    "VerifyResult",
    "canonical",
    "chain_hash",
    "check_details",
    "generate_signing_key",
    "sign_checkpoint",
    "verify_chain",
]

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64
CHECKPOINT_FORMAT = "helplinekit-audit-checkpoint/1"

# Detail values are counts, flags and short machine words ("queue", "legal"); free text
# cannot pass, so a search term or a name can never be written into the log by mistake.
_WORD = re.compile(r"^[a-z0-9_.:-]{0,64}$")


class CheckpointError(Exception):
    """A checkpoint file is unreadable, forged, or signed with another key."""


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


def canonical(entry: AuditEntry) -> bytes:
    """The bytes that are hashed: sorted-key JSON of everything but the hashes."""
    document = {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
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
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


@frozen
class VerifyResult:
    """The outcome of verifying the chain.

    Attributes:
        ok: every entry is intact (and, with a checkpoint, nothing is missing).
        entries: how many entries were checked.
        first_bad_seq: the first entry that fails, or None.
        problem: what is wrong with it.
    """

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"The audit log is intact: {self.entries} entries, hash chain valid."
        return f"The audit log is NOT intact at entry {self.first_bad_seq}: {self.problem}"


def verify_chain(
    entries: Iterable[AuditEntry],
    *,
    head: tuple[int, str] | None = None,
    checkpoint: Checkpoint | None = None,
) -> VerifyResult:
    """Recompute the chain from the first entry; name the first entry that fails.

    :param entries: entries in ``seq`` order.
    :param head: the ``(seq, hash)`` the head row holds, if known.
    :param checkpoint: a verified checkpoint; entries up to its ``seq`` must exist and its
        hash must match, so a truncated or rewritten tail is detected.
    """
    expected_seq, prev, count = 1, GENESIS, 0
    hashes: dict[int, str] = {}
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            missing = expected_seq if entry.seq > expected_seq else entry.seq
            what = "missing" if entry.seq > expected_seq else "out of order or repeated"
            return VerifyResult(False, count, missing, f"entry {missing} is {what}.")
        if entry.prev_hash != prev:
            return VerifyResult(False, count, entry.seq, "it does not link to the entry before it.")
        if chain_hash(prev, entry) != entry.hash:
            return VerifyResult(False, count, entry.seq, "its content does not match its hash.")
        prev = entry.hash
        hashes[entry.seq] = entry.hash
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
            )
        if hashes.get(checkpoint.seq) != checkpoint.hash:
            return VerifyResult(
                False,
                count,
                checkpoint.seq,
                "its hash differs from the signed checkpoint: entries up to it were rewritten.",
            )
    if head is not None and head != (last, prev):
        head_seq = head[0]
        if head_seq > last:
            return VerifyResult(
                False,
                count,
                last + 1,
                f"entries {last + 1} to {head_seq} are missing (the chain head says {head_seq}).",
            )
        if head_seq < last:
            return VerifyResult(
                False,
                count,
                head_seq + 1,
                f"entries after {head_seq} were added outside the chain head.",
            )
        return VerifyResult(False, count, last, "its hash differs from the chain head.")
    return VerifyResult(True, count)


# -- checkpoints ---------------------------------------------------------------------------


@frozen
class Checkpoint:
    """A signed statement that the log had ``seq`` entries ending in ``hash``."""

    seq: int
    hash: str
    at: datetime
    public_key: str  # base64 raw Ed25519 public key
    signature: str  # base64

    def message(self) -> bytes:
        return f"{CHECKPOINT_FORMAT}|{self.seq}|{self.hash}|{self.at.isoformat()}".encode()

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": CHECKPOINT_FORMAT,
                "seq": self.seq,
                "hash": self.hash,
                "at": self.at.isoformat(),
                "public_key": self.public_key,
                "signature": self.signature,
            },
            indent=2,
        )

    @classmethod
    def load(cls, path: Path, *, trusted_public_key: str | None) -> Checkpoint:
        """Read and verify a checkpoint file against the trusted public key."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("format") != CHECKPOINT_FORMAT:
                raise ValueError("not a helplinekit audit checkpoint")
            checkpoint = cls(
                seq=int(document["seq"]),
                hash=str(document["hash"]),
                at=datetime.fromisoformat(document["at"]),
                public_key=str(document["public_key"]),
                signature=str(document["signature"]),
            )
        except FileNotFoundError:
            raise CheckpointError(f"There is no checkpoint file at {path}.") from None
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointError(f"The checkpoint {path} is unreadable ({error}).") from None
        key_text = trusted_public_key or checkpoint.public_key
        if trusted_public_key and trusted_public_key != checkpoint.public_key:
            raise CheckpointError(
                f"The checkpoint {path} was signed with a key other than the helpline's "
                "configured checkpoint key ([audit] checkpoint_public_key)."
            )
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text))
            public.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
        except (InvalidSignature, ValueError):
            raise CheckpointError(f"The checkpoint {path} has an invalid signature.") from None
        return checkpoint


def generate_signing_key() -> tuple[bytes, str]:
    """A new Ed25519 signing key (PEM, to keep off the database host) and its public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return pem, base64.b64encode(public).decode()


def sign_checkpoint(signing_key_pem: bytes, seq: int, hash_: str, at: datetime) -> Checkpoint:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        private = serialization.load_pem_private_key(signing_key_pem, password=None)
    except ValueError:
        raise CheckpointError("The signing key is not a PEM Ed25519 private key.") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise CheckpointError("The signing key is not an Ed25519 key.")
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    unsigned = Checkpoint(seq, hash_, at, base64.b64encode(public).decode(), "")
    signature = base64.b64encode(private.sign(unsigned.message())).decode()
    return Checkpoint(seq, hash_, at, unsigned.public_key, signature)
