"""Built-in plugin: the ``local.keyfile`` key provider (a key file, or environment variables).

The key file lives **outside** the deployment folder, readable only by its owner, so a copy
of the folder (or of its database, or a backup) does not carry the key. Environment
variables override the file for deployments that inject secrets (systemd credentials,
container secrets): ``HELPLINEKIT_KEK`` and ``HELPLINEKIT_INDEX_KEY``, base64 of 32 bytes, and
``HELPLINEKIT_AUDIT_KEY`` for the audit-log key.

The audit key (``audit_key`` in the file) keys the audit log's chain (HMAC-SHA256), so it
lives here with the other keys and never in the database. ``keys init`` writes one from the
start; a key file made before audit keys existed gets one with ``keys add-audit-key``, which
adds it beside the existing keys and never replaces one.

Losing this file loses the data: there is no recovery without it. Back it up apart from
the database backups (see ``docs/data-protection.md``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from helplinekit import hookimpl
from helplinekit.contracts.keys import KEY_BYTES, KeyUnavailable
from helplinekit.hookspecs import Register

NAME = "local.keyfile"
FORMAT = "helplinekit-keys/1"
KEK_ENV = "HELPLINEKIT_KEK"
INDEX_KEY_ENV = "HELPLINEKIT_INDEX_KEY"
AUDIT_KEY_ENV = "HELPLINEKIT_AUDIT_KEY"


class AuditKeyExists(KeyUnavailable):
    """The key file already holds an audit key; it is never replaced."""


def _decode(value: object, where: str) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (ValueError, TypeError):
        raise KeyUnavailable(f"{where} is not valid base64.") from None
    if len(raw) != KEY_BYTES:
        raise KeyUnavailable(f"{where} holds {len(raw)} bytes; a key must be {KEY_BYTES} bytes.")
    return raw


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def default_key_path(deployment_dir: Path, deployment_id: str | None = None) -> Path:
    """Where ``keys init`` puts the key file when ``[keys] path`` is not set.

    Named after the deployment's ``[helpline] id`` (unique, written by ``helplinekit init``),
    or, for a hand-written config without one, after its folder.
    """
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    name = deployment_id or deployment_dir.resolve().name
    return base / "helplinekit" / "keys" / f"{name}.keys.json"


class KeyFileProvider:
    """Keys from a JSON key file outside the deployment folder, or from the environment."""

    name: ClassVar[str] = NAME

    def __init__(self, settings: Mapping[str, Any], deployment_dir: Path) -> None:
        self.deployment_dir = deployment_dir
        configured = settings.get("path")
        self.path = (
            Path(str(configured)).expanduser()
            if configured
            else default_key_path(deployment_dir, settings.get("deployment_id"))
        )
        if not self.path.is_absolute():
            self.path = (deployment_dir / self.path).absolute()
        self._loaded: dict[str, Any] | None = None

    def _from_env(self) -> dict[str, Any] | None:
        kek, index_key = os.environ.get(KEK_ENV), os.environ.get(INDEX_KEY_ENV)
        audit_key = os.environ.get(AUDIT_KEY_ENV)
        if not kek and not index_key and not audit_key:
            return None
        if audit_key and not kek and not index_key:
            raise KeyUnavailable(
                f"{AUDIT_KEY_ENV} is set but {KEK_ENV} and {INDEX_KEY_ENV} are not: the keys "
                "come all from the environment or all from the key file. Unset "
                f"{AUDIT_KEY_ENV} to use the key file (it holds its own audit key)."
            )
        if not (kek and index_key):
            missing = INDEX_KEY_ENV if kek else KEK_ENV
            raise KeyUnavailable(f"{missing} is not set; set both {KEK_ENV} and {INDEX_KEY_ENV}.")
        return {
            "keks": {1: _decode(kek, KEK_ENV)},
            "current": 1,
            "index_key": _decode(index_key, INDEX_KEY_ENV),
            "audit_key": _decode(audit_key, AUDIT_KEY_ENV) if audit_key else None,
        }

    def _load(self) -> dict[str, Any]:
        if self._loaded is not None:
            return self._loaded
        loaded = self._from_env()
        if loaded is None:
            loaded = self._read_file()
        self._loaded = loaded
        return loaded

    def _read_file(self) -> dict[str, Any]:
        path = self.path
        if _is_inside(path, self.deployment_dir):
            raise KeyUnavailable(
                f"The key file {path} is inside the deployment folder, so a copy of the folder "
                "would carry the key. Move it outside and set [keys] path in helpline.toml."
            )
        try:
            info = path.stat()
        except FileNotFoundError:
            raise KeyUnavailable(
                f"No key file at {path}. Create one with 'helplinekit keys init', or restore "
                f"your backup of it there (or set {KEK_ENV} and {INDEX_KEY_ENV})."
            ) from None
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyUnavailable(
                f"The key file {path} can be read by other users; run 'chmod 600 {path}'."
            )
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
            keks = {
                int(version): _decode(value, f"{path} kek {version}")
                for version, value in document["keks"].items()
            }
            current = int(document["current"])
            if current not in keks:
                raise ValueError(f"current key version {current} is not in the file")
            index_key = _decode(document["index_key"], f"{path} index_key")
            # Optional: key files written before audit keys existed have none.
            audit_key = (
                _decode(document["audit_key"], f"{path} audit_key")
                if document.get("audit_key") is not None
                else None
            )
        except KeyUnavailable:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyUnavailable(
                f"The key file {path} is damaged ({error}); restore it from backup."
            ) from None
        return {"keks": keks, "current": current, "index_key": index_key, "audit_key": audit_key}

    def key_encryption_key(self, version: int | None = None) -> tuple[int, bytes]:
        loaded = self._load()
        wanted = loaded["current"] if version is None else version
        try:
            return wanted, loaded["keks"][wanted]
        except KeyError:
            raise KeyUnavailable(
                f"Key-encryption key version {wanted} is not in {self.path}; data wrapped with "
                "it cannot be read. Restore the key file that holds it."
            ) from None

    def blind_index_key(self) -> bytes:
        key: bytes = self._load()["index_key"]
        return key

    def audit_key(self) -> bytes | None:
        if type(self).key_encryption_key is not KeyFileProvider.key_encryption_key:
            # A subclass that fetches its keys elsewhere (written before audit keys) and
            # does not override this: it has no audit key, rather than reading a key file
            # it never uses.
            return None
        key: bytes | None = self._load()["audit_key"]
        if key is None and self._from_env() is None:
            # Look again: 'keys add-audit-key' may have added it since the file was read.
            self._loaded = None
            key = self._load()["audit_key"]
        return key

    @property
    def from_environment(self) -> bool:
        """Whether the keys come from environment variables rather than the file."""
        return self._from_env() is not None

    # -- writing key files (used by 'helplinekit keys init' and 'keys rotate') ------------

    def create(self) -> Path:
        """Write a new key file with fresh random keys; refuse to overwrite one."""
        if _is_inside(self.path, self.deployment_dir):
            raise KeyUnavailable(
                f"Refusing to write the key file inside the deployment folder ({self.path}); "
                "set [keys] path to a place outside it."
            )
        if self.path.exists():
            raise KeyUnavailable(f"A key file already exists at {self.path}; it was not changed.")
        document = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "current": 1,
            "keks": {"1": base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()},
            "index_key": base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(),
            # A new deployment's audit log is keyed from its first entry.
            "audit_key": base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_EXCL: never replace a key file that appeared in the meantime; 0600 from birth.
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
        self._loaded = None
        return self.path

    # -- rotation --------------------------------------------------------------------------

    def _rewrite(self, change: Any, what: str = "rotate them") -> None:
        if self._from_env() is not None:
            raise KeyUnavailable(
                f"The keys come from {KEK_ENV}/{INDEX_KEY_ENV}; {what} where they are "
                "set, not in a key file."
            )
        document = json.loads(self.path.read_text(encoding="utf-8"))
        change(document)
        # Written beside the old file and renamed over it: a crash leaves one or the other,
        # never half a key file.
        temporary = self.path.with_name(self.path.name + ".new")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        self._loaded = None

    def add_version(self) -> int:
        """Add a fresh key-encryption key and make it current; older ones stay readable."""
        new_version = 0

        def change(document: dict[str, Any]) -> None:
            nonlocal new_version
            new_version = max(int(v) for v in document["keks"]) + 1
            document["keks"][str(new_version)] = base64.b64encode(
                secrets.token_bytes(KEY_BYTES)
            ).decode()
            document["current"] = new_version

        self._read_file()  # refuse a damaged or world-readable file before changing it
        self._rewrite(change)
        return new_version

    def add_audit_key(self) -> Path:
        """Add a fresh audit key to the key file; refuse if it already holds one.

        Every other key in the file is kept as it is (the file is rewritten whole and renamed
        over the old one, as for rotation).

        :raises AuditKeyExists: the file already holds an audit key (it was not changed).
        :raises KeyUnavailable: the keys come from environment variables, or the file is
            missing, damaged or readable by others.
        """
        if self._from_env() is not None:
            raise KeyUnavailable(
                f"The keys come from {KEK_ENV}/{INDEX_KEY_ENV}, not a key file: set "
                f"{AUDIT_KEY_ENV} where they are set (base64 of {KEY_BYTES} random bytes, e.g. "
                "from 'openssl rand -base64 32'), restart, then run 'helplinekit keys "
                "add-audit-key --resume' to key the audit log."
            )
        self._read_file()  # refuse a damaged or world-readable file before changing it

        def change(document: dict[str, Any]) -> None:
            # Checked on the document being rewritten, so a key added meanwhile is kept.
            if document.get("audit_key") is not None:
                raise AuditKeyExists(
                    f"The key file {self.path} already holds an audit key; it was not changed."
                )
            document["audit_key"] = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
            document["audit_key_added_at"] = datetime.now(UTC).isoformat(timespec="seconds")

        self._rewrite(change, "add the audit key")
        return self.path

    def retire_versions(self, keep: int) -> list[int]:
        """Remove every key-encryption key but ``keep`` (once nothing is wrapped with them)."""
        retired: list[int] = []

        def change(document: dict[str, Any]) -> None:
            for version in list(document["keks"]):
                if int(version) != keep:
                    retired.append(int(version))
                    del document["keks"][version]
            document["current"] = keep

        self._rewrite(change)
        return retired

    def versions(self) -> list[int]:
        return sorted(self._load()["keks"])


@hookimpl
def register_key_providers(register: Register) -> None:
    register(KeyFileProvider)
