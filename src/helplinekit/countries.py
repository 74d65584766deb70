"""The country code a user meant when they typed a name ("Pakistan", "PAK", "Turkey")."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

__all__ = ["not_a_country_message", "suggest_countries"]

# English names people use that ISO 3166 (and so pycountry) no longer or never listed.
_OTHER_NAMES = {
    "britain": "GB",
    "burma": "MM",
    "cape verde": "CV",
    "dr congo": "CD",
    "drc": "CD",
    "east timor": "TL",
    "great britain": "GB",
    "holland": "NL",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "turkey": "TR",
    "uk": "GB",
}


def _folded(text: str) -> str:
    """Lower case without accents, so "Turkiye" finds Türkiye and "Cote" Côte d'Ivoire."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _country_names() -> dict[str, str]:
    """Each country's folded names (name, official and common name) to its alpha-2 code."""
    import pycountry

    names = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names[_folded(name)] = country.alpha_2
    return names


def suggest_countries(value: str) -> list[str]:
    """The alpha-2 codes ``value`` probably means, best first (at most three).

    A name in any case or an alpha-3 code gives its country, and any other whose name has it
    as a word ("Congo" gives both Congos); the start of a name's word ("Russia" for the
    Russian Federation, "Korea" for both) or a typo ("Pakistn") gives every close one.
    """
    import pycountry

    key = _folded(value)
    names = _country_names()
    exact: str | None
    try:
        exact = pycountry.countries.lookup(value.strip()).alpha_2
    except LookupError:
        exact = _OTHER_NAMES.get(key) or names.get(key)
    if exact is not None:
        return list(dict.fromkeys([exact, *_countries_named(key, whole_word=True)]))[:3]
    found = _countries_named(key, whole_word=False) if len(key) >= 4 else []
    if not found:
        found = [names[name] for name in difflib.get_close_matches(key, names, n=3, cutoff=0.8)]
    return list(dict.fromkeys(found))[:3]


def _countries_named(key: str, *, whole_word: bool) -> list[str]:
    """Countries with ``key`` in their own names as a word, or as the start of a word."""
    import pycountry

    # search_fuzzy also matches subdivisions ("Punjab" gives India and Pakistan), which are
    # not what was asked, and parts of words ("Oman" in Romania): the regex keeps words.
    pattern = re.compile(rf"\b{re.escape(key)}" + (r"\b" if whole_word else ""))
    try:
        candidates = pycountry.countries.search_fuzzy(key)
    except LookupError:
        return []
    return [
        country.alpha_2
        for country in candidates
        if any(
            pattern.search(_folded(name))
            for name in (country.name, getattr(country, "common_name", ""))
            if name
        )
    ]


def not_a_country_message(value: str) -> str:
    """The error for a value that is not an alpha-2 code, with the code it probably means."""
    from helplinekit.deployment import country_name

    codes = suggest_countries(value)
    if not codes:
        return (
            f"{value!r} is not a country code; use ISO 3166-1 alpha-2, e.g. PK for Pakistan or "
            "KE for Kenya."
        )
    options = [f"{code} ({country_name(code)})" for code in codes]
    meant = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
    return f"{value!r} is not a country code; did you mean {meant}?"
