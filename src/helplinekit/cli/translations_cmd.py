"""``helplinekit translations``: extract the template, start a catalog, check the languages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from helplinekit.cli.options import config_option

if TYPE_CHECKING:
    from helplinekit.config import HelplineConfig
    from helplinekit.contracts.language import LanguagePack
    from helplinekit.i18n.check import PackReport

EXTRACT_HINT = "run `helplinekit translations extract`"
#: Problems of one kind listed per language; a new catalog would otherwise list every string.
PROBLEMS_SHOWN = 10


@click.group()
def translations() -> None:
    """Extract translatable strings and check the installed language packs."""


@translations.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the template [default: the package's locale/helplinekit.pot].",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 with a diff if the template is out of date (for CI).",
)
def extract(output: Path | None, check_only: bool) -> None:
    """Extract the marked strings into the catalog template (.pot).

    Reads helplinekit's Python modules (_(), ngettext(), N_() and the other gettext calls)
    and its Jinja templates under web/templates/. The output is sorted and has no line
    numbers; a template whose strings have not changed is left untouched, so its date does
    not churn.
    """
    from helplinekit.i18n.extract import stale_template_diff, write_template
    from helplinekit.i18n.runtime import TEMPLATE_PATH

    path = output or TEMPLATE_PATH
    if check_only:
        diff = stale_template_diff(path)
        if diff is None:
            click.echo(f"{path} is up to date.")
            return
        click.echo(diff, nl=False)
        raise click.ClickException(
            f"{path} is out of date with the code; {EXTRACT_HINT} and commit the result."
        )
    written, count = write_template(path)
    if written:
        click.echo(f"Wrote {count} strings to {path}.")
    else:
        click.echo(f"{path} is up to date ({count} strings); left unchanged.")


@translations.command("init")
@click.argument("tag", metavar="TAG")
@config_option
@click.pass_obj
def init_catalog(state: object, tag: str, config_path: str | None) -> None:
    """Start a catalog for language TAG in this deployment, ready for a translator.

    Writes locale/<TAG>/LC_MESSAGES/helplinekit.po beside helpline.toml, with every string
    of the template untranslated and the language's plural rule from CLDR. The helpline
    reads it at its next start; untranslated strings keep showing in the fallback language.
    An existing catalog is never overwritten.
    """
    from helplinekit.i18n.catalogs import CatalogExists, start_catalog
    from helplinekit.i18n.languages import UnknownLanguage, normalise_tag

    helpline = state.config(config_path)  # type: ignore[attr-defined]
    try:
        tag = normalise_tag(tag)
        path, count = start_catalog(helpline, state.registries(helpline), tag)  # type: ignore[attr-defined]
    except (UnknownLanguage, CatalogExists) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {path} with {count} strings to translate.")
    if tag not in helpline.languages.enabled:
        click.echo(f'Add "{tag}" to [languages] enabled in {helpline.path} to offer it.')
    click.echo(
        "Translate it with any PO editor (Poedit, Weblate, a text editor), then run "
        "`helplinekit translations check` to see what is left."
    )


@translations.command()
@click.option(
    "--language",
    "tag",
    metavar="TAG",
    default=None,
    help="Check only this language (its BCP 47 tag, e.g. ur) [default: every one].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="HELPLINEKIT_CONFIG",
    default=None,
    help="Also check this deployment's languages, with its locale/ catalogs "
    "[default: ./helpline.toml if there is one; env HELPLINEKIT_CONFIG].",
)
@click.pass_obj
def check(state: object, tag: str | None, config_path: str | None) -> None:
    """Check the language packs, and a deployment's languages, against the template.

    Reports how much of each language is translated, strings a catalog lacks, leaves
    untranslated or marks fuzzy, wrong plural forms and placeholders, lexicon examples that
    do not match, and packs not yet reviewed by a native speaker. Exits with status 1 when
    any language checked is incomplete.
    """
    from helplinekit.i18n.check import check_pack
    from helplinekit.i18n.runtime import SOURCE_LANGUAGE, TEMPLATE_PATH

    helpline = _deployment(state, config_path)
    checked = _languages_to_check(state, helpline)
    if tag is not None and tag not in checked:
        raise click.BadParameter(
            f"no language pack {tag!r} is installed (installed: {', '.join(sorted(checked))}); "
            "install its plugin, enable the language in helpline.toml, or check the tag.",
            param_hint="--language",
        )
    entries = sorted(
        (item for item in checked.items() if tag is None or item[0] == tag),
        key=lambda item: item[0],
    )
    reports = [
        check_pack(pack, template=TEMPLATE_PATH, require_catalog=name != SOURCE_LANGUAGE)
        for name, (pack, _) in entries
    ]
    for (name, (_, origin)), report in zip(entries, reports, strict=True):
        _show(report, plugin=origin, source=name == SOURCE_LANGUAGE)
    incomplete = [report.pack.tag for report in reports if not report.complete]
    if incomplete:
        raise click.ClickException(
            f"{len(incomplete)} of {len(reports)} language packs incomplete: "
            f"{', '.join(incomplete)}."
        )
    click.echo(f"{len(reports)} language pack{'s' if len(reports) != 1 else ''} complete.")


def _deployment(state: object, config_path: str | None) -> HelplineConfig | None:
    if config_path is None and not Path("helpline.toml").is_file():
        return None
    return state.config(config_path)  # type: ignore[attr-defined, no-any-return]


def _languages_to_check(
    state: object, helpline: HelplineConfig | None
) -> dict[str, tuple[LanguagePack, str]]:
    """Each tag to check: its pack and where it comes from (a plugin, CLDR, a catalog)."""
    registries = state.registries(helpline)  # type: ignore[attr-defined]
    checked = {entry.name: (entry.item, entry.plugin) for entry in registries.languages}
    if helpline is not None:
        from helplinekit.bootstrap import languages_of

        languages = languages_of(helpline, registries)
        for name in helpline.languages.enabled:
            pack = languages.pack(name)
            plugin_tag = languages.plugin_tag_for(name)
            if pack.locale_dir is not None and pack.locale_dir.is_relative_to(helpline.directory):
                origin = f"this deployment's {pack.catalog_path}"
            elif plugin_tag is not None:
                origin = registries.languages.plugin_of(plugin_tag)
            else:
                origin = "CLDR (no plugin, no catalog yet)"
            checked[name] = (pack, origin)
    return checked


def _show(report: PackReport, *, plugin: str, source: bool) -> None:
    pack = report.pack
    names = pack.english_name
    if pack.native_name != pack.english_name:
        names += f" ({pack.native_name})"
    direction = "right to left" if pack.rtl else "left to right"
    click.echo(f"{pack.tag}: {names}, {pack.script}, {direction}; from {plugin}")
    if pack.catalog_path is not None:
        click.echo(f"    catalog: {pack.catalog_path}")
    if report.translated is not None:
        share = f" ({report.translated * 100 // report.total}%)" if report.total else ""
        click.echo(f"    translated: {report.translated} of {report.total} strings{share}")
    elif not source:
        click.echo(
            f"    translated: 0 of {report.total} strings (0%): shown in the fallback "
            f"language; start a catalog with `helplinekit translations init {pack.tag}`"
        )
    elif source:
        click.echo("    source language: the template's strings are written in it")
    shown: dict[str, int] = {}
    for problem in report.problems:
        shown[problem.kind] = shown.get(problem.kind, 0) + 1
        if shown[problem.kind] <= PROBLEMS_SHOWN:
            click.echo(f"    {problem.kind}: {problem.text}")
    for kind, count in shown.items():
        if count > PROBLEMS_SHOWN:
            click.echo(f"    {kind}: … and {count - PROBLEMS_SHOWN} more like these")
    if not pack.reviewed:
        click.echo(
            "    not yet reviewed by a native speaker (reviewed=False): helplinekit shows "
            "the pack as not yet reviewed"
        )
    click.echo(f"    {'complete' if report.complete else 'INCOMPLETE'}")
