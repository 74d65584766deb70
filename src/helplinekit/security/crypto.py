"""Encryption at rest: envelope keys and authenticated field encryption.

Each caller and each case has its own random 256-bit data key. Data keys are stored only
wrapped (encrypted) by the key-encryption key (KEK), which a :class:`KeyProvider` keeps outside
the database. Fields are encrypted with AES-256-GCM under the data key, with associated data
that binds each ciphertext to its table, column, row id and key version, so a ciphertext
copied to another row, column or table, or decrypted with another owner's key, is refused.

This protects stolen database files and backups. It does not protect against someone who
controls the running server: on one host the keys and the data share the machine.

Ciphertext format (``encrypt`` output and wrapped-key blobs alike)::

    b"\\x01" (format version) || nonce (12 bytes) || ciphertext || GCM tag (16 bytes)
"""

from __future__ import annotations

import os
import uuid
from typing import Any, Protocol, runtime_checkable

from attrs import Attribute, field, frozen
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from helplinekit.contracts.keys import KEY_BYTES, KeyProvider, KeyUnavailable
from helplinekit.domain.errors import ConfigurationError

__all__ = [
    "OWNER_KINDS",
    "AesGcmCipher",
    "DataKey",
    "DecryptionError",
    "FieldCipher",
    "FieldContext",
    "KeyWrapper",
    "WrappedKey",
    "decrypt_text",
    "encrypt_text",
]

#: Who a data key belongs to: one key per caller, one per case.
OWNER_KINDS: frozenset[str] = frozenset({"caller", "case", "staff"})

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12
_TAG_BYTES = 16
_OVERHEAD = len(_FORMAT_V1) + _NONCE_BYTES + _TAG_BYTES
_WRAPPED_BYTES = _OVERHEAD + KEY_BYTES
# Every associated-data string starts with this label, so our AAD can never be confused
# with another protocol's, and a future encoding can change the label.
_AAD_LABEL = b"helplinekit/v1\x00"


class DecryptionError(ConfigurationError):
    """A ciphertext or wrapped key could not be decrypted.

    The message names where the value came from (table, column and row, or the key's owner)
    and the likely cause, never the plaintext, the ciphertext or any key bytes.
    """


def _length_prefixed(*parts: bytes) -> bytes:
    # A 4-byte length before every part makes the encoding injective: ("ab", "c") and
    # ("a", "bc") give different bytes, so no two contexts share associated data.
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _version_bytes(version: int) -> bytes:
    return version.to_bytes(8, "big")


def _non_empty_str(instance: Any, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str, got {type(value).__name__}.")
    if not value:
        raise ValueError(f"{attribute.name} must not be empty.")


def _is_uuid(instance: Any, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, uuid.UUID):
        raise TypeError(f"{attribute.name} must be a uuid.UUID, got {type(value).__name__}.")


def _positive_int(instance: Any, attribute: Attribute[Any], value: object) -> None:
    # bool is an int subclass; True as a version is always a bug.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be an int, got {type(value).__name__}.")
    if not 1 <= value < 2**63:
        raise ValueError(f"{attribute.name} must be a positive version number, got {value}.")


def _key_material(instance: Any, attribute: Attribute[Any], value: object) -> None:
    # Never quote the value: it is key material.
    if not isinstance(value, bytes):
        raise TypeError(f"{attribute.name} must be bytes, got {type(value).__name__}.")
    if len(value) != KEY_BYTES:
        raise ValueError(f"{attribute.name} must be {KEY_BYTES} bytes, got {len(value)} bytes.")


def _to_bytes(value: object) -> bytes:
    # Database drivers hand back BLOBs as bytes, bytearray or memoryview; a str is a bug.
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"expected bytes, got {type(value).__name__}.")


def _check_owner(owner: object, owner_id: object) -> None:
    if owner not in OWNER_KINDS:
        kinds = ", ".join(sorted(OWNER_KINDS))
        raise ValueError(f"A data key's owner must be one of {kinds}; got {owner!r}.")
    if not isinstance(owner_id, uuid.UUID):
        raise TypeError(f"owner_id must be a uuid.UUID, got {type(owner_id).__name__}.")


def _describe(context: FieldContext) -> str:
    # Names only: table, column and row id are not survivor data.
    return (
        f"{context.table}.{context.column} of row {context.row_id} "
        f"(key version {context.key_version})"
    )


def _split(blob: bytes) -> tuple[bytes, bytes] | str:
    """Return ``(nonce, ciphertext_and_tag)``, or why ``blob`` is not in our format."""
    if len(blob) < _OVERHEAD:
        return "the stored value is too short to be a ciphertext (damaged or never encrypted)"
    # The first byte is not quoted: if the column holds plaintext by mistake, it would be
    # the first character of a survivor's data.
    if blob[:1] != _FORMAT_V1:
        return "the stored value is not in a ciphertext format this helplinekit knows"
    return blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]


@frozen
class FieldContext:
    """Where an encrypted field lives; bound into its ciphertext as associated data.

    Attributes:
        table: The table name, e.g. ``"messages"``.
        column: The column name, e.g. ``"body"``.
        row_id: The row's application-generated id (known before the row is inserted).
        key_version: The version of the data key the field is encrypted under.
    """

    table: str = field(validator=_non_empty_str)
    column: str = field(validator=_non_empty_str)
    row_id: uuid.UUID = field(validator=_is_uuid)
    key_version: int = field(default=1, validator=_positive_int)

    def associated_data(self) -> bytes:
        """Return the canonical associated-data bytes for this field.

        A label, then length-prefixed parts: the purpose ``field``, the table and column
        names (UTF-8), the 16 bytes of the row id and the key version (8 bytes, big-endian).
        """
        return _AAD_LABEL + _length_prefixed(
            b"field",
            self.table.encode("utf-8"),
            self.column.encode("utf-8"),
            self.row_id.bytes,
            _version_bytes(self.key_version),
        )


@frozen
class DataKey:
    """A plaintext data key, held in memory only while a caller's or case's fields are used.

    Attributes:
        id: The key's id, bound into every ciphertext made with it. Keys made by
            :class:`KeyWrapper` use the owner's id (one key per caller or case).
        material: The 32 key bytes. Secret: hidden from repr.
    """

    id: uuid.UUID = field(validator=_is_uuid)
    material: bytes = field(repr=False, validator=_key_material)


@frozen
class WrappedKey:
    """A data key encrypted by the key-encryption key, as stored in the database.

    Attributes:
        kek_version: The version of the key-encryption key that wrapped it.
        blob: ``b"\\x01" || nonce || encrypted key || tag``. Hidden from repr, so logs never
            hold a copy that would outlive the key's erasure.
    """

    kek_version: int = field(validator=_positive_int)
    blob: bytes = field(repr=False, converter=_to_bytes)


@runtime_checkable
class FieldCipher(Protocol):
    """Encrypts and decrypts one field value under a data key, bound to its context.

    Attributes:
        name: The algorithm's name, e.g. ``aes-256-gcm``.
    """

    name: str

    def encrypt(self, key: DataKey, plaintext: bytes, context: FieldContext) -> bytes:
        """Return the ciphertext of ``plaintext`` for the field at ``context``."""
        ...

    def decrypt(self, key: DataKey, ciphertext: bytes, context: FieldContext) -> bytes:
        """Return the plaintext, or raise :class:`DecryptionError`."""
        ...


class AesGcmCipher:
    """AES-256-GCM with a random 96-bit nonce and a versioned header.

    The associated data is the field's context plus the data key's id, so a ciphertext only
    decrypts in the row, column and table, under the key version and with the key, it was
    made for.
    """

    name: str = "aes-256-gcm"

    @staticmethod
    def _associated_data(key: DataKey, context: FieldContext) -> bytes:
        return context.associated_data() + _length_prefixed(b"data-key", key.id.bytes)

    def encrypt(self, key: DataKey, plaintext: bytes, context: FieldContext) -> bytes:
        """Return ``b"\\x01" || nonce || ciphertext || tag`` for ``plaintext``."""
        if not isinstance(key, DataKey):
            raise TypeError(f"key must be a DataKey, got {type(key).__name__}.")
        if not isinstance(plaintext, bytes):
            raise TypeError(f"plaintext must be bytes, got {type(plaintext).__name__}.")
        # A fresh random nonce per encryption. Each key belongs to one caller or case and
        # encrypts at most thousands of values, far below GCM's 2**32 random-nonce limit.
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(key.material).encrypt(nonce, plaintext, self._associated_data(key, context))
        return _FORMAT_V1 + nonce + sealed

    def decrypt(self, key: DataKey, ciphertext: bytes, context: FieldContext) -> bytes:
        """Return the plaintext of ``ciphertext``.

        Raises:
            DecryptionError: the value is damaged, not in our format, was moved from another
                row, column or table, or was made with another key. The message names the
                field (``context``), never the data.
        """
        if not isinstance(key, DataKey):
            raise TypeError(f"key must be a DataKey, got {type(key).__name__}.")
        parts = _split(_to_bytes(ciphertext))
        if isinstance(parts, str):
            raise DecryptionError(f"Cannot decrypt {_describe(context)}: {parts}.")
        nonce, sealed = parts
        try:
            return AESGCM(key.material).decrypt(nonce, sealed, self._associated_data(key, context))
        except InvalidTag:
            # from None: keep the tracebacks short and free of anything but our message.
            raise DecryptionError(
                f"Cannot decrypt {_describe(context)}: the value is damaged, was moved from "
                "another row, column or table, or was encrypted with another key."
            ) from None


def encrypt_text(
    cipher: FieldCipher, key: DataKey, text: str | None, context: FieldContext
) -> bytes | None:
    """Encrypt ``text`` as UTF-8; ``None`` (no value) stays ``None``."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"text must be a str or None, got {type(text).__name__}.")
    return cipher.encrypt(key, text.encode("utf-8"), context)


def decrypt_text(
    cipher: FieldCipher, key: DataKey, ciphertext: bytes | None, context: FieldContext
) -> str | None:
    """Decrypt a value made by :func:`encrypt_text`; ``None`` stays ``None``.

    Raises:
        DecryptionError: as :meth:`FieldCipher.decrypt`, or the plaintext is not UTF-8.
    """
    if ciphertext is None:
        return None
    plaintext = cipher.decrypt(key, ciphertext, context)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        # The codec's message quotes the offending byte, a byte of the plaintext.
        raise DecryptionError(
            f"Cannot decrypt {_describe(context)}: the decrypted value is not UTF-8 text."
        ) from None


class KeyWrapper:
    """Wraps and unwraps per-caller and per-case data keys with the KEK from a KeyProvider.

    A data key's id is its owner's id: there is one key per caller and one per case, so the
    id needs no column of its own, and ciphertexts are bound to their owner through it.
    Key rotation (:meth:`rewrap`) re-encrypts the wrapped data key under another KEK; the
    data key itself, and so every field encrypted with it, stays the same.
    """

    def __init__(self, provider: KeyProvider) -> None:
        self._provider = provider

    @property
    def current_kek_version(self) -> int:
        """The version of the KEK that new data keys are wrapped with."""
        return self._kek(None)[0]

    def _kek(self, version: int | None) -> tuple[int, bytes]:
        # KeyUnavailable from the provider propagates unchanged: its message says where the
        # key was looked for and how to fix it.
        got_version, kek = self._provider.key_encryption_key(version)
        # AESGCM also accepts 16- and 24-byte keys; never silently fall back to AES-128.
        if not isinstance(kek, bytes) or len(kek) != KEY_BYTES:
            size = f"{len(kek)} bytes" if isinstance(kek, bytes) else type(kek).__name__
            raise KeyUnavailable(
                f"The key provider returned a key-encryption key (version {got_version}) of "
                f"{size}; it must be {KEY_BYTES} bytes. Check the key provider's configuration."
            )
        return got_version, kek

    @staticmethod
    def _associated_data(owner: str, owner_id: uuid.UUID, kek_version: int) -> bytes:
        key_id = owner_id  # the data key's id is its owner's id (see the class docstring)
        return _AAD_LABEL + _length_prefixed(
            b"wrapped-data-key",
            owner.encode("utf-8"),
            owner_id.bytes,
            key_id.bytes,
            _version_bytes(kek_version),
        )

    def _wrap(
        self, owner: str, owner_id: uuid.UUID, key: DataKey, kek_version: int, kek: bytes
    ) -> WrappedKey:
        # Random nonces under one KEK are safe up to about 2**32 wraps: more data keys than
        # any helpline will hold between two rotations.
        nonce = os.urandom(_NONCE_BYTES)
        aad = self._associated_data(owner, owner_id, kek_version)
        sealed = AESGCM(kek).encrypt(nonce, key.material, aad)
        return WrappedKey(kek_version=kek_version, blob=_FORMAT_V1 + nonce + sealed)

    def new_data_key(self, owner: str, owner_id: uuid.UUID) -> tuple[DataKey, WrappedKey]:
        """Make a fresh random data key for a caller or case, wrapped under the current KEK.

        Args:
            owner: ``"caller"`` or ``"case"``.
            owner_id: The caller's or case's id; it becomes the data key's id.

        Returns:
            The plaintext key (to use now) and the wrapped key (to store).

        Raises:
            KeyUnavailable: the provider has no current KEK.
        """
        _check_owner(owner, owner_id)
        kek_version, kek = self._kek(None)
        key = DataKey(id=owner_id, material=os.urandom(KEY_BYTES))
        return key, self._wrap(owner, owner_id, key, kek_version, kek)

    def unwrap(self, owner: str, owner_id: uuid.UUID, wrapped: WrappedKey) -> DataKey:
        """Recover the data key of a caller or case.

        Raises:
            KeyUnavailable: the provider does not have the KEK version it was wrapped with.
            DecryptionError: the KEK does not match (wrong key file or environment), the
                wrapped key is damaged, or it belongs to another owner.
        """
        _check_owner(owner, owner_id)
        if not isinstance(wrapped, WrappedKey):
            raise TypeError(f"wrapped must be a WrappedKey, got {type(wrapped).__name__}.")
        # The KEK first: a missing key is the likelier problem, and its message says the fix.
        _, kek = self._kek(wrapped.kek_version)
        where = f"the data key of {owner} {owner_id}"
        parts = _split(wrapped.blob)
        if isinstance(parts, str):
            raise DecryptionError(f"Cannot unwrap {where}: {parts}.")
        nonce, sealed = parts
        if len(sealed) != KEY_BYTES + _TAG_BYTES:
            raise DecryptionError(f"Cannot unwrap {where}: the wrapped key has the wrong length.")
        aad = self._associated_data(owner, owner_id, wrapped.kek_version)
        try:
            material = AESGCM(kek).decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionError(
                f"Cannot unwrap {where}: the key-encryption key does not match the one it was "
                f"wrapped with (version {wrapped.kek_version}). Check that the key provider "
                "gives this deployment's key (key file, environment or key service); "
                "otherwise the wrapped key is damaged or belongs to another owner."
            ) from None
        return DataKey(id=owner_id, material=material)

    def rewrap(
        self,
        owner: str,
        owner_id: uuid.UUID,
        wrapped: WrappedKey,
        *,
        to_version: int | None = None,
    ) -> WrappedKey:
        """Re-wrap a data key under KEK ``to_version`` (default: the current one).

        The data key is unchanged, so its fields need no re-encryption. A key already under
        the target version is checked and returned unchanged, so a resumed rotation can call
        this on every key and store only those that changed.

        Raises:
            KeyUnavailable: either KEK version is not available.
            DecryptionError: as :meth:`unwrap`.
        """
        key = self.unwrap(owner, owner_id, wrapped)
        kek_version, kek = self._kek(to_version)
        if kek_version == wrapped.kek_version:
            return wrapped
        return self._wrap(owner, owner_id, key, kek_version, kek)

    def check_key(self, owner: str, owner_id: uuid.UUID, wrapped: WrappedKey) -> None:
        """Check at start-up that this provider's KEK unwraps a sample wrapped key.

        Raises:
            KeyUnavailable: the provider cannot give the KEK version of the sample.
            DecryptionError: the KEK is the wrong one (or the sample is damaged).
        """
        self.unwrap(owner, owner_id, wrapped)
