"""The key-provider contract: where the key-encryption key and the blind-index key live.

Keys never live in the database or in ``helpline.toml``. ``helpline.toml`` names the
provider (``[keys] provider = "local.keyfile"``); a provider plugin can fetch keys from a
KMS or Vault instead. Security never falls back to "the first plugin that answers".
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["KEY_BYTES", "KeyProvider", "KeyUnavailable"]

#: Both keys are 256-bit.
KEY_BYTES = 32


class KeyUnavailable(Exception):
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
