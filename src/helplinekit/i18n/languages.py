"""Which language pack serves a tag: an installed plugin's when one fits, else CLDR's.

Any language CLDR knows can be enabled without a plugin: its names, script, direction and
plural rule come from CLDR (through Babel), its interface strings from the deployment's own
catalog (``locale/<tag>/LC_MESSAGES/helplinekit.po``, made by ``helplinekit translations
init``) where there is one, and from the fallback language everywhere else.

Choosing a plugin's pack follows RFC 4647 lookup (``es-MX`` → ``es``, ``ur-PK`` → ``ur``) but
never crosses scripts (``ur-Latn`` never gets the Arabic-script ``ur`` pack, and ``ur`` never
gets ``ur-Latn``), with one more rule: a bare tag with no pack of its own takes the single
regional pack of its language and script (``es`` → ``es-MX``); when there are several, the
``[languages] fallback`` decides if it is one of them, and otherwise none is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import attrs

from helplinekit.i18n.tags import (
    UnknownLanguage,
    babel_name,
    cldr_knows,
    normalise_tag,
    script_of,
)

if TYPE_CHECKING:
    from helplinekit.contracts.language import LanguagePack


class InstalledPacks(Protocol):
    """What :class:`Languages` needs of the plugins' language registry."""

    def names(self) -> list[str]: ...

    def get(self, name: str) -> LanguagePack: ...


__all__ = [
    "DEPLOYMENT_LOCALE_DIR",
    "Languages",
    "UnknownLanguage",
    "cldr_knows",
    "cldr_pack",
    "font_stack_for",
    "normalise_tag",
    "script_of",
]

#: Where a deployment keeps its own catalogs, inside its folder.
DEPLOYMENT_LOCALE_DIR = "locale"

#: Fonts that render each script well; the Noto families ship with most Linux systems
#: (Debian's fonts-noto-core) and Android, and phones fall back to their own script fonts.
_SCRIPT_FONTS = {
    "Arab": '"Noto Naskh Arabic", "Noto Sans Arabic", serif',
    "Aran": '"Noto Nastaliq Urdu", "Noto Naskh Arabic", serif',
    "Beng": '"Noto Sans Bengali", "Noto Serif Bengali", sans-serif',
    "Deva": '"Noto Sans Devanagari", "Noto Serif Devanagari", sans-serif',
    "Ethi": '"Noto Sans Ethiopic", "Noto Serif Ethiopic", sans-serif',
    "Guru": '"Noto Sans Gurmukhi", sans-serif',
    "Gujr": '"Noto Sans Gujarati", sans-serif',
    "Hebr": '"Noto Sans Hebrew", sans-serif',
    "Khmr": '"Noto Sans Khmer", sans-serif',
    "Knda": '"Noto Sans Kannada", sans-serif',
    "Mlym": '"Noto Sans Malayalam", sans-serif',
    "Mymr": '"Noto Sans Myanmar", sans-serif',
    "Orya": '"Noto Sans Oriya", sans-serif',
    "Sinh": '"Noto Sans Sinhala", sans-serif',
    "Taml": '"Noto Sans Tamil", sans-serif',
    "Telu": '"Noto Sans Telugu", sans-serif',
    "Thaa": '"Noto Sans Thaana", sans-serif',
    "Thai": '"Noto Sans Thai", sans-serif',
}
_DEFAULT_FONTS = "system-ui, sans-serif"


def font_stack_for(script: str | None) -> str:
    """A CSS font-family list for ``script``."""
    return _SCRIPT_FONTS.get(script or "", _DEFAULT_FONTS)


def cldr_pack(tag: str, *, catalog_dir: Path | None = None) -> LanguagePack:
    """A pack for ``tag`` built from CLDR alone (and the deployment's catalog, if any).

    :param catalog_dir: a ``locale`` folder that may hold ``<tag>/LC_MESSAGES/helplinekit.po``;
        when it does, the pack's strings and messages are read from it.
    """
    from babel import Locale
    from babel.messages.plurals import get_plural

    from helplinekit.contracts.language import RTL_SCRIPTS, LanguagePack
    from helplinekit.contracts.messages import ENGLISH_MESSAGES
    from helplinekit.i18n.runtime import catalog_messages

    locale = Locale.parse(babel_name(tag))
    script = script_of(tag) or "Latn"
    has_catalog = catalog_dir is not None and _catalog_file(catalog_dir, tag).is_file()
    return LanguagePack(
        tag=tag,
        english_name=locale.get_display_name("en") or tag,
        native_name=locale.get_display_name() or tag,
        script=script,
        rtl=locale.character_order == "right-to-left" or script in RTL_SCRIPTS,
        messages=catalog_messages(catalog_dir, tag)
        if has_catalog and catalog_dir is not None
        else ENGLISH_MESSAGES,
        locale_dir=catalog_dir if has_catalog else None,
        reviewed=False,
        font_stack=font_stack_for(script),
        plural_forms=get_plural(locale).plural_forms,
        translated=has_catalog,
    )


def _catalog_file(catalog_dir: Path, tag: str) -> Path:
    return catalog_dir / tag.replace("-", "_") / "LC_MESSAGES" / "helplinekit.po"


class Languages:
    """The language packs of one deployment, chosen once per tag.

    :param installed: the packs plugins registered.
    :param fallback: the tag whose strings show where a pack has none (``[languages]
        fallback``, English by default).
    :param catalog_dir: the deployment's ``locale`` folder, if it has one: a catalog there
        for a tag translates it (for a language with no plugin) or overrides the plugin's.
    """

    def __init__(
        self,
        installed: InstalledPacks,
        *,
        fallback: str = "en",
        catalog_dir: Path | None = None,
    ) -> None:
        self._installed = installed
        self.fallback_tag = fallback
        self._catalog_dir = catalog_dir if catalog_dir and catalog_dir.is_dir() else None
        self._chosen: dict[str, LanguagePack] = {}

    def plugin_tag_for(self, tag: str) -> str | None:
        """The tag of the installed pack that serves ``tag``, or None (see the module doc)."""
        installed = set(self._installed.names())
        script = script_of(tag)
        parts = tag.split("-")
        # RFC 4647 lookup: drop subtags from the end, keeping only packs of the same script.
        for end in range(len(parts), 0, -1):
            candidate = "-".join(parts[:end])
            if candidate in installed and script_of(candidate) == script:
                return candidate
        if len(parts) == 1:
            regional = sorted(
                name
                for name in installed
                if name.split("-")[0] == tag and script_of(name) == script and name != tag
            )
            if len(regional) == 1:
                return regional[0]
            if self.fallback_tag in regional:
                return self.fallback_tag
        return None

    def knows(self, tag: str) -> bool:
        """True when some pack can serve ``tag``: a plugin's, or CLDR's."""
        return self.plugin_tag_for(tag) is not None or cldr_knows(tag)

    def pack(self, tag: str) -> LanguagePack:
        """The pack for ``tag``, its untranslated strings falling back to the fallback's.

        :raises UnknownLanguage: neither a plugin nor CLDR knows the tag.
        """
        chosen = self._chosen.get(tag)
        if chosen is None:
            chosen = self._choose(tag)
            self._chosen[tag] = chosen
        return chosen

    def _choose(self, tag: str) -> LanguagePack:
        fallback = None if tag == self.fallback_tag else self.pack(self.fallback_tag)
        plugin_tag = self.plugin_tag_for(tag)
        if plugin_tag is not None:
            pack = self._installed.get(plugin_tag)
            if fallback is not None and fallback.tag != pack.tag:
                pack = attrs.evolve(pack, fallback=fallback)
            if self._catalog_dir is not None and _catalog_file(self._catalog_dir, tag).is_file():
                # The deployment's own catalog comes first; the plugin's fills its gaps.
                from helplinekit.i18n.runtime import catalog_messages

                pack = attrs.evolve(
                    pack,
                    tag=tag,
                    locale_dir=self._catalog_dir,
                    messages=catalog_messages(self._catalog_dir, tag),
                    fallback=pack,
                    translated=True,
                )
            return pack
        if cldr_knows(tag):
            pack = cldr_pack(tag, catalog_dir=self._catalog_dir)
            return pack if fallback is None else attrs.evolve(pack, fallback=fallback)
        raise UnknownLanguage(unknown_language_message(tag, self._installed.names()))

    def problems(self, tags: Iterable[str]) -> list[str]:
        """Why each of ``tags`` cannot be served (empty when all can)."""
        return [
            unknown_language_message(tag, self._installed.names())
            for tag in tags
            if not self.knows(tag)
        ]


def unknown_language_message(tag: str, installed: Iterable[str]) -> str:
    """The refusal for a tag nobody knows, naming it and what would work."""
    names = ", ".join(sorted(installed)) or "none"
    return (
        f"Language {tag!r} is not known to CLDR and no installed plugin provides it "
        f"(plugins provide: {names}); use a CLDR language tag such as sw, bn, ne or es-MX, "
        "or install a language plugin for it."
    )
