"""Opening the helpline and signing in as the acting staff member, for commands that need them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.security.policy import Actor

ACTOR_ENV = "HELPLINEKIT_ACTOR"

as_option = click.option(
    "--as",
    "acting_as",
    metavar="EMAIL",
    envvar=ACTOR_ENV,
    default=None,
    help=f"Act as this staff member (or set {ACTOR_ENV}); you are asked for their password "
    "and a code from their authenticator app. Case content is shown only to the staff whose "
    "work needs it.",
)


def os_user() -> str | None:
    """The operating-system user running the command, for the audit log (None if unknown)."""
    import getpass

    try:
        return getpass.getuser()[:64]
    except Exception:  # no USER/LOGNAME and no passwd entry (some containers)
        return None


def open_helpline(
    state: object, config_path: str | None, *, show_warnings: bool = True
) -> Helpline:
    """Open the deployment; its audit entries carry the OS user running the command.

    What start-up warns about (e.g. an audit log that is only hash-chained) is printed to
    stderr as ``warning: …``, once, instead of as a bare log line.
    """
    from helplinekit.api import Helpline

    helpline = state.config(config_path)  # type: ignore[attr-defined]
    logger = logging.getLogger("helplinekit")
    handler = _EchoWarnings() if show_warnings else logging.NullHandler()
    logger.addHandler(handler)
    try:
        opened = Helpline.open(helpline, pm=state.pm)  # type: ignore[attr-defined]
    finally:
        logger.removeHandler(handler)
    opened.context.os_user = os_user()
    return opened


class _EchoWarnings(logging.Handler):
    """Start-up warnings to the terminal's stderr (resolved when emitted, as click does)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def acting(helpline: Helpline, email: str | None) -> Actor:
    """Sign in as ``email``: ask for the password and a code (hidden), through the service.

    The sign-in is audited (``login.ok`` / ``login.failed``) and so is everything after it,
    with both the staff account and the OS user. Wrong credentials give one message only.
    """
    if not email:
        raise click.UsageError(
            f"Say who you are acting as: --as EMAIL or {ACTOR_ENV}=EMAIL (a staff member "
            "added with 'helplinekit staff add')."
        )
    helpline.context.os_user = os_user()
    # Prompts go to stderr, so `--json` output on stdout stays machine-readable.
    password = click.prompt(f"Password for {email}", hide_input=True, err=True)
    code = click.prompt(
        "Code from your authenticator app (or a recovery code)", hide_input=True, err=True
    )
    return helpline.authenticate(email, password, code)


def prompt_new_password(email: str, from_stdin: bool) -> str:
    """A new password for ``email``: typed twice (hidden), or one line of stdin for scripts."""
    from helplinekit.services.password_rules import PasswordRejected, check_new_password

    if from_stdin:
        import sys

        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        check_new_password(password)  # PasswordRejected is a clean error
        return password

    def checked(value: str) -> str:
        try:
            check_new_password(value)
        except PasswordRejected as error:
            raise click.BadParameter(str(error)) from None
        return value

    return str(
        click.prompt(
            f"New password for {email} (at least 8 characters; a passphrase is best)",
            hide_input=True,
            confirmation_prompt="Repeat the password",
            value_proc=checked,
            err=True,
        )
    )
