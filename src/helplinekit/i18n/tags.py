"""Language tags: BCP 47's canonical case, and what CLDR (through Babel) knows of a tag.

Kept apart from :mod:`helplinekit.i18n.languages` so that reading a catalog
(:mod:`helplinekit.i18n.runtime`) needs no language contract.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from helplinekit.domain.errors import ConfigurationError

__all__ = [
    "UnknownLanguage",
    "babel_locale",
    "babel_name",
    "cldr_knows",
    "normalise_tag",
    "script_of",
]

_TAG_SHAPE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]([a-zA-Z]{4}))?(?:[-_]([a-zA-Z]{2}|[0-9]{3}))?$")


class UnknownLanguage(ConfigurationError):
    """A tag neither CLDR nor any installed plugin knows; the message names it and the fix."""


def normalise_tag(tag: str) -> str:
    """The tag in BCP 47's canonical case: ``EN`` → ``en``, ``es-mx`` → ``es-MX``.

    Underscores are read as dashes (``pa_Arab`` → ``pa-Arab``), since people copy locale
    names. Surrounding spaces are ignored.

    :raises UnknownLanguage: the text is not a language tag at all.
    """
    match = _TAG_SHAPE.match(tag.strip()) if isinstance(tag, str) else None
    if match is None:
        raise UnknownLanguage(
            f"{tag!r} is not a language tag; use BCP 47 tags such as sw, bn, ur or es-MX."
        )
    language, script, region = match.groups()
    parts = [language.lower()]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def babel_name(tag: str) -> str:
    return tag.replace("-", "_")


@lru_cache(maxsize=512)
def cldr_knows(tag: str) -> bool:
    """True when CLDR has locale data for ``tag`` (``sw``, ``es-MX``; not ``ur-Latn``)."""
    from babel import localedata

    return localedata.exists(babel_name(tag))


@lru_cache(maxsize=512)
def script_of(tag: str) -> str | None:
    """The ISO 15924 script ``tag`` is written in: its own subtag, or CLDR's likely one."""
    from babel.core import get_global

    parts = tag.split("-")
    if len(parts) > 1 and len(parts[1]) == 4:
        return parts[1]
    likely: Mapping[str, str] = get_global("likely_subtags")
    for candidate in ("_".join(parts), parts[0]):
        expanded = likely.get(candidate)
        if expanded:
            pieces = expanded.split("_")
            if len(pieces) > 1 and len(pieces[1]) == 4:
                return pieces[1]
    return None


def babel_locale(tag: str) -> str:
    """The Babel locale name to format dates and numbers for ``tag``: its own when CLDR has
    it, else its base language's (``ur-Latn`` is formatted as ``ur``)."""
    return babel_name(tag if cldr_knows(tag) else tag.split("-")[0])
