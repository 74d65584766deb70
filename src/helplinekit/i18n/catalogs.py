"""A deployment's own catalogs: ``locale/<tag>/LC_MESSAGES/helplinekit.po`` beside its
``helpline.toml``, started by ``helplinekit translations init`` for a language that has no
plugin (or to adjust a plugin's wording), and read when the helpline starts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from helplinekit.domain.errors import ConfigurationError
from helplinekit.i18n.languages import (
    DEPLOYMENT_LOCALE_DIR,
    Languages,
    UnknownLanguage,
    cldr_knows,
    unknown_language_message,
)
from helplinekit.i18n.runtime import TEMPLATE_PATH, read_catalog

if TYPE_CHECKING:
    from helplinekit.config import HelplineConfig
    from helplinekit.registry import Registries

__all__ = ["CatalogExists", "deployment_catalog_path", "start_catalog"]


class CatalogExists(ConfigurationError):
    """The deployment already has a catalog for the language; it is never overwritten."""


def deployment_catalog_path(directory: Path, tag: str) -> Path:
    """Where a deployment keeps its catalog for ``tag``."""
    return (
        directory / DEPLOYMENT_LOCALE_DIR / tag.replace("-", "_") / "LC_MESSAGES" / "helplinekit.po"
    )


def start_catalog(helpline: HelplineConfig, registries: Registries, tag: str) -> tuple[Path, int]:
    """Write an untranslated catalog for ``tag`` into the deployment; return it and its size.

    The plural rule comes from CLDR (or, for a tag CLDR lacks that a plugin provides, such
    as ``ur-Latn``, from its base language). Nothing is written if a catalog is there.

    :raises UnknownLanguage: neither CLDR nor a plugin knows the tag.
    :raises CatalogExists: the deployment already has one.
    """
    from babel import Locale
    from babel.messages.pofile import write_po

    languages = Languages(registries.languages)
    if not languages.knows(tag):
        raise UnknownLanguage(unknown_language_message(tag, registries.languages.names()))
    path = deployment_catalog_path(helpline.directory, tag)
    if path.exists():
        raise CatalogExists(
            f"{path} already exists; it is never overwritten. Edit it, or move it away first "
            "to start again."
        )
    base = tag if cldr_knows(tag) else tag.split("-")[0]
    catalog = read_catalog(TEMPLATE_PATH, locale=None)
    catalog.locale = Locale.parse(base.replace("-", "_"))
    catalog.project = f"helplinekit ({helpline.helpline.name})"
    catalog.revision_date = datetime.now(UTC)
    catalog.language_team = f"{helpline.helpline.name} <translators>"
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".po.partial")
    with scratch.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    scratch.replace(path)
    return path, sum(1 for message in catalog if message.id)
