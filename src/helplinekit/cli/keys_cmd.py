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


@keys.command()
@click.option("--resume", is_flag=True, help="Finish an interrupted rotation without a new key.")
@config_option
@click.pass_obj
def rotate(state: object, resume: bool, config_path: str | None) -> None:
    """Re-wrap every data key under a new key-encryption key, then retire the old one."""
    from rich.progress import Progress

    from helplinekit.cli.helpers import open_helpline
    from helplinekit.services.rotation import rotate_keys

    with open_helpline(state, config_path) as helpline:
        provider = helpline.context.key_provider
        with Progress(transient=True) as progress:
            task = progress.add_task("Re-wrapping data keys", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = rotate_keys(
                helpline.context, provider, start_new_key=not resume, progress=advance
            )
    click.echo(
        f"Data keys re-wrapped under key version {report.version}: {report.rewrapped}. "
        f"Retired key version(s): {', '.join(map(str, report.retired)) or 'none'}."
    )
    click.echo("Back up the key file again now: older backups of it cannot open the database.")


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
