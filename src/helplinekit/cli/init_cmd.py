"""``helplinekit init``: a country's helpline deployment, generated and ready to run."""

from __future__ import annotations

from pathlib import Path

import click


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


@click.command()
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=None, required=False
)
@click.option("--country", help="ISO 3166-1 alpha-2 code, e.g. PK.")
@click.option("--name", help="The helpline's public name.")
@click.option("--languages", help="Comma-separated BCP 47 tags, e.g. ur,en.")
@click.option("--default-language", help="One of --languages [default: the first].")
@click.option("--channels", help="Comma-separated channel names [default: web.form].")
@click.option("--timezone", help="IANA timezone [default: inferred from the country].")
@click.option(
    "--jurisdiction", help="A jurisdiction plugin's key [default: the country's, if installed]."
)
@click.option(
    "--plugins-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Local plugins to load now and copy into the deployment's plugins/ folder.",
)
@click.option(
    "--deployment-id",
    help="A unique name for this deployment [default: the country and random letters].",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the files of an existing folder (never one with a database).",
)
@click.option(
    "--no-input", is_flag=True, help="Ask nothing; use the options and inferred defaults."
)
@click.pass_obj
def init(
    state: object,
    directory: Path | None,
    country: str | None,
    name: str | None,
    languages: str | None,
    default_language: str | None,
    channels: str | None,
    timezone: str | None,
    jurisdiction: str | None,
    plugins_dir: Path | None,
    deployment_id: str | None,
    force: bool,
    no_input: bool,
) -> None:
    """Create a helpline deployment for your country in DIRECTORY.

    Asks a few questions (or takes them as options with --no-input), infers the rest from
    the country and the installed plugins, and writes helpline.toml, referrals.csv,
    deployment tests, production samples and a README with the next steps.
    """
    from helplinekit.deployment import (
        DeploymentRequest,
        InitError,
        defaults_for_country,
        generate_deployment,
        jurisdictions_for,
    )
    from helplinekit.plugins import load_local_plugins
    from helplinekit.registry import Registries

    pm = state.pm  # type: ignore[attr-defined]
    local_files: tuple[Path, ...] = ()
    if plugins_dir is not None:
        load_local_plugins(pm, plugins_dir)
        local_files = tuple(
            sorted(p for p in plugins_dir.glob("*.py") if not p.name.startswith("_"))
        )
    registries = Registries(pm)

    def ask(value: str | None, prompt: str, default: str | None) -> str:
        if value is not None:
            return value
        if no_input:
            if default is None:
                raise click.UsageError(f"{prompt} is required with --no-input.")
            return default
        return click.prompt(prompt, default=default)

    country = (
        ask(country, "Country (ISO code, e.g. PK)", None if no_input else "PK").strip().upper()
    )
    import pycountry

    if pycountry.countries.get(alpha_2=country) is None:
        raise click.BadParameter(
            f"{country!r} is not a country code; use ISO 3166-1 alpha-2, e.g. PK or KE.",
            param_hint="--country",
        )
    defaults = defaults_for_country(country, registries.languages.names())
    name = ask(name, "Helpline name", None if no_input else "Digital Safety Helpline")
    chosen_languages = _split(
        ask(languages, "Languages (comma-separated tags)", ",".join(defaults["languages"]))
    )
    default_language = ask(
        default_language, "Default language", chosen_languages[0] if chosen_languages else None
    )
    chosen_channels = _split(ask(channels, "Channels (comma-separated)", "web.form"))
    timezone = ask(timezone, "Timezone", defaults["timezone"])
    if jurisdiction is None:
        candidates = jurisdictions_for(registries, country)
        jurisdiction = candidates[0] if candidates else None
    directory = directory or Path(ask(None, "Folder to create", f"{country.lower()}-helpline"))
    request = DeploymentRequest(
        name=name,
        country=country,
        languages=chosen_languages,
        default_language=default_language,
        channels=chosen_channels,
        timezone=timezone,
        jurisdiction=jurisdiction,
        local_plugins=local_files,
        deployment_id=deployment_id,
    )
    try:
        target = generate_deployment(request, directory, pm=pm, registries=registries, force=force)
    except InitError as error:
        raise click.ClickException(str(error)) from None
    _next_steps(target, request)


def _next_steps(target: Path, request: object) -> None:
    import helplinekit

    source = Path(helplinekit.__file__).resolve().parents[2]
    click.echo(f"Created {target}.")
    if getattr(request, "jurisdiction", None) is None:
        click.echo(
            "No law plugin for this country is installed: plugins/local_law.py is a stub to "
            "fill in (the deployment's tests list what is missing)."
        )
    click.echo(
        "\nNext steps:\n"
        f"  cd {target}\n"
        f"  export HELPLINEKIT_SOURCE={source}\n"
        "  helplinekit keys init            # then back up the key file it prints\n"
        "  helplinekit staff add you@example.org --role supervisor\n"
        '  helplinekit simulate "Someone is sharing my photos"\n'
        "  helplinekit cases list --as you@example.org\n"
        "  pytest                           # checks the deployment"
    )
