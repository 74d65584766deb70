"""Data keys in the database: created wrapped, unwrapped on demand, destroyed to shred."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from attrs import frozen
from sqlalchemy import delete, func, select

from helplinekit.db.models import DataKeyRow

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from helplinekit.security.crypto import DataKey, FieldCipher, KeyWrapper


@frozen
class StoredDataKey:
    """A data key as stored: wrapped under a key-encryption key, never in the clear.

    Attributes:
        id: the caller or case it belongs to.
        owner_kind: "caller" or "case".
        kek_version: the key-encryption key it is wrapped with.
        wrapped: the wrapped key bytes.
    """

    id: uuid.UUID
    owner_kind: str
    kek_version: int
    wrapped: bytes


def first_stored_key(engine: Engine) -> StoredDataKey | None:
    """One stored data key, read without a unit of work and without writing anything.

    Reads only the columns ``data_keys`` has had since the first migration, so it works on a
    schema that is not up to date yet (start-up checks the key file before migrating); None
    when there is no such table or no key in it.
    """
    from sqlalchemy import inspect

    from helplinekit.db.engine import READ_ONLY

    reader = engine.execution_options(**{READ_ONLY: True})
    if DataKeyRow.__tablename__ not in inspect(reader).get_table_names():
        return None
    table = DataKeyRow.__table__
    statement = select(table.c.id, table.c.owner_kind, table.c.kek_version, table.c.wrapped)
    with reader.connect() as connection:
        row = connection.execute(statement.limit(1)).first()
    if row is None:
        return None
    return StoredDataKey(row.id, row.owner_kind, row.kek_version, row.wrapped)


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

    def any_key(self) -> StoredDataKey | None:
        """One stored data key, to check at start-up that the key file can unwrap it."""
        row = self.session.scalars(select(DataKeyRow).limit(1)).first()
        if row is None:
            return None
        return StoredDataKey(row.id, row.owner_kind, row.kek_version, row.wrapped)

    # -- rotation ------------------------------------------------------------------------

    def count_not_under(self, kek_version: int) -> int:
        """How many data keys are wrapped with another key-encryption key than this one."""
        found = self.session.scalar(
            select(func.count(DataKeyRow.id)).where(DataKeyRow.kek_version != kek_version)
        )
        return int(found or 0)

    def rewrap_batch(self, kek_version: int, limit: int) -> int:
        """Re-wrap up to ``limit`` keys not under ``kek_version`` with it; how many.

        Rows another rotation holds are skipped (``SKIP LOCKED``), so two never collide.
        """
        from helplinekit.security.crypto import WrappedKey

        rows = self.session.scalars(
            select(DataKeyRow)
            .where(DataKeyRow.kek_version != kek_version)
            .order_by(DataKeyRow.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            new = self.wrapper.rewrap(
                row.owner_kind,
                row.id,
                WrappedKey(row.kek_version, row.wrapped),
                to_version=kek_version,
            )
            row.kek_version, row.wrapped = new.kek_version, new.blob
        return len(rows)

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
