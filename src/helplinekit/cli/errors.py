"""Turn every error a user can cause into a clear message, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

import click

DEBUG_ENV = "HELPLINEKIT_DEBUG"


def user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions that mean "bad input or set-up", each with a message that says the fix.

    Every error helplinekit raises on purpose descends from :class:`HelplinekitError`, whose
    message is written for the person who caused it; pluggy's own error for a broken plugin
    is the one outsider.
    """
    from pluggy import PluginValidationError

    from helplinekit.errors import HelplinekitError

    return (HelplinekitError, PluginValidationError)


def describe(error: BaseException) -> str:
    """The ``Error: …`` text for a user error: its own message, or the fix for a broken plugin."""
    from pluggy import PluginValidationError

    if isinstance(error, PluginValidationError):
        return (
            f"Plugin {error.plugin!r} is broken: {error}. A misspelt hook name is the usual "
            "cause; fix the plugin or disable it with HELPLINEKIT_DISABLE_PLUGINS."
        )
    return str(error)


class FriendlyGroup(click.Group):
    """A group that turns user errors raised in any command into ``Error: …`` messages."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except user_error_types() as error:
            raise click.ClickException(describe(error)) from None


def run_without_traceback(build: Callable[[], click.Group], argv: Sequence[str] | None) -> int:
    """Build and run the CLI; print user errors as ``Error: …`` and return an exit code."""
    try:
        cli = build()
        return int(
            cli.main(args=list(argv) if argv is not None else None, standalone_mode=False) or 0
        )
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except user_error_types() as error:
        click.echo(f"Error: {describe(error)}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except Exception as error:
        if os.environ.get(DEBUG_ENV):
            raise
        # A bug, not the user's fault. The message could quote survivor data, so only the
        # type is shown; the traceback is one environment variable away.
        click.echo(
            f"Error: helplinekit failed unexpectedly ({type(error).__name__}). This is a bug in "
            f"helplinekit or a plugin; please report it. Set {DEBUG_ENV}=1 to see the details.",
            err=True,
        )
        return 70
