"""Schema changes, only through Alembic migrations (``helplinekit db upgrade``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def _run(engine: Engine, command_name: str, *args: object) -> None:
    from alembic import command

    # Migrations run outside helplinekit's BEGIN IMMEDIATE discipline: Alembic manages
    # its own transaction on the connection it is given.
    with engine.connect() as connection:
        getattr(command, command_name)(alembic_config(connection), *args)
        connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to ``revision`` (``base`` removes every table)."""
    _run(engine, "downgrade", revision)


def check(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (``alembic check``)."""
    _run(engine, "check")


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def has_data(engine: Engine) -> bool:
    """True when the database holds helplinekit tables with rows in them."""
    from sqlalchemy import text

    names = set(inspect(engine).get_table_names())
    if "data_keys" not in names:
        return False
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1 FROM data_keys LIMIT 1")).first() is not None
