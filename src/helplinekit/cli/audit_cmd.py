"""``helplinekit audit …``: verify the keyed audit log and sign checkpoints of it.

Truncating the tail of the log leaves a valid, shorter chain; only a checkpoint kept
elsewhere, signed with a key that never lives on the database host, shows it. So:

* ``audit keygen`` makes the signing key (kept off the database host) and prints the public
  key that ``helpline.toml`` trusts (``[audit] checkpoint_public_key``);
* ``audit checkpoint`` signs the current head of the log (the checkpoint is itself audited);
* ``audit verify`` recomputes the chain (keyed with the audit key from where keying starts)
  and names the first bad entry, and with
  ``--checkpoint`` also proves that nothing the checkpoint vouches for was removed or
  rewritten. Verifying writes nothing, so it can run with read-only database access.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from helplinekit.cli.options import config_option

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.config import HelplineConfig
    from helplinekit.db.uow import Database
    from helplinekit.services.audit_admin import Checkpoint, VerifyResult

#: The ``[audit]`` line ``keygen`` prints and the errors point to.
PUBLIC_KEY_SETTING = "checkpoint_public_key"


@click.group()
def audit() -> None:
    """Verify the audit log and sign checkpoints of it."""


# -- helpers -------------------------------------------------------------------------------


def trusted_public_key(config: HelplineConfig) -> str | None:
    """The configured checkpoint public key, after checking ``[audit]`` has no unknown keys."""
    from helplinekit.services.audit_admin import checkpoint_public_key

    return checkpoint_public_key(config.extra.get("audit"), config.path)


def _os_user() -> str | None:
    import getpass

    try:
        return getpass.getuser()[:64] or None
    except Exception:  # no login name in some containers; the entry still says "system"
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _create_exclusive(path: Path, mode: int) -> int:
    """Open a new file for writing; refuse to replace an existing one."""
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise click.ClickException(
            f"{path} already exists; it was left unchanged. Choose another file name."
        ) from None
    except FileNotFoundError:
        raise click.ClickException(f"The folder {path.parent} does not exist.") from None
    except OSError as error:
        raise click.ClickException(f"Cannot create {path}: {error.strerror or error}.") from None


def verify_database(database: Database, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Verify the stored chain against its head row (and a verified checkpoint).

    The head and the entries are read in one snapshot (REPEATABLE READ on PostgreSQL; a
    SQLite read transaction is a snapshot already), so entries appended while the log is
    being read are not mistaken for entries added outside the chain head. Keyed entries are
    checked with the database's audit key (from the key provider).
    """
    from helplinekit.services.audit_admin import VerifyResult, verify_chain

    key = database.audit_key.get()
    with database.uow(read_only=True) as uow:
        uow.read_one_snapshot()
        head = uow.audit.head()
        keyed_from = uow.audit.keyed_from()
        if key is None and keyed_from is not None:
            return VerifyResult(
                False,
                0,
                keyed_from,
                "the log is keyed from here, but the key provider holds no audit key to "
                "check it. Restore the key file that holds the audit key.",
            )
        return verify_chain(
            uow.audit.entries(),
            head=head,
            checkpoint=checkpoint,
            key=key,
            head_keyed_from=keyed_from,
        )


def _open(state: object, config_path: str | None) -> tuple[Helpline, str | None]:
    from helplinekit.cli.helpers import open_helpline

    helpline = open_helpline(state, config_path)
    try:
        key = trusted_public_key(helpline.config)
    except Exception:
        helpline.close()
        raise
    if helpline.context.os_user is None:
        helpline.context.os_user = _os_user()
    return helpline, key


# -- commands ------------------------------------------------------------------------------


@audit.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the new signing key (not on the database host, not in the "
    "deployment folder).",
)
@config_option
@click.pass_obj
def keygen(state: object, out: Path, config_path: str | None) -> None:
    """Make a checkpoint signing key and print the public key for helpline.toml."""
    from helplinekit.config import ConfigError
    from helplinekit.services.audit_admin import generate_signing_key

    try:
        config = state.config(config_path)  # type: ignore[attr-defined]
    except ConfigError:
        if config_path is not None:
            raise
        config = None  # run away from the deployment, as it should be: nothing to check
    if config is not None:
        trusted_public_key(config)
        if _inside(out, config.directory):
            raise click.ClickException(
                f"{out} is inside the deployment folder {config.directory}; the signing key "
                "must not live with the database it vouches for. Write it elsewhere, ideally "
                "on another machine."
            )
    pem, public_key = generate_signing_key()
    descriptor = _create_exclusive(out, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    os.chmod(out, 0o600)  # whatever the umask
    click.echo(f"Wrote the checkpoint signing key to {out} (readable only by you).")
    click.echo("Put its public key in helpline.toml:\n")
    click.echo("[audit]")
    click.echo(f'{PUBLIC_KEY_SETTING} = "{public_key}"\n')
    click.echo(
        "Keep the signing key OFF the database host (for example on an administrator's "
        "laptop or an encrypted USB drive): anyone who has it and the database could sign a "
        "checkpoint for a rewritten log. Keep the checkpoints off the host too."
    )


@audit.command()
@click.option(
    "--signing-key",
    "signing_key",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The PEM signing key made by 'helplinekit audit keygen'.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the signed checkpoint (a new file; keep it off the database host).",
)
@config_option
@click.pass_obj
def checkpoint(state: object, signing_key: Path, out: Path, config_path: str | None) -> None:
    """Sign the current head of the audit log (the checkpoint is itself audited)."""
    from helplinekit.services.audit_admin import (
        CheckpointError,
        signing_public_key,
        write_checkpoint,
    )

    try:
        pem = signing_key.read_bytes()
    except OSError as error:
        raise click.ClickException(
            f"Cannot read the signing key {signing_key}: {error.strerror or error}."
        ) from None
    try:
        public_key = signing_public_key(pem)
    except CheckpointError as error:
        raise click.ClickException(f"{signing_key}: {error}") from None
    helpline, trusted = _open(state, config_path)
    with helpline:
        if trusted is not None and trusted != public_key:
            raise click.ClickException(
                f"The signing key {signing_key} does not match [audit] {PUBLIC_KEY_SETTING} "
                "in helpline.toml, so 'audit verify' would refuse its checkpoints. Use the "
                "key whose public key is configured."
            )
        # Never vouch for a log that is already broken: that would launder the tampering.
        result = verify_database(helpline.context.database)
        if not result.ok:
            click.echo(result.describe())
            raise click.ClickException("No checkpoint was written: the log is not intact.")
        descriptor = _create_exclusive(out, 0o644)  # reserve the name before auditing
        try:
            # The checkpoint vouches for the log up to and including its own entry.
            signed = write_checkpoint(helpline.context, pem)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                descriptor = -1
                handle.write(signed.to_json() + "\n")
        except BaseException:
            if descriptor != -1:
                os.close(descriptor)
            out.unlink(missing_ok=True)
            raise
    click.echo(f"Wrote the checkpoint of entry {signed.seq} to {out}.")
    if trusted is None:
        click.echo(
            f"Note: helpline.toml has no [audit] {PUBLIC_KEY_SETTING}, so 'audit verify' "
            "cannot use this checkpoint until you add it."
        )
    click.echo("Copy it off the database host; 'audit verify --checkpoint' checks against it.")


@audit.command()
@click.option(
    "--checkpoint",
    "checkpoint_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A checkpoint written by 'helplinekit audit checkpoint': also proves that no entry "
    "up to it was removed or rewritten.",
)
@config_option
@click.pass_obj
def verify(state: object, checkpoint_path: Path | None, config_path: str | None) -> None:
    """Recompute the chain; name the first bad entry (exit 1) if there is one."""
    from helplinekit.services.audit_admin import Checkpoint, CheckpointError

    # Opening prints "warning: …" when there is no audit key (the log is only hash-chained).
    helpline, trusted = _open(state, config_path)
    with helpline:
        checkpoint = None
        if checkpoint_path is not None:
            if trusted is None:
                raise click.ClickException(
                    f"helpline.toml has no [audit] {PUBLIC_KEY_SETTING}, so the checkpoint "
                    f"{checkpoint_path} cannot be trusted: a checkpoint signed by anyone "
                    "proves nothing. Add the public key that 'helplinekit audit keygen' "
                    "printed to the [audit] table, then verify again."
                )
            try:
                checkpoint = Checkpoint.load(checkpoint_path, trusted_public_key=trusted)
            except CheckpointError as error:
                raise click.ClickException(f"{error} It was not used.") from None
        result = verify_database(helpline.context.database, checkpoint)
    click.echo(result.describe())
    if checkpoint is not None and result.ok:
        click.echo(
            f"Nothing up to entry {checkpoint.seq} was removed or rewritten since the "
            f"checkpoint of {checkpoint.at:%Y-%m-%d %H:%M %Z}."
        )
    if not result.ok:
        raise click.exceptions.Exit(1)
