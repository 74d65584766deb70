"""Data keys in the database: created wrapped, unwrapped on demand, destroyed to shred."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from helplinekit.db.models import DataKeyRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from helplinekit.security.crypto import DataKey, FieldCipher, KeyWrapper


class DataKeys:
    """Per-caller and per-case data keys for one unit of work (unwrapped keys are cached)."""

    def __init__(self, session: Session, wrapper: KeyWrapper, cipher: FieldCipher) -> None:
        self.session = session
        self.wrapper = wrapper
        self.cipher = cipher
        self._cache: dict[uuid.UUID, DataKey] = {}

    def create(self, owner: str, owner_id: uuid.UUID) -> DataKey:
        key, wrapped = self.wrapper.new_data_key(owner, owner_id)
        self.session.add(
            DataKeyRow(
                id=owner_id,
                owner_kind=owner,
                kek_version=wrapped.kek_version,
                wrapped=wrapped.blob,
                created_at=datetime.now(UTC),
            )
        )
        self._cache[owner_id] = key
        return key

    def get(self, owner: str, owner_id: uuid.UUID) -> DataKey:
        key = self._cache.get(owner_id)
        if key is not None:
            return key
        from helplinekit.security.crypto import DecryptionError, WrappedKey

        # No autoflush: a half-built row being sealed field by field must not be flushed
        # just because its key is fetched.
        with self.session.no_autoflush:
            row = self.session.get(DataKeyRow, owner_id)
        if row is None or row.owner_kind != owner:
            raise DecryptionError(f"No data key for {owner} {owner_id}; it may have been erased.")
        key = self.wrapper.unwrap(owner, owner_id, WrappedKey(row.kek_version, row.wrapped))
        self._cache[owner_id] = key
        return key

    def destroy(self, owner_id: uuid.UUID) -> None:
        self._cache.pop(owner_id, None)
        self.session.execute(delete(DataKeyRow).where(DataKeyRow.id == owner_id))

    def any_key(self) -> DataKeyRow | None:
        return self.session.scalars(select(DataKeyRow).limit(1)).first()

    # -- field helpers -------------------------------------------------------------------

    def seal(
        self,
        owner: str,
        owner_id: uuid.UUID,
        table: str,
        column: str,
        row_id: uuid.UUID,
        value: Any,
    ) -> bytes:
        """Encrypt a value (str, bytes, or anything JSON can hold) for one table cell."""
        from helplinekit.security.crypto import FieldContext

        plaintext = _encode(value)
        key = self.get(owner, owner_id)
        return self.cipher.encrypt(key, plaintext, FieldContext(table, column, row_id))

    def open(
        self,
        owner: str,
        owner_id: uuid.UUID,
        table: str,
        column: str,
        row_id: uuid.UUID,
        blob: bytes,
    ) -> Any:
        from helplinekit.security.crypto import FieldContext

        key = self.get(owner, owner_id)
        return _decode(self.cipher.decrypt(key, blob, FieldContext(table, column, row_id)))


def _encode(value: Any) -> bytes:
    # One tagged format for every encrypted cell, so a column can hold text or structure.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode(plaintext: bytes) -> Any:
    from helplinekit.security.crypto import DecryptionError

    try:
        return json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        # The parser's message would quote plaintext bytes; say only what failed.
        raise DecryptionError("A decrypted value is not in helplinekit's format.") from None
