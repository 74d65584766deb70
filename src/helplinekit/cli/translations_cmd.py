"""``helplinekit translations``: extract the catalog template, check the language packs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helplinekit.i18n.check import PackReport

EXTRACT_HINT = "run `helplinekit translations extract`"


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


@translations.command()
@click.option(
    "--language",
    "tag",
    metavar="TAG",
    default=None,
    help="Check only this language pack (its BCP 47 tag, e.g. ur) [default: every one].",
)
@click.pass_obj
def check(state: object, tag: str | None) -> None:
    """Check the installed language packs against the template.

    Reports strings a catalog lacks, leaves untranslated or marks fuzzy, wrong plural forms
    and placeholders, and packs not yet reviewed by a native speaker. Exits with status 1
    when any pack checked is incomplete.
    """
    from helplinekit.i18n.check import check_pack
    from helplinekit.i18n.runtime import SOURCE_LANGUAGE, TEMPLATE_PATH

    languages = state.registries().languages  # type: ignore[attr-defined]
    if tag is not None and tag not in languages:
        raise click.BadParameter(
            f"no language pack {tag!r} is installed (installed: "
            f"{', '.join(languages.names())}); install its plugin, or check the tag.",
            param_hint="--language",
        )
    entries = sorted(
        (entry for entry in languages if tag is None or entry.name == tag),
        key=lambda entry: entry.name,
    )
    reports = [
        check_pack(
            entry.item, template=TEMPLATE_PATH, require_catalog=entry.name != SOURCE_LANGUAGE
        )
        for entry in entries
    ]
    for entry, report in zip(entries, reports, strict=True):
        _show(report, plugin=entry.plugin, source=entry.name == SOURCE_LANGUAGE)
    incomplete = [report.pack.tag for report in reports if not report.complete]
    if incomplete:
        raise click.ClickException(
            f"{len(incomplete)} of {len(reports)} language packs incomplete: "
            f"{', '.join(incomplete)}."
        )
    click.echo(f"{len(reports)} language pack{'s' if len(reports) != 1 else ''} complete.")


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
        click.echo(f"    translated: {report.translated} of {report.total} strings")
    elif source:
        click.echo("    source language: the template's strings are written in it")
    for problem in report.problems:
        click.echo(f"    {problem.kind}: {problem.text}")
    if not pack.reviewed:
        click.echo(
            "    not yet reviewed by a native speaker (reviewed=False): helplinekit shows "
            "the pack as not yet reviewed"
        )
    click.echo(f"    {'complete' if report.complete else 'INCOMPLETE'}")
