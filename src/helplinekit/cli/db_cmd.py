"""``helplinekit db …``: the schema, changed only through migrations."""

from __future__ import annotations

import click

from helplinekit.cli.options import config_option


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
@config_option
@click.pass_obj
def upgrade(state: object, config_path: str | None) -> None:
    """Bring the database schema up to date (run before starting a new version)."""
    from helplinekit.db import migrate
    from helplinekit.db.engine import make_engine

    helpline = state.config(config_path)  # type: ignore[attr-defined]
    engine = make_engine(helpline.database_url)
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        after = migrate.current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"The schema is already up to date (revision {after}).")
    else:
        click.echo(f"Upgraded the schema from {before or 'empty'} to {after}.")


@db.command()
@config_option
@click.pass_obj
def current(state: object, config_path: str | None) -> None:
    """Show the schema's revision and the newest one this version knows."""
    from helplinekit.db import migrate
    from helplinekit.db.engine import make_engine

    helpline = state.config(config_path)  # type: ignore[attr-defined]
    engine = make_engine(helpline.database_url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    status = "up to date" if revision == head else "needs 'helplinekit db upgrade'"
    click.echo(f"revision {revision or 'empty'} (newest {head}): {status}")
