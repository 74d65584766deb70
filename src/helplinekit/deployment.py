"""Generating a country's deployment folder from ``templates/helpline`` (``helplinekit init``).

Everything is validated here, against the installed plugins, before cookiecutter runs, so
bad input writes nothing. Free text (the helpline's name) is passed to cookiecutter only in
private ``_`` variables, which cookiecutter never renders as template syntax, already
escaped for each file format; the folder is generated in a temporary place and moved into
position only when complete.
"""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from helplinekit.domain.errors import InvalidValue

if TYPE_CHECKING:
    import pluggy

    from helplinekit.registry import Registries

__all__ = [
    "DeploymentRequest",
    "InitError",
    "defaults_for_country",
    "generate_deployment",
    "markdown_escape",
    "normalised_languages",
    "template_dir",
    "validate_request",
]

#: The helplinekit source this installation runs from (a checkout: src/helplinekit/...).
SOURCE_CHECKOUT = Path(__file__).resolve().parent.parent.parent

# Characters both CommonMark and Python-Markdown unescape after a backslash; & and < become
# entities so no HTML can be formed.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class InitError(InvalidValue):
    """The request cannot produce a deployment; the message names the value and the fix."""


@frozen
class DeploymentRequest:
    """What an NGO told ``helplinekit init``.

    Attributes:
        name: the helpline's public name (free text, kept exactly as typed).
        country: ISO 3166-1 alpha-2 code.
        languages: BCP 47 tags of installed language packs; the first is not necessarily
            the default.
        default_language: one of ``languages``.
        channels: names of installed channels to enable.
        timezone: IANA timezone.
        jurisdiction: a registered jurisdiction key, or None for a local law stub.
        specialisms: the kinds of help offered.
    """

    name: str
    country: str
    languages: tuple[str, ...]
    default_language: str
    channels: tuple[str, ...]
    timezone: str
    jurisdiction: str | None = None
    specialisms: tuple[str, ...] = ("legal", "digital_security", "counselling")
    local_plugins: tuple[Path, ...] = field(factory=tuple)
    deployment_id: str | None = None


def template_dir(kind: str = "helpline") -> Path:
    """Where the cookiecutter template lives: shipped in the wheel, or in the checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_templates" / kind, package.parent.parent / "templates" / kind):
        if (candidate / "cookiecutter.json").exists():
            return candidate
    raise InitError(f"The {kind} template is missing from this helplinekit installation.")


def markdown_escape(text: str) -> str:
    """Escape text so Markdown renders it literally (backslash escapes, HTML entities)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def normalised_languages(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags in BCP 47's canonical case (``EN`` → ``en``); one that is not a tag is kept as
    typed, for :func:`validate_request` to name."""
    from helplinekit.i18n.tags import UnknownLanguage, normalise_tag

    normalised = []
    for tag in tags:
        try:
            normalised.append(normalise_tag(tag))
        except UnknownLanguage:
            normalised.append(tag)
    return tuple(dict.fromkeys(normalised))


def defaults_for_country(country: str, installed_languages: Iterable[str] = ()) -> dict[str, Any]:
    """Timezone and languages inferred from the country.

    The languages are the country's official and de facto ones (CLDR, through Babel), with
    English added; any language CLDR knows works without a plugin, so none is left out for
    lack of one. ``installed_languages`` is kept for callers of earlier releases.
    """
    from babel.languages import get_official_languages

    from helplinekit.i18n.tags import normalise_tag
    from helplinekit.timezones import default_timezone

    languages = [
        normalise_tag(tag) for tag in get_official_languages(country.upper(), de_facto=True)
    ][:3]
    if "en" not in languages:
        languages.append("en")
    return {
        "timezone": default_timezone(country),
        "languages": tuple(languages),
        "default_language": languages[0],
    }


def country_name(country: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=country.upper())
    return getattr(found, "common_name", None) or found.name if found else country


def jurisdictions_for(registries: Registries, country: str) -> list[str]:
    return sorted(
        entry.name for entry in registries.jurisdictions if entry.item.country == country.upper()
    )


def validate_request(request: DeploymentRequest, registries: Registries) -> list[str]:
    """Every problem with the request, each naming the value and the fix."""
    import pycountry

    from helplinekit.countries import not_a_country_message
    from helplinekit.i18n.languages import Languages, UnknownLanguage, normalise_tag

    problems = []
    if not request.name.strip():
        problems.append('The helpline needs a name, e.g. --name "Digital Rights Helpline".')
    if pycountry.countries.get(alpha_2=request.country.upper()) is None:
        problems.append(not_a_country_message(request.country))
    languages = Languages(registries.languages)
    for tag in request.languages:
        try:
            normalised = normalise_tag(tag)
        except UnknownLanguage:
            problems.append(
                f"{tag!r} is not a language tag; use BCP 47 tags such as sw, bn, ur, en or pa-Arab."
            )
            continue
        problems.extend(languages.problems([normalised]))
    if not request.languages:
        problems.append("Choose at least one language, e.g. --languages ur,en.")
    elif request.default_language not in request.languages:
        problems.append(
            f"The default language {request.default_language!r} is not one of "
            f"{', '.join(request.languages)}."
        )
    if not request.channels:
        problems.append("Enable at least one channel, e.g. --channels web.form.")
    for channel in request.channels:
        if channel not in registries.channels:
            installed = ", ".join(sorted(registries.channels.names()))
            problems.append(
                f"Channel {channel!r} is not provided by any installed plugin (installed: "
                f"{installed})."
            )
    if request.deployment_id is not None and not re.fullmatch(
        r"[a-z0-9][a-z0-9-]{3,63}", request.deployment_id
    ):
        problems.append(
            f"{request.deployment_id!r} is not a deployment id; use 4 to 64 lower-case letters, "
            "digits and dashes."
        )
    if request.jurisdiction is not None and request.jurisdiction not in registries.jurisdictions:
        problems.append(f"Jurisdiction {request.jurisdiction!r} is not installed.")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from helplinekit.timezones import not_a_timezone_message

    try:
        ZoneInfo(request.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(not_a_timezone_message(request.timezone))
    return problems


def _holds_database(folder: Path) -> Path | None:
    for path in folder.rglob("*"):
        if path.suffix in DATABASE_SUFFIXES and path.is_file():
            return path
    return None


def check_target(target: Path, *, force: bool) -> None:
    """Refuse an existing folder without ``force``, and any folder that holds a database."""
    if not target.exists():
        return
    if not target.is_dir():
        raise InitError(f"{target} exists and is not a folder; choose another place.")
    if not any(target.iterdir()):
        return
    if not force:
        raise InitError(
            f"{target} already exists and is not empty; choose another folder, or pass --force "
            "to replace its files."
        )
    database = _holds_database(target)
    if database is not None:
        raise InitError(
            f"{target} holds a database ({database.name}); --force never replaces a deployment "
            "with data. Choose another folder."
        )


def _plugin_requirements(
    pm: pluggy.PluginManager, registries: Registries, request: DeploymentRequest
) -> list[tuple[str, str]]:
    """The plugin projects the choices come from, as ("first", name) for the first-party
    folders under the checkout's plugins/ and ("other", name) for any other.

    A plugin installed from anywhere else (one generated with ``new-plugin`` on this
    machine) is not in the source the deployment installs from: the requirements file names
    it in a comment and never points at a folder that does not exist.
    """
    from helplinekit.i18n.languages import Languages

    languages = Languages(registries.languages)
    names = {registries.channels.plugin_of(c) for c in request.channels}
    for tag in request.languages:
        plugin_tag = languages.plugin_tag_for(tag)
        if plugin_tag is not None:
            names.add(registries.languages.plugin_of(plugin_tag))
    if request.jurisdiction:
        names.add(registries.jurisdictions.plugin_of(request.jurisdiction))
    first_party = SOURCE_CHECKOUT / "plugins"
    projects = set()
    for plugin, dist in pm.list_plugin_distinfo():
        if pm.get_name(plugin) in names:
            where = "first" if (first_party / dist.project_name).is_dir() else "other"
            projects.add((where, dist.project_name))
    return sorted(projects)


def build_context(
    request: DeploymentRequest, pm: pluggy.PluginManager, registries: Registries
) -> dict[str, Any]:
    """The cookiecutter context: every value computed and escaped here, passed privately."""
    from helplinekit import __version__
    from helplinekit.contracts.language import RTL_SCRIPTS
    from helplinekit.domain import DEFAULT_TAXONOMY
    from helplinekit.partners.directory import render_directory

    country = request.country.upper()
    stub = request.jurisdiction is None
    jurisdiction = request.jurisdiction or f"local.{country.lower()}"
    partners = [
        entry.item
        for entry in registries.partners
        if "*" in entry.item.regions or country in {r.split("-")[0] for r in entry.item.regions}
    ]
    from helplinekit.i18n.languages import Languages

    default_pack = Languages(registries.languages).pack(request.default_language)
    plugins = _plugin_requirements(pm, registries, request)
    return {
        "folder": "deployment",
        "_deployment_id": request.deployment_id or f"{country.lower()}-{secrets.token_hex(4)}",
        "_name": request.name,
        "_name_markdown": markdown_escape(request.name),
        "_country": country,
        "_country_name": country_name(country),
        "_timezone": request.timezone,
        "_languages": list(request.languages),
        "_default_language": request.default_language,
        "_default_rtl": default_pack.script in RTL_SCRIPTS,
        "_channels": list(request.channels),
        "_jurisdiction": jurisdiction,
        "_law_stub": stub,
        "_taxonomy": [[code.code, code.title] for code in DEFAULT_TAXONOMY],
        "_specialisms": list(request.specialisms),
        "_referrals_csv": render_directory(partners),
        "_plugin_projects": [name for where, name in plugins if where == "first"],
        "_other_plugin_projects": [name for where, name in plugins if where == "other"],
        "_helplinekit_version": __version__,
    }


def generate_deployment(
    request: DeploymentRequest,
    target: Path,
    *,
    pm: pluggy.PluginManager,
    registries: Registries,
    force: bool = False,
) -> Path:
    """Validate, generate into a temporary folder, then move into ``target``."""
    problems = validate_request(request, registries)
    if problems:
        raise InitError("\n".join(problems))
    target = target.absolute()
    check_target(target, force=force)
    context = build_context(request, pm, registries)
    from helplinekit.scaffold import GenerationFailed, generate_into

    target.parent.mkdir(parents=True, exist_ok=True)

    def add_local_plugins(generated: Path) -> None:
        for source in request.local_plugins:
            shutil.copy2(source, generated / "plugins" / source.name)

    try:
        # --force on a folder without data: it is swapped out only once the new one is complete.
        generate_into(
            template_dir("helpline"),
            context,
            target,
            scratch_prefix=".helplinekit-init-",
            finish=add_local_plugins,
            replace=True,
        )
    except GenerationFailed as error:
        raise InitError(f"The deployment could not be generated: {error}") from None
    return target
