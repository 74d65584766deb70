"""``helplinekit plugins``: every installed plugin, built-ins included."""

from __future__ import annotations

import json

import click

from helplinekit.cli.options import config_option, json_option


@click.command()
@json_option
@click.option(
    "--registered", is_flag=True, help="Also list what each plugin registered (channels, …)."
)
@config_option
@click.pass_obj
def plugins(state: object, as_json: bool, registered: bool, config_path: str | None) -> None:
    """List installed plugins, their versions and the hooks they implement.

    With --config (or HELPLINEKIT_CONFIG), the deployment's own plugins/ folder is included.
    """
    from helplinekit.plugins import plugin_info

    if config_path:
        state.config(config_path)  # type: ignore[attr-defined]  # loads local plugins

    rows = plugin_info(state.pm)  # type: ignore[attr-defined]
    items: list[dict[str, str]] = []
    if registered:
        registries = state.registries()  # type: ignore[attr-defined]
        for kind, registry in (
            ("channel", registries.channels),
            ("language", registries.languages),
            ("jurisdiction", registries.jurisdictions),
            ("referral partner", registries.partners),
            ("key provider", registries.key_providers),
            ("taxonomy code", registries.taxonomy),
        ):
            items.extend({"kind": kind, "name": e.name, "plugin": e.plugin} for e in registry)
    if as_json:
        payload: dict[str, object] = {"plugins": rows}
        if registered:
            payload["registered"] = items
        click.echo(json.dumps(payload, indent=2))
        return
    for row in rows:
        version = f" {row['version']}" if row["version"] else ""
        click.echo(f"{row['name']}  [{row['package']}{version}]")
        click.echo(f"    hooks: {', '.join(row['hooks']) or '(none)'}")
    if registered:
        click.echo("")
        for item in items:
            click.echo(f"{item['kind']:<17} {item['name']:<32} from {item['plugin']}")
