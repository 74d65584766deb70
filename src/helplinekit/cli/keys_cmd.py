"""``helplinekit keys …``: create the deployment's keys."""

from __future__ import annotations

import click

from helplinekit.cli.options import config_option


@click.group()
def keys() -> None:
    """Manage the key-encryption and blind-index keys."""


@keys.command()
@config_option
@click.pass_obj
def init(state: object, config_path: str | None) -> None:
    """Create the key file, outside the deployment folder, readable only by you."""
    helpline = state.config(config_path)  # type: ignore[attr-defined]
    registries = state.registries(helpline)  # type: ignore[attr-defined]
    provider_class = registries.key_providers.get(helpline.keys.provider)
    provider = provider_class(helpline.keys.settings, helpline.directory)
    if not hasattr(provider, "create"):
        raise click.ClickException(
            f"Key provider {helpline.keys.provider!r} manages its keys itself; create them "
            "with its own tools."
        )
    existing = getattr(provider, "path", None)
    if existing is not None and existing.exists():
        # Running init twice is harmless: the existing keys are kept, never replaced.
        provider.key_encryption_key()  # still refuse a damaged or world-readable file
        click.echo(f"A key file already exists at {existing}; it was kept unchanged.")
        return
    if _database_has_data(helpline.database_url):
        # Never make a new key for existing data: it could not read it, and staff might
        # then start over on a database nobody can decrypt.
        raise click.ClickException(
            "The database already holds data encrypted with this helpline's key, so no new "
            f"key was made. Restore the key file from your backup to {existing}."
        )
    path = provider.create()
    click.echo(f"Created the key file {path} (readable only by you).")
    click.echo(
        "Back it up NOW, somewhere apart from the database and its backups (for example an "
        "encrypted USB drive kept in a safe, or a password manager's secure file store).\n"
        "Without this file the helpline's data cannot be read by anyone, including you."
    )


def _database_has_data(url: str) -> bool:
    from sqlalchemy.exc import OperationalError

    from helplinekit.db.engine import make_engine
    from helplinekit.db.migrate import has_data

    if url.startswith("sqlite:///"):
        from pathlib import Path

        if not Path(url.removeprefix("sqlite:///")).exists():
            return False
    engine = make_engine(url)
    try:
        return has_data(engine)
    except OperationalError:
        return False  # no database to speak of yet
    finally:
        engine.dispose()
