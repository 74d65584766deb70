"""``helplinekit new-plugin``: a new law, channel or language plugin package.

The package is generated from the cookiecutter template ``templates/plugin``. Every answer
is checked here first, against ISO 3166, ISO 639, ISO 15924, CLDR and the installed plugins,
so bad input writes nothing. Free text (the name, a language's native name) reaches
cookiecutter only in the private ``_name`` and ``_native_name`` variables, which cookiecutter
never renders as template syntax; the public ``name`` and ``native_name`` are set to
``{{ cookiecutter._name }}``-style references, which render to that text exactly once, and
the template escapes it for each file format. The package is generated in a temporary
folder beside the target and moved into place only when complete.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import click

from helplinekit.plugins import DISABLE_ENV

__all__ = ["KINDS", "new_plugin", "plugin_context", "template_dir"]

KINDS = ("law", "channel", "language")
#: Names and native names become Python and TOML strings on one line of generated code.
MAX_TEXT = 40
_MAX_LITERAL_WIDTH = 2 * MAX_TEXT + 4
MAX_NAMESPACE = 40
DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def template_dir() -> Path:
    """The plugin template: shipped inside the wheel, or in a source checkout."""
    from helplinekit.deployment import InitError
    from helplinekit.deployment import template_dir as find_template

    try:
        return find_template("plugin")
    except InitError as error:
        raise click.ClickException(f"{error} Reinstall helplinekit.") from None


# -- checks --------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def check_text(value: str, param_hint: str, example: str) -> str:
    """One line of visible text, short enough for a line of generated code."""
    text = value.strip()
    if not text:
        raise click.BadParameter(f"it is empty; give one, e.g. {example!r}.", param_hint=param_hint)
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in text):
        raise click.BadParameter(
            f"{text!r} contains a line break or control character; write it on one line.",
            param_hint=param_hint,
        )
    if len(text) > MAX_TEXT or _width(repr(text)) > _MAX_LITERAL_WIDTH:
        raise click.BadParameter(
            f"{text!r} is too long; keep it to {MAX_TEXT} characters (a longer description "
            "can go in the generated README).",
            param_hint=param_hint,
        )
    return text


def check_name(value: str) -> tuple[str, str]:
    """The name as typed, and the namespace derived from it (``kenya``, ``acme_sms``)."""
    from slugify import slugify  # python-slugify, which cookiecutter's slugify filter uses

    name = check_text(value, "NAME", "Kenya")
    namespace = slugify(name, separator="_")
    if not namespace:
        raise click.BadParameter(
            f"{name!r} has no letters or digits to make a package name from; use a name "
            "written in Latin letters, e.g. 'Kenya' or 'Acme SMS'.",
            param_hint="NAME",
        )
    if len(namespace) > MAX_NAMESPACE:
        raise click.BadParameter(
            f"{name!r} makes the package name helplinekit-{namespace.replace('_', '-')}, "
            f"longer than {MAX_NAMESPACE} characters after 'helplinekit-'; use a shorter name.",
            param_hint="NAME",
        )
    return name, namespace


def check_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case."""
    import pycountry

    code = value.strip().upper()
    if re.fullmatch(r"[A-Z]{2}", code) and pycountry.countries.get(alpha_2=code) is not None:
        return code
    hint = "use a code such as KE (Kenya) or PK (Pakistan)."
    try:
        found = pycountry.countries.lookup(value.strip())
    except LookupError:
        pass
    else:
        hint = f"did you mean {found.alpha_2} ({found.name})?"
    raise click.BadParameter(
        f"{value!r} is not an ISO 3166-1 alpha-2 country code; {hint}", param_hint="--country"
    )


def _normalise_tag(value: str) -> str:
    parts = value.strip().replace("_", "-").split("-")
    normal = [parts[0].lower()]
    for part in parts[1:]:
        normal.append(part.title() if len(part) == 4 else part.upper())
    return "-".join(normal)


def check_language(
    tag_value: str, script_value: str | None, native_value: str | None
) -> dict[str, str]:
    """Tag, script, native name and plural rule of a language, from the options and CLDR."""
    import pycountry
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global
    from babel.messages.plurals import get_plural

    from helplinekit.domain.names import LANGUAGE_TAG_RE, SCRIPT_RE

    tag = _normalise_tag(tag_value)
    if not LANGUAGE_TAG_RE.match(tag):
        raise click.BadParameter(
            f"{tag_value!r} is not a BCP 47 language tag of the form helplinekit uses: a "
            "language code, optionally a script and a region, e.g. sw, ur, pa-Arab, pt-BR.",
            param_hint="--tag",
        )
    subtags = tag.split("-")
    language = subtags[0]
    known = pycountry.languages.get(**{"alpha_2" if len(language) == 2 else "alpha_3": language})
    if known is None:
        raise click.BadParameter(
            f"{language!r} in {tag!r} is not an ISO 639 language code; e.g. sw for Swahili.",
            param_hint="--tag",
        )
    shorter = getattr(known, "alpha_2", None)
    if len(language) == 3 and shorter:
        raise click.BadParameter(
            f"BCP 47 writes {known.name} as {shorter!r}, not {language!r}; use --tag "
            f"{'-'.join([shorter, *subtags[1:]])}.",
            param_hint="--tag",
        )
    region = next((s for s in subtags[1:] if len(s) != 4), None)
    if region and region.isalpha() and pycountry.countries.get(alpha_2=region) is None:
        raise click.BadParameter(
            f"{region!r} in {tag!r} is not an ISO 3166-1 region code; e.g. pt-BR.",
            param_hint="--tag",
        )
    tag_script = next((s for s in subtags[1:] if len(s) == 4), None)
    locale_id = tag.replace("-", "_")
    likely_subtags = get_global("likely_subtags")
    likely = likely_subtags.get(locale_id) or likely_subtags.get(language, "")
    usual_script = next((part for part in likely.split("_")[1:] if len(part) == 4), None)
    if script_value is not None:
        script = script_value.strip().title()
        if not SCRIPT_RE.match(script) or pycountry.scripts.get(alpha_4=script) is None:
            raise click.BadParameter(
                f"{script_value!r} is not an ISO 15924 script code; e.g. Latn, Arab, Deva.",
                param_hint="--script",
            )
        if tag_script and tag_script != script:
            raise click.BadParameter(
                f"the tag {tag!r} names the script {tag_script!r}, not {script!r}; make them "
                "agree (or leave --script out).",
                param_hint="--script",
            )
        if not tag_script and usual_script and usual_script != script:
            # A reader of the tag alone would assume the usual script: say it in the tag.
            tagged = "-".join([language, script, *subtags[1:]])
            raise click.BadParameter(
                f"{tag!r} is usually written in {usual_script}, so a pack in {script} is "
                f"tagged {tagged!r}; use --tag {tagged}.",
                param_hint="--script",
            )
    elif tag_script:
        script = tag_script
    elif usual_script:
        script = usual_script
    else:
        raise click.UsageError(
            f"CLDR does not say which script {tag!r} is usually written in; give it with "
            "--script (e.g. --script Latn)."
        )
    try:
        locale: Any = Locale.parse(locale_id)
        plural_forms = get_plural(locale_id).plural_forms
    except (UnknownLocaleError, ValueError):
        locale, plural_forms = None, DEFAULT_PLURAL_FORMS
    if native_value is not None:
        native = check_text(native_value, "--native-name", "Kiswahili")
    else:
        cldr_name: str | None = locale.get_language_name() if locale is not None else None
        if not cldr_name:
            raise click.UsageError(
                f"CLDR does not know the name of {tag!r} in itself; give it with --native-name."
            )
        native = check_text(cldr_name, "--native-name", "Kiswahili")
    return {"tag": tag, "script": script, "native_name": native, "plural_forms": plural_forms}


def _refuse_options(kind: str, **given: object) -> None:
    extra = [option for option, value in given.items() if value is not None]
    if extra:
        raise click.UsageError(
            f"{', '.join(extra)} {'does' if len(extra) == 1 else 'do'} not apply to a {kind} "
            "plugin; leave it out."
        )


def _refuse_installed(registries: Any, kind: str, name: str) -> None:
    # Two plugins registering one name stop helplinekit at start-up; say so now, not then.
    registry = {
        "law": registries.jurisdictions,
        "channel": registries.channels,
        "language": registries.languages,
    }[kind]
    if name in registry:
        plugin = registry.plugin_of(name)
        raise click.ClickException(
            f"The {registry.kind} {name!r} is already registered by the installed plugin "
            f"{plugin!r}, and two plugins registering it stop helplinekit at start-up. "
            f"Improve that plugin instead, or choose another name; to replace it, disable it "
            f"with {DISABLE_ENV}={plugin} (for this command too)."
        )


# -- generation ----------------------------------------------------------------------------


def plugin_context(
    kind: str, name: str, *, country: str | None = None, language: dict[str, str] | None = None
) -> dict[str, Any]:
    """The cookiecutter context for checked answers. Free text goes in ``_`` variables."""
    from helplinekit import __version__

    context: dict[str, Any] = {
        "kind": kind,
        "_name": name,
        "name": "{{ cookiecutter._name }}",
        "_helplinekit_version": __version__,
    }
    if country is not None:
        context["country_code"] = country
    if language is not None:
        context.update(
            {
                "language_tag": language["tag"],
                "script": language["script"],
                "_native_name": language["native_name"],
                "native_name": "{{ cookiecutter._native_name }}",
                "_plural_forms": language["plural_forms"],
            }
        )
    return context


def generate(context: dict[str, Any], target: Path) -> Path:
    """Run the template into a scratch folder beside ``target``, then move it into place."""
    from helplinekit.scaffold import GenerationFailed, generate_into

    def check_name(generated: Path) -> None:
        if generated.name != target.name:
            raise click.ClickException(
                f"The template made {generated.name!r} instead of {target.name!r}; this is a "
                "bug in helplinekit, please report it. Nothing was written."
            )

    try:
        return generate_into(
            template_dir(),
            context,
            target,
            scratch_prefix=".helplinekit-new-plugin-",
            finish=check_name,
        )
    except GenerationFailed as error:
        raise click.ClickException(f"The plugin could not be generated: {error}") from None


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    required=True,
    help="law: a country's law; channel: a provider survivors write through; language: a pack.",
)
@click.option("--country", help="Law plugins: the ISO 3166-1 alpha-2 country code, e.g. KE.")
@click.option("--tag", help="Language plugins: the BCP 47 tag, e.g. sw or pa-Arab.")
@click.option(
    "--script", help="Language plugins: the ISO 15924 script, e.g. Latn [default: from CLDR]."
)
@click.option(
    "--native-name",
    help="Language plugins: the language's name in itself [default: from CLDR].",
)
@click.option(
    "--output-dir",
    type=click.Path(exists=True, file_okay=False, writable=True, path_type=Path),
    default=Path(),
    show_default=True,
    help="Where to create the package's folder.",
)
@click.pass_obj
def new_plugin(
    state: Any,
    name: str,
    kind: str,
    country: str | None,
    tag: str | None,
    script: str | None,
    native_name: str | None,
    output_dir: Path,
) -> None:
    """Create a plugin package NAME that passes its own tests from the first minute.

    \b
      helplinekit new-plugin --kind law Kenya --country KE
      helplinekit new-plugin --kind channel "Acme SMS"
      helplinekit new-plugin --kind language Swahili --tag sw
    """
    name, namespace = check_name(name)
    language = None
    if kind == "law":
        _refuse_options(kind, **{"--tag": tag, "--script": script, "--native-name": native_name})
        if country is None:
            raise click.UsageError("A law plugin needs --country, e.g. --country KE.")
        country = check_country(country)
        registered = f"{namespace}.{country.lower()}"
        what = f"the jurisdiction {registered}"
    elif kind == "channel":
        _refuse_options(
            kind,
            **{
                "--country": country,
                "--tag": tag,
                "--script": script,
                "--native-name": native_name,
            },
        )
        registered = f"{namespace}.webhook"
        what = f"the channel {registered}"
    else:
        _refuse_options(kind, **{"--country": country})
        if tag is None:
            raise click.UsageError("A language plugin needs --tag, e.g. --tag sw.")
        language = check_language(tag, script, native_name)
        registered = language["tag"]
        what = f"the language {registered} ({language['script']})"
    target = (output_dir / f"helplinekit-{namespace.replace('_', '-')}").absolute()
    if target.exists():
        raise click.ClickException(
            f"{_shown(target)} already exists; remove it or choose another --output-dir."
        )
    _refuse_installed(state.registries(), kind, registered)

    generate(plugin_context(kind, name, country=country, language=language), target)

    module = f"helplinekit_{namespace}"
    click.echo(f"Created {_shown(target)}: a {kind} plugin registering {what}.")
    click.echo("")
    click.echo("Next steps:")
    click.echo(f"  cd {_shown(target)}")
    click.echo('  python -m pip install -e ".[test]"')
    click.echo("  pytest")
    click.echo(f"  helplinekit plugins        # lists {namespace}")
    click.echo(f"Then fill in src/{module}/__init__.py; its README.md says what and how.")
