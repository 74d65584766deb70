"""Audit checkpoints: Ed25519-signed statements that the log had ``seq`` entries ending in ``hash``.

Truncating the tail of the audit log leaves a valid shorter chain, so it is detected only
against a checkpoint kept elsewhere, written with a signing key that never lives on the
database host. This module signs checkpoints, reads and verifies checkpoint files, and
validates the ``[audit]`` table of ``helpline.toml``, which names the public key a
checkpoint must be signed with. Import these from :mod:`helplinekit.security.audit`, which
re-exports them.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import frozen

from helplinekit.domain.errors import InvalidValue

__all__ = [
    "AUDIT_SETTINGS",
    "CHECKPOINT_FORMAT",
    "Checkpoint",
    "CheckpointError",
    "check_settings",
    "generate_signing_key",
    "sign_checkpoint",
    "signing_public_key",
]

CHECKPOINT_FORMAT = "helplinekit-audit-checkpoint/1"
#: The settings the ``[audit]`` table of ``helpline.toml`` may hold.
AUDIT_SETTINGS = frozenset({"checkpoint_public_key"})
_HASH = re.compile(r"^[0-9a-f]{64}$")


class CheckpointError(InvalidValue):
    """A checkpoint file is unreadable, forged, or signed with another key."""


def check_settings(table: Mapping[str, Any] | None, path: Path | None = None) -> str | None:
    """Validate the ``[audit]`` table; return the trusted checkpoint public key, if any.

    :param table: ``config.extra.get("audit")``.
    :param path: the ``helpline.toml`` it came from, for the message.
    :raises helplinekit.config.ConfigError: naming the unknown or malformed setting.
    """
    from helplinekit.config import ConfigError

    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise ConfigError(path, "audit", "must be a table.", "Write it as [audit].")
    unknown = sorted(set(table) - AUDIT_SETTINGS)
    if unknown:
        raise ConfigError(
            path,
            f"audit.{unknown[0]}",
            "is not a known setting.",
            f"Known settings in [audit]: {', '.join(sorted(AUDIT_SETTINGS))}. Check the spelling.",
        )
    key = table.get("checkpoint_public_key")
    if key is None:
        return None
    if not isinstance(key, str) or len(_decode_public_key(key)) != 32:
        raise ConfigError(
            path,
            "audit.checkpoint_public_key",
            "is not an Ed25519 public key.",
            "Paste the quoted line that 'helplinekit audit keygen' printed (44 base64 characters).",
        )
    return key.strip()


def _decode_public_key(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except ValueError:
        return b""


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
            if not isinstance(document, dict) or document.get("format") != CHECKPOINT_FORMAT:
                raise ValueError("not a helplinekit audit checkpoint")
            seq, hash_ = document["seq"], document["hash"]
            # Exact types: a signature over seq 5 must not vouch for "5" or 5.0.
            if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
                raise ValueError("seq is not a count of entries")
            if not isinstance(hash_, str) or not _HASH.match(hash_):
                raise ValueError("hash is not a SHA-256 hex digest")
            at = datetime.fromisoformat(document["at"])
            if at.tzinfo is None:
                raise ValueError("the time has no timezone")
            checkpoint = cls(
                seq=seq,
                hash=hash_,
                at=at,
                public_key=str(document["public_key"]),
                signature=str(document["signature"]),
            )
        except FileNotFoundError:
            raise CheckpointError(f"There is no checkpoint file at {path}.") from None
        except OSError as error:
            raise CheckpointError(
                f"The checkpoint {path} cannot be read ({error.strerror or error})."
            ) from None
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointError(f"The checkpoint {path} is unreadable ({error}).") from None
        trusted = trusted_public_key.strip() if trusted_public_key else None
        if trusted and trusted != checkpoint.public_key:
            raise CheckpointError(
                f"The checkpoint {path} was signed with a key other than the helpline's "
                "configured checkpoint key ([audit] checkpoint_public_key)."
            )
        # Without a trusted key this only proves the file is self-consistent, not who
        # signed it: callers that need proof (``audit verify``) must pass the trusted key.
        key_text = trusted or checkpoint.public_key
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


def _load_signing_key(signing_key_pem: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        private = serialization.load_pem_private_key(signing_key_pem, password=None)
    except (ValueError, TypeError):
        raise CheckpointError("The signing key is not a PEM Ed25519 private key.") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise CheckpointError("The signing key is not an Ed25519 key.")
    return private


def signing_public_key(signing_key_pem: bytes) -> str:
    """The base64 public key of a PEM Ed25519 signing key (what ``[audit]`` trusts)."""
    from cryptography.hazmat.primitives import serialization

    public = (
        _load_signing_key(signing_key_pem)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(public).decode()


def sign_checkpoint(signing_key_pem: bytes, seq: int, hash_: str, at: datetime) -> Checkpoint:
    """Sign the statement that the log had ``seq`` entries ending in ``hash_`` at ``at``."""
    if seq < 0 or not _HASH.match(hash_):
        raise ValueError("A checkpoint needs a seq >= 0 and a SHA-256 hex hash.")
    if at.tzinfo is None:
        raise ValueError("A checkpoint's time must be timezone-aware.")
    private = _load_signing_key(signing_key_pem)
    unsigned = Checkpoint(seq, hash_, at, signing_public_key(signing_key_pem), "")
    signature = base64.b64encode(private.sign(unsigned.message())).decode()
    return Checkpoint(seq, hash_, at, unsigned.public_key, signature)
