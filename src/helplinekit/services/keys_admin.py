"""The operator's key tools: what ``helplinekit keys`` asks before it makes or adds a key.

The commands reach the key file and the database through here, so the faces import
neither :mod:`helplinekit.security.keyfile` nor SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from helplinekit.security.keyfile import AuditKeyExists

__all__ = ["AuditKeyExists", "database_has_data"]


def database_has_data(url: str) -> bool:
    """Whether the database at ``url`` already holds data (a file not yet created holds none).

    Asked before a new key file is made: a new key could never read existing data.
    """
    from helplinekit.db.engine import make_engine
    from helplinekit.db.errors import DatabaseUnreachable
    from helplinekit.db.migrate import has_data

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False
    engine = make_engine(url)
    try:
        return has_data(engine)
    except DatabaseUnreachable:
        return False  # no database to speak of yet
    finally:
        engine.dispose()
