"""The operator's audit tools: checkpoint keys, signed checkpoints, keying the log.

The ``helplinekit audit`` and ``keys`` commands reach the audit chain through here, so the
faces never import :mod:`helplinekit.security.audit` themselves. The chain's rules (how
entries are hashed and keyed, what a checkpoint proves) stay in that module; this one adds
only what writes to the log on the operator's behalf.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from attrs import frozen

from helplinekit.security.audit import (
    NO_AUDIT_KEY,
    Checkpoint,
    CheckpointError,
    VerifyResult,
    check_settings,
    generate_signing_key,
    provider_audit_key,
    sign_checkpoint,
    signing_public_key,
    verify_chain,
)
from helplinekit.services.context import ServiceContext

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = [
    "NO_AUDIT_KEY",
    "Checkpoint",
    "CheckpointError",
    "Keying",
    "VerifyResult",
    "checkpoint_public_key",
    "generate_signing_key",
    "provider_audit_key",
    "signing_public_key",
    "start_keying",
    "verify_chain",
    "write_checkpoint",
]


def checkpoint_public_key(table: Mapping[str, Any] | None, path: Path | None) -> str | None:
    """The ``[audit]`` table's trusted checkpoint public key, after checking its settings.

    :raises helplinekit.config.ConfigError: naming the unknown or malformed setting.
    """
    return check_settings(table, path)


def write_checkpoint(ctx: ServiceContext, signing_key_pem: bytes) -> Checkpoint:
    """Audit the checkpoint, then sign the head of the log, that entry included.

    The ``audit.checkpoint`` entry is written and committed first, so the checkpoint vouches
    for the log up to and including its own entry.
    """
    with ctx.database.uow() as uow:
        entry = uow.audit.append(
            at=ctx.clock(),
            actor_kind="system",
            actor_id=None,
            os_user=ctx.os_user,
            action="audit.checkpoint",
            object_kind="audit",
        )
        uow.commit()
    return sign_checkpoint(signing_key_pem, entry.seq, entry.hash, entry.at)


@frozen
class Keying:
    """What keying the audit log did.

    Attributes:
        marker_seq: the ``audit.keyed`` entry just written, or None if the log was keyed
            already (nothing was written).
        keyed_from: the entry the keyed chain starts at.
    """

    marker_seq: int | None
    keyed_from: int | None


def start_keying(ctx: ServiceContext) -> Keying:
    """Key the audit log from its next entry with the key provider's audit key.

    :raises helplinekit.contracts.keys.KeyUnavailable: the key provider has no audit key.
    """
    with ctx.database.uow() as uow:
        marker = uow.audit.start_keying(at=ctx.clock(), os_user=ctx.os_user)
        keyed_from = uow.audit.keyed_from()
        uow.commit()
    return Keying(None if marker is None else marker.seq, keyed_from)
