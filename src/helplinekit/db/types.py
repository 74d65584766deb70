"""Column types shared by every table (after warehouse's ``utils/db/types.py``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import DateTime, LargeBinary, String, TypeDecorator, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database.

    SQLite has no timezone type: values are stored in UTC and come back aware, so domain
    validators (which refuse naive datetimes) never see a naive value.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are not stored; pass an aware UTC datetime.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stored: datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=UTC)
        return stored.astimezone(UTC)


def encrypted(owner: str, **kwargs: Any) -> Any:
    """A ciphertext column under the ``owner``'s data key ("caller" or "case")."""
    return mapped_column(LargeBinary, info={"encrypted": owner}, **kwargs)


uuid_pk = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True)]
timestamp = Annotated[datetime, mapped_column(UTCDateTime)]
short_text = Annotated[str, mapped_column(String(64))]
