"""Gettext at run time: load a language's catalog, mark strings, read message templates.

Strings are written in English in the code and marked for extraction: ``_()``,
``ngettext()`` and the other gettext calls where they are translated, ``N_()`` where the
text is kept in a data structure and translated later (the survivor message templates).
Each language pack translates them in a ``.po`` file that is compiled with Babel when the
pack is loaded (:func:`load_po`). Extraction is in :mod:`helplinekit.i18n.extract`, checking
a pack in :mod:`helplinekit.i18n.check`.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from helplinekit.domain.errors import ConfigurationError
from helplinekit.domain.markers import N_

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

__all__ = [
    "N_",
    "PACKAGE_DIR",
    "SOURCE_LANGUAGE",
    "TEMPLATE_PATH",
    "CatalogError",
    "CatalogMessages",
    "catalog_messages",
    "load_po",
]

SOURCE_LANGUAGE = "en"

#: The installed ``helplinekit`` package: where strings are extracted from.
PACKAGE_DIR = Path(__file__).parent.parent

#: The committed catalog template every language pack translates.
TEMPLATE_PATH = PACKAGE_DIR / "locale" / "helplinekit.pot"


class CatalogError(ConfigurationError):
    """A catalog could not be read; the message names the file and the problem."""


def load_po(path: Path, *, locale: str) -> gettext.GNUTranslations:
    """Read a ``.po`` file and return it compiled, as gettext translations.

    A shipped ``.mo`` beside the ``.po`` is not trusted to be current; compiling at load
    keeps the catalog and the translations the same thing. Fuzzy entries are left out, so
    a string still waiting for review is shown in English.
    """
    from babel.messages.mofile import write_mo

    catalog = read_catalog(path, locale=locale, abort_invalid=True)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def read_catalog(path: Path, *, locale: str | None, abort_invalid: bool = False) -> Catalog:
    from babel.messages.pofile import read_po

    if locale is not None:
        from helplinekit.i18n.tags import cldr_knows

        # A tag CLDR lacks (ur-Latn, provided by a plugin) is read with its base language's
        # rules: Babel only needs the locale for plural forms.
        locale = locale if cldr_knows(locale) else locale.split("-")[0]
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


# -- message templates kept in a catalog --------------------------------------------------


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
        from helplinekit.contracts.messages import ENGLISH_MESSAGES

        return ENGLISH_MESSAGES

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
