"""``helplinekit backup`` and ``helplinekit restore``."""

from __future__ import annotations

from pathlib import Path

import click

from helplinekit.cli.options import config_option


@click.command()
@click.option(
    "--to",
    "destination",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it [default: backups/helpline-<time>.* in the deployment].",
)
@click.option(
    "--prune", is_flag=True, help="Then delete backups older than [retention] backup_days."
)
@config_option
@click.pass_obj
def backup(state: object, destination: Path | None, prune: bool, config_path: str | None) -> None:
    """Write a consistent backup (it stays encrypted; the key file is NOT in it)."""
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.services.backup import create_backup, prune_backups

    with open_helpline(state, config_path) as helpline:
        path = create_backup(helpline.context, destination)
        click.echo(f"Wrote {path}.")
        click.echo("Keep the key file's backup apart from this one: together they are the data.")
        if prune:
            removed = prune_backups(helpline.context, path.parent)
            click.echo(f"Deleted {len(removed)} backup(s) past the backup retention.")


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data in the configured database.")
@config_option
@click.pass_obj
def restore(state: object, source: Path, force: bool, config_path: str | None) -> None:
    """Restore a backup into this deployment's (empty) database, then check the keys open it."""
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.services.backup import restore_backup

    helpline_config = state.config(config_path)  # type: ignore[attr-defined]
    restore_backup(helpline_config.database_url, source.absolute(), force=force)
    # Refuses if the keys do not match; the audit key is checked (and warned about) below.
    with open_helpline(state, config_path, show_warnings=False) as helpline:
        from helplinekit.services.audit_trail import audit_key_status, audit_now

        status = audit_key_status(helpline.context.database)
        if status.keyed_from is not None and not status.key_opens_log:
            # Writing on would append entries that never verify: stop before auditing.
            warning = status.warning or ""
            raise click.ClickException(f"Restored {source}, but {warning[:1].lower()}{warning[1:]}")
        audit_now(helpline.context, helpline.system(), "backup.restore", None, None)
    click.echo(f"Restored {source}; the keys open it.")
    if status.warning is not None:
        click.echo(f"warning: {status.warning}", err=True)
