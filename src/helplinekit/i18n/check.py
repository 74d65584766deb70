"""Checking a language pack: its direction, message templates and catalog.

``helplinekit translations check`` and the conformance kit
(:func:`helplinekit.testing.assert_language_pack_conforms`) both report through
:func:`check_pack`.
"""

from __future__ import annotations

import gettext
import string
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from helplinekit.i18n.runtime import TEMPLATE_PATH, CatalogError, read_catalog

if TYPE_CHECKING:
    from collections.abc import Iterable

    from babel.messages.catalog import Catalog, Message

    from helplinekit.contracts.language import LanguagePack
    from helplinekit.contracts.lexicon import TriageLexicon

__all__ = ["PackProblem", "PackReport", "check_pack", "lexicon_problems"]


@frozen
class PackProblem:
    """One thing wrong with a language pack.

    Attributes:
        kind: ``direction``, ``messages``, ``catalog``, ``plurals``, ``missing``, ``fuzzy``,
            ``untranslated``, ``placeholders`` or ``lexicon``.
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

    problems.extend(
        PackProblem("lexicon", text)
        for lexicon in pack.triage_lexicons
        for text in lexicon_problems(lexicon, language=pack.tag)
    )
    source = read_catalog(template, locale=None) if template.exists() else None
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
    from helplinekit.contracts.messages import ENGLISH_MESSAGES as SOURCE

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


def lexicon_problems(
    lexicon: TriageLexicon, *, language: str | None = None, taxonomy: Iterable[str] = ()
) -> list[str]:
    """What is wrong with a triage lexicon: examples its cues miss, counter-examples they
    match, categories outside ``taxonomy`` (when given), a language other than the pack's."""
    from helplinekit.i18n.text import normalise

    where = lexicon.source or f"the {lexicon.language}-{lexicon.script} lexicon"
    problems = []
    if language is not None and lexicon.language.split("-")[0] != language.split("-")[0]:
        problems.append(
            f"{where} is for language {lexicon.language!r}, but the pack is {language!r}."
        )
    codes = set(taxonomy)
    for number, cue in enumerate(lexicon.cues, 1):
        name = f"{where}, cue {number} ({cue.signal or cue.note[:40]})"
        for example in cue.examples:
            if cue.first_match(normalise(example)) is None:
                problems.append(
                    f"{name}: its example {example!r} matches none of its phrases; add the "
                    "phrase it shows, or correct the example."
                )
        for counter in cue.counter_examples:
            phrase = cue.first_match(normalise(counter))
            if phrase is not None:
                problems.append(
                    f"{name}: its counter-example {counter!r} matches the phrase "
                    f"{phrase.text!r}; narrow that phrase."
                )
        unknown = sorted(set(cue.categories) - codes) if codes else []
        if unknown:
            problems.append(
                f"{name}: categories {unknown} are not in the taxonomy; use registered codes."
            )
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
        catalog = read_catalog(path, locale=pack.tag)
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
        strings: tuple[str, ...]
        if isinstance(found.string, tuple | list):
            strings = tuple(found.string)
        else:
            # No string at all counts as untranslated, as an empty one does.
            strings = (found.string or "",)
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
    ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
    expected: set[str] = set().union(*(_fields(i) for i in ids))
    for text in strings:
        try:
            got = _fields(text)
        except ValueError as error:
            return f"is not a valid template ({error})"
        if (plural and not got <= expected) or (not plural and got != expected):
            return f"uses fields {sorted(got)}; the source uses {sorted(expected)}"
    return None
