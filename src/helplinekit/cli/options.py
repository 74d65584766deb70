"""Options shared by several commands, defined once."""

from __future__ import annotations

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="HELPLINEKIT_CONFIG",
    default=None,
    help="The deployment's helpline.toml [default: ./helpline.toml; env HELPLINEKIT_CONFIG].",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
