"""The language-pack contract: a language any deployment, in any country, can enable.

A language is not a country: India needs Urdu without Pakistan's law, so languages and
jurisdictions are separate plugins.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path

from attrs import define, field, validators

from helplinekit.contracts.lexicon import TriageLexicon
from helplinekit.contracts.messages import ENGLISH_MESSAGES, MESSAGE_KEYS
from helplinekit.domain.names import LANGUAGE_TAG_RE, SCRIPT_RE

__all__ = [
    "DOMAIN",
    "MESSAGE_KEYS",
    "RTL_SCRIPTS",
    "LanguagePack",
]

#: The gettext domain of every helplinekit catalog.
DOMAIN = "helplinekit"

#: ISO 15924 scripts written right to left. A pack's ``rtl`` flag must agree with its script.
RTL_SCRIPTS = frozenset(
    {"Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa"}
)


def _lexicons(values: Iterable[TriageLexicon]) -> tuple[TriageLexicon, ...]:
    return tuple(values)


@define(frozen=True, eq=False)
class LanguagePack:
    """A language: its names, script, direction, catalogs and message templates.

    Attributes:
        tag: the BCP 47 tag (``ur``, ``en``, ``pa-Arab``), registered under this name.
        english_name: the name in English (``Urdu``).
        native_name: the name in the language itself (``اردو``).
        script: the ISO 15924 script code (``Arab``, ``Latn``).
        rtl: True when the language is written right to left.
        locale_dir: a folder holding ``<tag>/LC_MESSAGES/helplinekit.po`` (compiled when
            loaded) or ``.mo``; None for the source language, English.
        messages: the message templates, keyed as in :data:`MESSAGE_KEYS`.
        reviewed: False until a native speaker has signed off the translation; the
            product shows "not yet reviewed" while it is False.
        font_stack: a CSS font-family list that renders the script well.
        plural_forms: the gettext ``Plural-Forms`` expression the catalog must use.
        translated: False when the interface has no translation in this language yet (a
            language enabled from CLDR alone): pages are shown in the fallback language and
            say so.
        triage_lexicons: the words automatic triage looks for in messages written in this
            language, one lexicon per script (Urdu has Nastaliq and Roman Urdu).
        fallback: the pack whose strings and messages show where this one has none; set by
            the core from ``[languages] fallback``, not by plugins.
    """

    tag: str = field(validator=validators.matches_re(LANGUAGE_TAG_RE))
    english_name: str
    native_name: str
    script: str = field(validator=validators.matches_re(SCRIPT_RE))
    rtl: bool
    messages: Mapping[str, str] = field(repr=False)
    locale_dir: Path | None = None
    reviewed: bool = False
    font_stack: str = "system-ui, sans-serif"
    plural_forms: str = "nplurals=2; plural=(n != 1);"
    translated: bool = True
    triage_lexicons: tuple[TriageLexicon, ...] = field(default=(), converter=_lexicons)
    fallback: LanguagePack | None = field(default=None, repr=False)

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, for the HTML ``dir`` attribute."""
        return "rtl" if self.rtl else "ltr"

    @property
    def catalog_path(self) -> Path | None:
        """The ``.po`` file of this pack, if it has one."""
        if self.locale_dir is None:
            return None
        return self.locale_dir / self.tag.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"

    @cached_property
    def translations(self) -> gettext.NullTranslations:
        """The gettext translations, compiled from the ``.po`` at first use."""
        path = self.catalog_path
        translations: gettext.NullTranslations
        if path is None:
            translations = gettext.NullTranslations()
        else:
            from helplinekit.i18n.runtime import load_po

            translations = load_po(path, locale=self.tag)
        if self.fallback is not None:
            translations.add_fallback(self.fallback.translations)
        return translations

    def gettext(self, message: str) -> str:
        """Translate one UI string."""
        return self.translations.gettext(message)

    def message(self, key: str, **values: object) -> str:
        """Render a message template with its fields; a missing key raises KeyError.

        A template this pack leaves in English is taken from the fallback pack, when there is
        one (a Punjabi helpline may fall back to Urdu rather than English).
        """
        template = self.messages[key]
        if self.fallback is not None and template == ENGLISH_MESSAGES.get(key):
            return self.fallback.message(key, **values)
        return template.format_map(values)
