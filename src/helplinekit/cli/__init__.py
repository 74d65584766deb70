"""The ``helplinekit`` command line.

One module per command group; heavy libraries are imported inside the commands that need
them, so ``helplinekit --help`` stays fast. Plugins add commands last, through
``register_commands``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from helplinekit import __version__

__all__ = ["build_cli", "main"]

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def build_cli(pm: object | None = None) -> click.Group:
    """The root command group with the built-in commands and the plugins' commands.

    :param pm: a plugin manager; built from the installed plugins when None.
    """
    from helplinekit.cli import (
        audit_cmd,
        backup_cmd,
        cases_cmd,
        config_cmd,
        db_cmd,
        init_cmd,
        keys_cmd,
        new_plugin_cmd,
        plugins_cmd,
        retention_cmd,
        serve_cmd,
        simulate_cmd,
        staff_cmd,
        translations_cmd,
        worker_cmd,
    )
    from helplinekit.cli.state import State

    if pm is None:
        from helplinekit.plugins import get_plugin_manager

        pm = get_plugin_manager()

    from helplinekit.cli.errors import FriendlyGroup

    @click.group(cls=FriendlyGroup, context_settings=CONTEXT_SETTINGS)
    @click.version_option(__version__, "--version", prog_name="helplinekit")
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        """helplinekit: a helpline for victims of online harassment, in a box."""
        ctx.obj = State(pm)

    cli.add_command(init_cmd.init)
    cli.add_command(plugins_cmd.plugins)
    cli.add_command(config_cmd.config)
    cli.add_command(keys_cmd.keys)
    cli.add_command(db_cmd.db)
    cli.add_command(staff_cmd.staff)
    cli.add_command(simulate_cmd.simulate)
    cli.add_command(cases_cmd.cases)
    cli.add_command(worker_cmd.worker)
    cli.add_command(serve_cmd.serve)
    cli.add_command(audit_cmd.audit)
    cli.add_command(retention_cmd.retention)
    cases_cmd.cases.add_command(retention_cmd.erase)
    cli.add_command(backup_cmd.backup)
    cli.add_command(backup_cmd.restore)
    cli.add_command(translations_cmd.translations)
    cli.add_command(new_plugin_cmd.new_plugin)
    pm.hook.register_commands(cli=cli)  # type: ignore[attr-defined]
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``helplinekit`` console script."""
    from helplinekit.cli.errors import run_without_traceback

    sys.exit(run_without_traceback(build_cli, argv))
