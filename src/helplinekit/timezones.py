"""The time zone a new deployment gets for its country, and suggestions for a mistyped one.

A helpline's opening hours, and every time the console shows, are in its time zone, so
``helplinekit init`` must choose well for a country with several: the zone where most of its
people live, from the table below. The first zone of CLDR's list, which init used before
(Asia/Jayapura for Indonesia, America/Chihuahua for Mexico), is often a small place.
"""

from __future__ import annotations

import difflib
from functools import cache

__all__ = [
    "MOST_POPULOUS_ZONE",
    "country_zones",
    "default_timezone",
    "not_a_timezone_message",
    "suggest_timezones",
    "timezone_choice_note",
]

# The zone where most of the people live, for every country that tzdata's zone1970.tab lists
# with more than one zone. Checked against tzdata 2025b (/usr/share/zoneinfo/zone1970.tab)
# and 2026f (the tzdata Python package): both list the same 33 countries, and
# tests/test_timezones.py fails when a newer tzdata adds one. Each zone is listed for its
# country in zone1970.tab or, where zone1970.tab files the country's people under a zone
# named after a neighbour with the same clock since 1970, zone.tab's own name for it
# (Africa/Kinshasa rather than Africa/Lagos): a deployment's helpline.toml should name a
# place in its own country. Population: the latest national census, or estimate where there
# is none, by the regions each zone covers (figures rounded; the source named per entry);
# where one region is plainly most of the country the entry says only that.
MOST_POPULOUS_ZONE: dict[str, str] = {
    # McMurdo Station (US, on New Zealand time) is the largest station, about 1,000 in summer.
    "AQ": "Antarctica/McMurdo",
    # Buenos Aires city and province: about 21 of 46 million (2022 census); every other zone
    # of Argentina keeps the same clock today.
    "AR": "America/Argentina/Buenos_Aires",
    # New South Wales is the most populous state, 8.3 of 27 million (ABS 2024).
    "AU": "Australia/Sydney",
    # The south-east, south and centre-west (GO, DF) hold over 60% of Brazil (IBGE 2022).
    "BR": "America/Sao_Paulo",
    # Ontario and Quebec (most areas): about 25 of 41 million (Statistics Canada 2024).
    "CA": "America/Toronto",
    # No census since 1984. Kinshasa, the capital and the most populous city (over 15
    # million), is in the west (UTC+1); provincial estimates put about as many people or more
    # in the east (Africa/Lubumbashi, UTC+2), so this entry is the least certain one.
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",  # most of Chile
    "CN": "Asia/Shanghai",  # Beijing time: all but Xinjiang's 26 of 1,410 million
    "CY": "Asia/Nicosia",  # most of Cyprus
    "DE": "Europe/Berlin",  # all of Germany but Büsingen, about 1,500 people
    "EC": "America/Guayaquil",  # mainland Ecuador; the Galápagos have about 30,000
    "ES": "Europe/Madrid",  # mainland Spain; the Canaries have 2.2 of 48 million
    # Chuuk is the most populous state (about 49,000 of 103,000, 2010 census) and shares
    # Yap's clock; Pohnpei and Kosrae are an hour ahead.
    "FM": "Pacific/Chuuk",
    "GL": "America/Nuuk",  # most of Greenland
    # Java and Sumatra: about 210 of 270 million (BPS 2020 census).
    "ID": "Asia/Jakarta",
    # The Gilbert Islands (South Tarawa, the capital): about nine in ten of 120,000 (2020
    # census).
    "KI": "Pacific/Tarawa",
    # Most of Kazakhstan; all its zones have kept UTC+5 since March 2024.
    "KZ": "Asia/Almaty",
    # All but Kwajalein Atoll (about 10,000 of 42,000, 2021 census), with Majuro, the capital.
    "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar",  # most of Mongolia; Hovd's zone covers three western provinces
    # Central Mexico: most states, with Mexico City, and most of the people (INEGI 2020).
    "MX": "America/Mexico_City",
    # Peninsular Malaysia: about 26 of 32 million (DOSM 2020 census).
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",  # all but the Chatham Islands, a few hundred people
    # The Society Islands (Tahiti): about 240,000 of 280,000 (ISPF 2022 census).
    "PF": "Pacific/Tahiti",
    "PG": "Pacific/Port_Moresby",  # all but Bougainville, about 300,000 of 10 million
    # The West Bank: about 3.3 million; the Gaza Strip: about 2.2 million (PCBS 2023).
    "PS": "Asia/Hebron",
    "PT": "Europe/Lisbon",  # mainland Portugal; the islands have about 500,000 of 10 million
    # Moscow time (MSK+00) covers most of European Russia: over half of 146 million (Rosstat).
    "RU": "Europe/Moscow",
    # Port-aux-Français on Kerguelen is the largest base (a few dozen to a hundred people).
    "TF": "Indian/Kerguelen",
    "UA": "Europe/Kyiv",  # most of Ukraine
    # No permanent population: Wake Island's airfield staff (about 100) outnumber Midway's.
    "UM": "Pacific/Wake",
    # Eastern time, the largest zone: nearly half of 330 million (state populations, 2020
    # census).
    "US": "America/New_York",
    # Tashkent, the capital and the most populous city; east and west have kept the same
    # clock since the early 1990s.
    "UZ": "Asia/Tashkent",
    # South Vietnam, with Ho Chi Minh City, the most populous city; north and south have kept
    # the same clock since 1975.
    "VN": "Asia/Ho_Chi_Minh",
}

# Above this many other zones the note gives an example instead of the whole list.
_ZONES_LISTED = 4


def country_zones(country: str) -> list[str]:
    """The country's time zones as CLDR names them (one for most countries)."""
    from babel.core import get_global

    return list(get_global("territory_zones").get(country.upper(), ()))


def default_timezone(country: str) -> str:
    """Where most of the country's people live; its one zone; or UTC if it has none."""
    country = country.upper()
    if country in MOST_POPULOUS_ZONE:
        return MOST_POPULOUS_ZONE[country]
    zones = country_zones(country)
    return zones[0] if zones else "UTC"


def timezone_choice_note(country: str, country_name: str, *, prompted: bool = False) -> str | None:
    """Which zone init chose for the country and how to choose another, if it has others.

    ``prompted``: the user is about to be asked, so they type another rather than pass
    ``--timezone``.
    """
    chosen = default_timezone(country)
    others = sorted(zone for zone in country_zones(country) if zone != chosen)
    if not others:
        return None
    if prompted:
        how, example = "Type another at the prompt to choose it", f"e.g. {others[0]}"
    else:
        how, example = "Pass --timezone to choose another", f"e.g. --timezone {others[0]}"
    if len(others) == 1:
        choose = f"{how}, {example}."
    elif len(others) <= _ZONES_LISTED:
        listed = ", ".join(others[:-1]) + " or " + others[-1]
        choose = f"{how}: {listed} ({example})."
    else:
        choose = f"{how} ({len(others)} more), {example}."
    return (
        f"{country_name} has several time zones; using {chosen}, where most people live. {choose}"
    )


@cache
def _known_zones() -> tuple[dict[str, str], set[str]]:
    """Every installed zone by its case-folded name, and the names countries use (canonical)."""
    from zoneinfo import available_timezones

    from babel.core import get_global

    by_folded = {zone.casefold(): zone for zone in available_timezones()}
    canonical = {zone for zones in get_global("territory_zones").values() for zone in zones}
    return by_folded, canonical


def suggest_timezones(value: str) -> list[str]:
    """Installed zones the user probably meant by ``value`` (a city, another case, a typo).

    "Nairobi" and "nairobi" give Africa/Nairobi, "New York" America/New_York, "Asia/Karchi"
    Asia/Karachi. At most three, the names countries use first (America/Indiana/Indianapolis
    before the old America/Indianapolis).
    """
    by_folded, canonical = _known_zones()
    key = value.strip().replace(" ", "_").casefold()
    if not key:
        return []
    if key in by_folded:
        found = [by_folded[key]]
    else:
        found = [zone for folded, zone in by_folded.items() if folded.rsplit("/", 1)[-1] == key]
    if not found:
        close = difflib.get_close_matches(key, by_folded, n=3, cutoff=0.8)
        found = [by_folded[folded] for folded in close]
    if not found:
        by_city: dict[str, list[str]] = {}
        for folded, zone in by_folded.items():
            by_city.setdefault(folded.rsplit("/", 1)[-1], []).append(zone)
        for city in difflib.get_close_matches(key, by_city, n=3, cutoff=0.8):
            found.extend(by_city[city])
    return sorted(found, key=lambda zone: (zone not in canonical, zone))[:3]


def not_a_timezone_message(value: str) -> str:
    """The error for a value that is not an installed zone, with the zone it probably means."""
    zones = suggest_timezones(value)
    if not zones:
        return (
            f"{value!r} is not a time zone; use an IANA name such as Asia/Karachi or "
            "Africa/Nairobi."
        )
    meant = zones[0] if len(zones) == 1 else ", ".join(zones[:-1]) + " or " + zones[-1]
    return f"{value!r} is not a time zone; did you mean {meant}?"
