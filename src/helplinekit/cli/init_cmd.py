"""``helplinekit init``: a country's helpline deployment, generated and ready to run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helplinekit.registry import Registries


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
@click.option(
    "--timezone",
    help="IANA time zone, e.g. Asia/Karachi [default: where most of the country's people live].",
)
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
        normalised_languages,
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

    country = _choose_country(country, no_input=no_input)
    defaults = defaults_for_country(country, registries.languages.names())
    name = ask(name, "Helpline name", None if no_input else "Digital Safety Helpline")
    chosen_languages = normalised_languages(
        _split(ask(languages, "Languages (comma-separated tags)", ",".join(defaults["languages"])))
    )
    first = chosen_languages[0] if chosen_languages else None
    default_language = normalised_languages([ask(default_language, "Default language", first)])[0]
    chosen_channels = _split(ask(channels, "Channels (comma-separated)", "web.form"))
    timezone = _choose_timezone(timezone, country, defaults["timezone"], no_input=no_input)
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
    _language_notes(registries, request.languages)
    _next_steps(target, request)


def _language_notes(registries: Registries, tags: tuple[str, ...]) -> None:
    """Say which chosen languages are shown in English for now, and which triage cannot read."""
    from helplinekit.i18n.languages import Languages

    languages = Languages(registries.languages)
    for tag in tags:
        pack = languages.pack(tag)
        if not pack.translated:
            click.echo(
                f"{pack.english_name} ({tag}) has no translation yet: its pages are shown in "
                f"English, marked as such. Translate it with `helplinekit translations init "
                f"{tag}` in the new folder (docs: Your language)."
            )
        if not pack.triage_lexicons:
            click.echo(
                f"Triage has no {pack.english_name} words yet: messages in {pack.english_name} "
                "go to a person as 'needs triage'."
            )


def _choose_country(value: str | None, *, no_input: bool) -> str:
    """The alpha-2 code from --country, or asked for; a name is suggested, never assumed."""
    import pycountry

    from helplinekit.countries import not_a_country_message, suggest_countries

    prompt = "Country (ISO code, e.g. PK)"
    if value is None and no_input:
        raise click.UsageError(f"{prompt} is required with --no-input.")
    if value is not None:
        if pycountry.countries.get(alpha_2=value.strip().upper()) is None:
            raise click.BadParameter(not_a_country_message(value.strip()), param_hint="--country")
        return value.strip().upper()
    default: str | None = "PK"
    while True:
        typed = click.prompt(prompt, default=default).strip()
        if pycountry.countries.get(alpha_2=typed.upper()) is not None:
            return typed.upper()
        click.echo(not_a_country_message(typed))
        # One certain suggestion becomes the answer Enter confirms; several, or none, must
        # be typed.
        codes = suggest_countries(typed)
        default = codes[0] if len(codes) == 1 else None


def _is_timezone(value: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _choose_timezone(value: str | None, country: str, default: str, *, no_input: bool) -> str:
    """--timezone, or the country's default (said when it has others), or asked for.

    A wrong zone shifts every opening hour, so a mistyped one is never replaced by the
    suggestion silently: an option is refused with it, a prompt offers it to confirm.
    """
    from helplinekit.deployment import country_name
    from helplinekit.timezones import (
        not_a_timezone_message,
        suggest_timezones,
        timezone_choice_note,
    )

    if value is not None:
        if not _is_timezone(value):
            raise click.BadParameter(not_a_timezone_message(value), param_hint="--timezone")
        return value
    note = timezone_choice_note(country, country_name(country), prompted=not no_input)
    if note is not None:
        click.echo(note)
    if no_input:
        return default
    offered: str | None = default
    while True:
        typed = click.prompt("Timezone", default=offered).strip()
        if _is_timezone(typed):
            return typed
        click.echo(not_a_timezone_message(typed))
        zones = suggest_timezones(typed)
        offered = zones[0] if len(zones) == 1 else None


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
