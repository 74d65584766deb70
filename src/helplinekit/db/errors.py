"""What the database layer raises that services may need to catch."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError

__all__ = ["DatabaseUnreachable", "DuplicateRow"]

#: A concurrent writer created the same unique row first (a counter, a case reference, a
#: provider message id). The transaction is rolled back; running it again sees the row.
#: Services catch this name, never SQLAlchemy's, so they depend on the database layer only.
DuplicateRow = IntegrityError

#: The database cannot be reached or opened (no server, no such database, no file yet).
DatabaseUnreachable = OperationalError
