"""``helplinekit keys …``: create the deployment's keys, add the audit key, rotate."""

from __future__ import annotations

import click

from helplinekit.cli.options import config_option


@click.group()
def keys() -> None:
    """Manage the key-encryption, blind-index and audit keys."""


@keys.command()
@config_option
@click.pass_obj
def init(state: object, config_path: str | None) -> None:
    """Create the key file, outside the deployment folder, readable only by you."""
    from helplinekit.services.keys_admin import database_has_data

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
        if provider.audit_key() is None:
            click.echo(
                "It holds no audit key, so the audit log is only hash-chained: add one with "
                "'helplinekit keys add-audit-key'."
            )
        return
    if database_has_data(helpline.database_url):
        # Never make a new key for existing data: it could not read it, and staff might
        # then start over on a database nobody can decrypt.
        raise click.ClickException(
            "The database already holds data encrypted with this helpline's key, so no new "
            f"key was made. Restore the key file from your backup to {existing}."
        )
    path = provider.create()
    click.echo(
        f"Created the key file {path} (readable only by you): the key-encryption, "
        "blind-index and audit keys."
    )
    click.echo(
        "Back it up NOW, somewhere apart from the database and its backups (for example an "
        "encrypted USB drive kept in a safe, or a password manager's secure file store).\n"
        "Without this file the helpline's data cannot be read by anyone, including you."
    )


@keys.command("add-audit-key")
@click.option(
    "--resume",
    is_flag=True,
    help="The audit key is already there (an interrupted run, or a key you set in "
    "HELPLINEKIT_AUDIT_KEY): only start keying the audit log with it.",
)
@config_option
@click.pass_obj
def add_audit_key(state: object, resume: bool, config_path: str | None) -> None:
    """Add the audit key to the key file and key the audit log from its next entry.

    For deployments whose key file predates audit keys. The existing keys are kept as they
    are and an existing audit key is never replaced. Entries written before stay
    hash-chained; from the new 'audit.keyed' entry on, every entry is keyed (HMAC-SHA256),
    so someone who can write to the database but does not hold the key can no longer
    rewrite the log without it showing.
    """
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.services.audit_admin import start_keying
    from helplinekit.services.keys_admin import AuditKeyExists

    # Opened first: a wrong config, schema or key file is reported before anything changes.
    # Not the "no audit key" warning: that is what this command is fixing.
    with open_helpline(state, config_path, show_warnings=resume) as helpline:
        context = helpline.context
        provider = context.key_provider
        if not resume:
            if not hasattr(provider, "add_audit_key"):
                raise click.ClickException(
                    f"Key provider {context.config.keys.provider!r} manages its keys itself: "
                    "add an audit key with its own tools, then run 'helplinekit keys "
                    "add-audit-key --resume' to key the audit log."
                )
            try:
                path = provider.add_audit_key()
            except AuditKeyExists as error:
                raise click.ClickException(
                    f"{error} If an earlier 'add-audit-key' was interrupted before it keyed "
                    "the audit log, run 'helplinekit keys add-audit-key --resume'."
                ) from None
            click.echo(f"Added an audit key to the key file {path}; its other keys are unchanged.")
        keying = start_keying(context)
    seq = keying.marker_seq
    if seq is None:
        click.echo(
            f"The audit log was already keyed from entry {keying.keyed_from}; nothing was written."
        )
    elif seq == 1:
        click.echo("The audit log is keyed from its first entry.")
    else:
        click.echo(
            f"The audit log is keyed from entry {seq}: entries 1–{seq - 1} stay "
            "hash-chained (written before the audit key was added), and entry "
            f"{seq} vouches for them."
        )
    if not resume:
        click.echo(
            "Back up the key file again NOW: older copies of it lack the audit key, and "
            "without it nothing more can be written to the audit log."
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
