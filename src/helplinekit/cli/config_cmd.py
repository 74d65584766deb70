"""``helplinekit config …``: check a deployment's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helplinekit.cli.state import State
    from helplinekit.config import HelplineConfig
    from helplinekit.registry import Registries
    from helplinekit.services.staff_checks import StaffFindings

from helplinekit.cli.options import config_option


@click.group()
def config() -> None:
    """Work with helpline.toml."""


@config.command()
@config_option
@click.pass_obj
def check(state: State, config_path: str | None) -> None:
    """Validate helpline.toml against the installed plugins.

    Exits with status 1 and one line per problem when something is wrong.
    """
    from helplinekit.bootstrap import check_against
    from helplinekit.contracts.keys import KeyUnavailable
    from helplinekit.services.audit_admin import NO_AUDIT_KEY, provider_audit_key

    helpline = state.config(config_path)
    registries = state.registries(helpline)
    problems = check_against(helpline, registries)
    warnings: list[str] = []
    if helpline.jurisdiction in registries.jurisdictions:
        coverage = registries.jurisdictions.get(helpline.jurisdiction).coverage(
            registries.taxonomy.names()
        )
        if not coverage.complete:
            warnings.append(f"jurisdiction {helpline.jurisdiction!r}: {coverage.describe()}")
    warnings.extend(_language_warnings(helpline, registries))
    if helpline.keys.provider in registries.key_providers:
        provider_class = registries.key_providers.get(helpline.keys.provider)
        provider = provider_class(helpline.keys.settings, helpline.directory)
        try:
            provider.key_encryption_key()
            provider.blind_index_key()
            if provider_audit_key(provider) is None:
                warnings.append(f"keys: {NO_AUDIT_KEY}")
        except KeyUnavailable as error:
            problems.append(f"keys: {error}")
    if not problems:
        findings = _staff_findings(state, helpline)
        problems.extend(findings.problems)
        warnings.extend(findings.warnings)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    if problems:
        for problem in problems:
            click.echo(f"problem: {problem}", err=True)
        raise click.exceptions.Exit(1)
    click.echo(
        f"{helpline.path}: OK — {helpline.helpline.name} ({helpline.helpline.country}); "
        f"channels {', '.join(helpline.channels.enabled)}; languages "
        f"{', '.join(helpline.languages.enabled)}; jurisdiction {helpline.jurisdiction}."
    )


def _language_warnings(helpline: HelplineConfig, registries: Registries) -> list[str]:
    """What staff and survivors will notice about each enabled language, told in advance."""
    from helplinekit.bootstrap import languages_of
    from helplinekit.i18n.languages import UnknownLanguage

    languages = languages_of(helpline, registries)
    warnings = []
    for tag in helpline.languages.enabled:
        try:
            pack = languages.pack(tag)
        except UnknownLanguage:
            continue  # already a problem, from check_against
        if not pack.translated:
            fallback = languages.pack(languages.fallback_tag).english_name
            warnings.append(
                f"language {tag!r} ({pack.english_name}) has no translation yet, so it is shown "
                f"in {fallback}; start one with `helplinekit translations init {tag}`."
            )
        elif not pack.reviewed:
            warnings.append(f"language {tag!r} is not yet reviewed by a native speaker.")
        if not pack.triage_lexicons:
            warnings.append(
                f"language {tag!r} has no triage words: messages in it go to a person as "
                "'needs triage' (see the docs, 'Your language')."
            )
    return warnings


def _staff_findings(state: State, config: HelplineConfig) -> StaffFindings:
    """What the staff accounts hold, when the database is there to ask (a SQLite file not yet
    created has no staff, and checking the configuration must not create it)."""
    from helplinekit.api import Helpline
    from helplinekit.db.engine import normalise_url
    from helplinekit.services.staff_checks import StaffFindings, check_staff

    url = normalise_url(config.database_url)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return StaffFindings()
    with Helpline.open(config, pm=state.pm) as helpline:
        return check_staff(helpline.context)
