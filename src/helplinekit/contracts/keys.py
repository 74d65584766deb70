"""The key-provider contract: where the key-encryption, blind-index and audit keys live.

Keys never live in the database or in ``helpline.toml``. ``helpline.toml`` names the
provider (``[keys] provider = "local.keyfile"``); a provider plugin can fetch keys from a
KMS or Vault instead. Security never falls back to "the first plugin that answers".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from helplinekit.domain.errors import ConfigurationError

__all__ = ["KEY_BYTES", "AuditKeyProvider", "KeyProvider", "KeyUnavailable"]

#: Every key is 256-bit.
KEY_BYTES = 32


class KeyUnavailable(ConfigurationError):
    """A key could not be obtained; the message says where it was looked for and the fix."""


@runtime_checkable
class KeyProvider(Protocol):
    """What a key-provider plugin implements.

    Registered as a class; the core instantiates it with the ``[keys]`` table of
    ``helpline.toml`` and the deployment folder.

    Attributes:
        name: the namespaced provider name, e.g. ``local.keyfile``.
    """

    name: ClassVar[str]

    def __init__(self, settings: Mapping[str, Any], deployment_dir: Path) -> None: ...

    def key_encryption_key(self, version: int | None = None) -> tuple[int, bytes]:
        """Return ``(version, key)`` of the key-encryption key.

        With ``version=None`` return the current key (new data keys are wrapped with it);
        with a version, that older key (to unwrap data keys during a rotation).
        Raise :class:`KeyUnavailable` if it cannot be found.
        """
        ...

    def blind_index_key(self) -> bytes:
        """Return the blind-index key, separate from the key-encryption key."""
        ...


@runtime_checkable
class AuditKeyProvider(Protocol):
    """What a key provider adds to also hold the audit-log key (optional, but recommended).

    The audit log is chained with HMAC-SHA256 under this key, so someone who can write to
    the database but does not hold the key cannot rewrite entries and recompute the chain.
    A provider without :meth:`audit_key` (or returning None) still works: the log is then
    only hash-chained, and start-up, ``config check`` and ``audit verify`` warn about it.
    """

    def audit_key(self) -> bytes | None:
        """Return the audit key (32 bytes), or None if this provider holds none.

        Called at start-up, and again by a writer that finds the log keyed while it has no
        key yet (the key was added while it ran), so a provider that caches its keys should
        look again when it has none. Raise :class:`KeyUnavailable` if it is damaged.
        """
        ...
