"""Gettext catalogs: mark, extract, compile and check the strings a helpline shows.

Strings are written in English in the code and marked for extraction: ``_()``,
``ngettext()`` and the other gettext calls where they are translated, ``N_()`` where the
text is kept in a data structure and translated later (the survivor message templates).
:func:`extract_template` collects them into the catalog template, ``locale/helplinekit.pot``;
each language pack translates it in a ``.po`` file that is compiled with Babel when the pack
is loaded (:func:`load_po`), and :func:`check_pack` says what a pack still lacks.
"""

from __future__ import annotations

import difflib
import gettext
import io
import string
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

    from helplinekit.contracts.language import LanguagePack

__all__ = [
    "COMMENT_TAGS",
    "EXTRACTION_IGNORED",
    "EXTRACTION_METHODS",
    "N_",
    "PACKAGE_DIR",
    "SOURCE_LANGUAGE",
    "TEMPLATE_PATH",
    "CatalogError",
    "CatalogMessages",
    "PackProblem",
    "PackReport",
    "catalog_messages",
    "check_pack",
    "extract_template",
    "load_po",
    "render_template",
    "stale_template_diff",
    "write_template",
]

#: The language the code's strings are written in; its pack needs no catalog.
SOURCE_LANGUAGE = "en"

#: The installed ``helplinekit`` package: where strings are extracted from.
PACKAGE_DIR = Path(__file__).parent

#: The committed catalog template every language pack translates.
TEMPLATE_PATH = PACKAGE_DIR / "locale" / "helplinekit.pot"

#: What is extracted, as (glob relative to the package, Babel extraction method); the first
#: pattern that matches a file decides. Jinja templates need Jinja2, which the web console
#: brings; the extractor is only imported once such a template exists.
EXTRACTION_METHODS: tuple[tuple[str, str], ...] = (
    ("web/templates/**.html", "jinja2.ext:babel_extract"),
    ("web/templates/**.txt", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
)

#: Paths never extracted: the cookiecutter templates a wheel carries are generated
#: projects' files, not helplinekit's strings.
EXTRACTION_IGNORED: tuple[str, ...] = ("_templates/**", "**/__pycache__/**")

#: Comments starting with this, on the line before a marked string, reach translators.
COMMENT_TAGS: tuple[str, ...] = ("Translators:",)

# ``{% trans %}`` blocks are extracted with whitespace collapsed; the web console's Jinja
# environment must set ``policies["ext.i18n.trimmed"] = True`` so the msgids agree.
_JINJA_OPTIONS = {"trimmed": "true"}

_HEADER_COMMENT = """\
# Translations template for helplinekit (AGPL-3.0-or-later).
# Made by `helplinekit translations extract`; do not edit by hand.
#"""

# Header lines that change on every extraction, or with the Babel version, and say
# nothing about the strings: ignored when deciding whether the template is current.
_VOLATILE_HEADERS = (b'"POT-Creation-Date:', b'"Generated-By:')


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it unchanged.

    For text kept in a data structure and translated where it is used, e.g. the survivor
    message templates: ``MESSAGES = {"ack.received": N_("Thank you …")}``.
    """
    return message


# Imported only once N_ exists: the domain marks its messages with N_ from this module, and
# importing helplinekit.domain.errors runs the domain package, so whichever of the two is
# imported first finds what it needs in the other.
from helplinekit.domain.errors import ConfigurationError  # noqa: E402


class CatalogError(ConfigurationError):
    """A catalog could not be read; the message names the file and the problem."""


def load_po(path: Path, *, locale: str) -> gettext.GNUTranslations:
    """Read a ``.po`` file and return it compiled, as gettext translations.

    A shipped ``.mo`` beside the ``.po`` is not trusted to be current; compiling at load
    keeps the catalog and the translations the same thing. Fuzzy entries are left out, so
    a string still waiting for review is shown in English.
    """
    from babel.messages.mofile import write_mo

    catalog = _read_po(path, locale=locale, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _read_po(path: Path, *, locale: str | None, abort_invalid: bool = False) -> Catalog:
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as handle:
            return read_po(
                handle,
                locale=locale.replace("-", "_") if locale else None,
                abort_invalid=abort_invalid,
            )
    except FileNotFoundError:
        raise CatalogError(f"Catalog file {path} is missing.") from None
    except Exception as error:  # babel raises its own PoFileError and ValueErrors
        raise CatalogError(f"Catalog file {path} could not be read: {error}") from error


# -- message templates kept in a catalog -----------------------------------------------------


class CatalogMessages(Mapping[str, str]):
    """The English message templates, translated through a ``.po`` file when read.

    A language pack passes this as its ``messages`` so its survivor messages live in its
    catalog with every other string: the catalog is the one source of the pack's text.
    Like gettext, a template the catalog does not translate (missing, empty or fuzzy) reads
    as English; ``helplinekit translations check`` names every such gap.
    """

    def __init__(self, path: Path, *, locale: str, source: Mapping[str, str] | None = None) -> None:
        self._path = path
        self._locale = locale
        self._given_source = source

    @cached_property
    def _source(self) -> Mapping[str, str]:
        if self._given_source is not None:
            return self._given_source
        from helplinekit.languages.english import MESSAGES

        return MESSAGES

    @cached_property
    def _translations(self) -> gettext.GNUTranslations:
        return load_po(self._path, locale=self._locale)

    def __getitem__(self, key: str) -> str:
        return self._translations.gettext(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __repr__(self) -> str:
        return f"CatalogMessages({str(self._path)!r}, locale={self._locale!r})"


def catalog_messages(locale_dir: Path, tag: str) -> CatalogMessages:
    """The message templates of language ``tag``, from ``<locale_dir>/<tag>/LC_MESSAGES``."""
    path = locale_dir / tag.replace("-", "_") / "LC_MESSAGES" / "helplinekit.po"
    return CatalogMessages(path, locale=tag)


# -- extraction ----------------------------------------------------------------------------


def _method_for(relative: str) -> str | None:
    from babel.util import pathmatch

    if any(pathmatch(pattern, relative) for pattern in EXTRACTION_IGNORED):
        return None
    return next((m for pattern, m in EXTRACTION_METHODS if pathmatch(pattern, relative)), None)


def extract_template(package_dir: Path | None = None) -> Catalog:
    """Every marked string of the package, as a catalog template.

    :param package_dir: the ``helplinekit`` package folder to read; the installed one by
        default. Locations are given as ``helplinekit/<path>``, without line numbers, so
        moving code around does not change the template.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    package_dir = package_dir or PACKAGE_DIR
    catalog = Catalog(
        domain="helplinekit",
        project="helplinekit",
        header_comment=_HEADER_COMMENT,
        msgid_bugs_address="https://github.com/helplinekit/helplinekit/issues",
        charset="utf-8",
    )
    for path in sorted(package_dir.rglob("*")):
        relative = path.relative_to(package_dir).as_posix()
        method = _method_for(relative) if path.is_file() else None
        if method is None:
            continue
        options = _JINJA_OPTIONS if method.startswith("jinja2") else {}
        for _lineno, message, comments, context in extract_from_file(
            method,
            path,
            keywords=DEFAULT_KEYWORDS,
            comment_tags=COMMENT_TAGS,
            options=options,
        ):
            catalog.add(
                message,
                None,
                [(f"helplinekit/{relative}", None)],
                # One paragraph, rewrapped for the .pot's width rather than the code's.
                auto_comments=[" ".join(comments)] if comments else [],
                context=context,
            )
    return catalog


def render_template(catalog: Catalog) -> bytes:
    """The ``.pot`` text of a template: sorted, wrapped at 76, no line numbers."""
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=76,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return buffer.getvalue()


def _comparable(text: bytes) -> list[str]:
    lines = text.decode("utf-8").splitlines(keepends=True)
    volatile = tuple(header.decode() for header in _VOLATILE_HEADERS)
    return [line for line in lines if not line.startswith(volatile)]


def stale_template_diff(
    path: Path = TEMPLATE_PATH, *, package_dir: Path | None = None
) -> str | None:
    """None when ``path`` holds what extraction gives now; else a diff of what would change.

    The creation date and the Babel version in the header are ignored.
    """
    fresh = _comparable(render_template(extract_template(package_dir)))
    current = _comparable(path.read_bytes()) if path.exists() else []
    if fresh == current:
        return None
    return "".join(
        difflib.unified_diff(current, fresh, f"{path} (committed)", f"{path} (from the code)")
    )


def write_template(
    path: Path = TEMPLATE_PATH, *, package_dir: Path | None = None
) -> tuple[bool, int]:
    """Extract the template into ``path``, unless only its header date would change.

    :returns: whether the file was written, and how many messages the template holds.
    """
    catalog = extract_template(package_dir)
    text = render_template(catalog)
    count = sum(1 for message in catalog if message.id)
    if path.exists() and _comparable(path.read_bytes()) == _comparable(text):
        return False, count
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True, count


# -- checking a language pack ----------------------------------------------------------------


@frozen
class PackProblem:
    """One thing wrong with a language pack.

    Attributes:
        kind: ``direction``, ``messages``, ``catalog``, ``plurals``, ``missing``, ``fuzzy``,
            ``untranslated`` or ``placeholders``.
        text: the problem in a sentence, naming the value and the fix.
        msgid: the template string concerned, if any.
    """

    kind: str
    text: str
    msgid: str | None = None


@frozen
class PackReport:
    """What :func:`check_pack` found.

    Attributes:
        pack: the language pack checked.
        problems: everything wrong with it; empty when it is complete.
        total: how many strings the template holds.
        translated: how many of them the catalog translates (reviewed, not fuzzy); None
            when the pack has no catalog.
    """

    pack: LanguagePack
    problems: tuple[PackProblem, ...]
    total: int
    translated: int | None

    @property
    def complete(self) -> bool:
        """True when nothing is wrong with the pack."""
        return not self.problems


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _label(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def check_pack(
    pack: LanguagePack, *, template: Path | None = None, require_catalog: bool = False
) -> PackReport:
    """Check a language pack: direction, message templates, and its catalog.

    :param template: the ``.pot`` the catalog must translate; helplinekit's by default.
    :param require_catalog: report a pack without a catalog (its interface would be shown
        in English); the conformance kit leaves this off, ``translations check`` turns it on
        for every language but the source one.
    """
    from helplinekit.contracts.language import RTL_SCRIPTS

    template = template or TEMPLATE_PATH
    problems: list[PackProblem] = []
    script_is_rtl = pack.script in RTL_SCRIPTS
    if pack.rtl != script_is_rtl:
        problems.append(
            PackProblem(
                "direction",
                f"rtl is {pack.rtl} but script {pack.script!r} is written "
                f"{'right to left' if script_is_rtl else 'left to right'}.",
            )
        )
    try:
        problems.extend(_check_messages(pack))
    except CatalogError as error:
        # Messages read from the catalog: a broken catalog is reported once, below.
        if pack.catalog_path is None or str(pack.catalog_path) not in str(error):
            problems.append(PackProblem("messages", f"message templates cannot be read: {error}"))

    source = _read_po(template, locale=None) if template.exists() else None
    total = sum(1 for message in source if message.id) if source is not None else 0
    translated: int | None = None
    if pack.catalog_path is not None:
        catalog_problems, translated = _check_catalog(pack, source)
        problems.extend(catalog_problems)
    elif require_catalog and total:
        problems.append(
            PackProblem(
                "catalog",
                f"has no catalog (locale_dir is None), so the {total} strings of "
                f"{template.name} would be shown in English; add "
                f"<locale_dir>/{pack.tag.replace('-', '_')}/LC_MESSAGES/helplinekit.po.",
            )
        )
    return PackReport(pack, tuple(problems), total, translated)


def _check_messages(pack: LanguagePack) -> list[PackProblem]:
    from helplinekit.contracts.language import MESSAGE_KEYS
    from helplinekit.languages.english import MESSAGES as SOURCE

    problems = []
    missing = sorted(set(MESSAGE_KEYS) - set(pack.messages))
    extra = sorted(set(pack.messages) - set(MESSAGE_KEYS))
    if missing:
        problems.append(
            PackProblem("messages", f"message templates missing: {', '.join(missing)}.")
        )
    if extra:
        problems.append(PackProblem("messages", f"unknown message templates: {', '.join(extra)}."))
    for key in sorted(set(pack.messages) & set(SOURCE)):
        text = pack.messages[key]
        try:
            got = _fields(text)
        except ValueError as error:
            problems.append(
                PackProblem("messages", f"message {key!r} is not a valid template: {error}.")
            )
            continue
        if got != _fields(SOURCE[key]):
            problems.append(
                PackProblem(
                    "messages",
                    f"message {key!r} uses fields {sorted(got)}; the English source uses "
                    f"{sorted(_fields(SOURCE[key]))}.",
                )
            )
        if not text.strip():
            problems.append(PackProblem("messages", f"message {key!r} is empty."))
    return problems


def _plural_mismatch(first: str, second: str) -> str | None:
    """None when two plural expressions pick the same form for every n; else where not."""
    try:
        pick_first, pick_second = gettext.c2py(first), gettext.c2py(second)
    except (ValueError, SyntaxError):
        return f"{first!r} or {second!r} is not a valid plural expression"
    differs = next((n for n in range(1001) if pick_first(n) != pick_second(n)), None)
    return None if differs is None else f"e.g. for n={differs}"


def _check_catalog(
    pack: LanguagePack, source: Catalog | None
) -> tuple[list[PackProblem], int | None]:
    from babel.messages.checkers import python_format
    from babel.messages.plurals import get_plural

    path = pack.catalog_path
    assert path is not None
    if not path.exists():
        return [PackProblem("catalog", f"catalog {path} does not exist.")], None
    try:
        catalog = _read_po(path, locale=pack.tag)
    except CatalogError as error:
        reason = error.__cause__ or error
        return [PackProblem("catalog", f"catalog {path} cannot be read: {reason}.")], None
    problems = []
    try:
        pack.translations  # noqa: B018 — compiles the catalog, as loading does
    except Exception as error:
        problems.append(PackProblem("catalog", f"catalog {path} does not compile: {error}."))

    cldr = get_plural(pack.tag.replace("-", "_"))
    if catalog.num_plurals != cldr.num_plurals:
        problems.append(
            PackProblem(
                "plurals",
                f"catalog declares {catalog.num_plurals} plural forms; {pack.english_name} has "
                f"{cldr.num_plurals} (fix the Plural-Forms header).",
            )
        )
    else:
        mismatch = _plural_mismatch(catalog.plural_expr, cldr.plural_expr)
        if mismatch is not None:
            problems.append(
                PackProblem(
                    "plurals",
                    f"catalog's Plural-Forms {catalog.plural_forms!r} does not pick the forms "
                    f"{pack.english_name}'s rule {str(cldr)!r} picks ({mismatch}); fix the "
                    "Plural-Forms header.",
                )
            )
        pack_rule = pack.plural_forms.partition("plural=")[2].strip().rstrip(";")
        mismatch = _plural_mismatch(pack_rule, catalog.plural_expr)
        if mismatch is not None:
            problems.append(
                PackProblem(
                    "plurals",
                    f"the pack's plural_forms {pack.plural_forms!r} disagrees with its "
                    f"catalog's Plural-Forms {catalog.plural_forms!r} ({mismatch}); make them "
                    "the same.",
                )
            )

    if source is None:
        return problems, None
    translated = 0
    for message in source:
        if not message.id:
            continue
        label = _label(message.id)
        found = catalog.get(message.id, context=message.context)
        if found is None:
            problems.append(PackProblem("missing", f"catalog lacks {label!r}.", label))
            continue
        plural = isinstance(found.string, tuple | list)
        strings = tuple(found.string) if plural else (found.string,)
        if found.fuzzy:
            problems.append(
                PackProblem("fuzzy", f"catalog has no reviewed translation of {label!r}.", label)
            )
            continue
        if not all(strings):
            problems.append(
                PackProblem("untranslated", f"catalog leaves {label!r} untranslated.", label)
            )
            continue
        if plural and len(strings) != cldr.num_plurals:
            problems.append(
                PackProblem(
                    "plurals", f"catalog gives {len(strings)} plural forms for {label!r}.", label
                )
            )
            continue
        placeholder_problem = _placeholder_problem(message, strings, plural)
        if placeholder_problem is None and "python-format" in message.flags:
            try:
                python_format(catalog, found)
            except Exception as error:  # babel's TranslationError
                placeholder_problem = str(error)
        if placeholder_problem is not None:
            problems.append(
                PackProblem(
                    "placeholders",
                    f"translation of {label!r} {placeholder_problem}; keep every placeholder "
                    "exactly as in the source.",
                    label,
                )
            )
            continue
        translated += 1
    return problems, translated


def _placeholder_problem(message: Message, strings: tuple[str, ...], plural: bool) -> str | None:
    if "python-brace-format" not in message.flags:
        return None
    ids = tuple(message.id) if plural else (message.id,)
    expected: set[str] = set().union(*(_fields(i) for i in ids))
    for text in strings:
        try:
            got = _fields(text)
        except ValueError as error:
            return f"is not a valid template ({error})"
        if (plural and not got <= expected) or (not plural and got != expected):
            return f"uses fields {sorted(got)}; the source uses {sorted(expected)}"
    return None
