"""Gettext catalogs: compile a ``.po`` at load time with Babel."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

__all__ = ["CatalogError", "load_po"]


class CatalogError(Exception):
    """A catalog could not be read; the message names the file and the problem."""


def load_po(path: Path, *, locale: str) -> gettext.GNUTranslations:
    """Read a ``.po`` file and return it compiled, as gettext translations.

    A shipped ``.mo`` beside the ``.po`` is not trusted to be current; compiling at load
    keeps the catalog and the translations the same thing.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale.replace("-", "_"), abort_invalid=True)
    except FileNotFoundError:
        raise CatalogError(f"Catalog file {path} is missing.") from None
    except Exception as error:  # babel raises its own PoFileError and ValueErrors
        raise CatalogError(f"Catalog file {path} could not be read: {error}") from error
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)
