"""The default time zone of every country, checked against this machine's tzdata.

zone1970.tab lists the zones that have differed since 1970 and the countries each covers;
zone.tab gives each country's own names for them (Africa/Kinshasa for the zone zone1970.tab
files under Africa/Lagos). A default must be one of its country's zones in either file, and
keep the same clock as a zone1970.tab zone of that country since 1970.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from helplinekit.deployment import defaults_for_country
from helplinekit.timezones import MOST_POPULOUS_ZONE, default_timezone


def _tables(name: str) -> list[Path]:
    """Every copy of a tzdata table here: the system's, and the tzdata package's."""
    folders = [Path(folder) for folder in zoneinfo.TZPATH]
    try:
        import tzdata

        folders.append(Path(tzdata.__file__).parent / "zoneinfo")
    except ImportError:
        pass
    return [folder / name for folder in folders if (folder / name).is_file()]


def _zones_by_country(table: Path) -> dict[str, list[str]]:
    zones: dict[str, list[str]] = defaultdict(list)
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        codes, _coordinates, zone, *_comments = line.split("\t")
        # One zone may serve several countries: "KE,DJ,ER,ET,KM,MG,SO,TZ,UG,YT".
        for code in codes.split(","):
            zones[code].append(zone)
    return dict(zones)


ZONE1970 = _tables("zone1970.tab")
ZONE_TAB = _tables("zone.tab")
pytestmark = pytest.mark.skipif(not ZONE1970, reason="no zone1970.tab on this machine")


def _own_names(code: str) -> set[str]:
    return {zone for table in ZONE_TAB for zone in _zones_by_country(table).get(code, [])}


@cache
def _offsets_since_1970(zone: str) -> tuple[timedelta | None, ...]:
    """The zone's UTC offset four times a month, twice a day, from 1970 to 2037."""
    info = zoneinfo.ZoneInfo(zone)
    instants = (
        datetime(year, month, day, hour, tzinfo=UTC)
        for year in range(1970, 2038)
        for month in range(1, 13)
        for day in (1, 8, 15, 22)
        for hour in (0, 12)
    )
    return tuple(instant.astimezone(info).utcoffset() for instant in instants)


def _same_clock_as_one_of(zone: str, zones: list[str]) -> bool:
    return any(_offsets_since_1970(zone) == _offsets_since_1970(other) for other in zones)


@pytest.mark.parametrize("table", ZONE1970, ids=str)
def test_every_country_with_several_zones_has_a_default(table: Path) -> None:
    several = {code for code, zones in _zones_by_country(table).items() if len(zones) > 1}
    missing = sorted(several - set(MOST_POPULOUS_ZONE))
    assert missing == [], (
        f"{table} lists several zones for {missing}: add the one where most people live to "
        "MOST_POPULOUS_ZONE in src/helplinekit/timezones.py"
    )


@pytest.mark.parametrize("table", ZONE1970, ids=str)
def test_each_default_is_one_of_its_countrys_zones(table: Path) -> None:
    by_country = _zones_by_country(table)
    wrong = {
        code: zone
        for code, zone in MOST_POPULOUS_ZONE.items()
        if zone not in {*by_country.get(code, []), *_own_names(code)}
        or not _same_clock_as_one_of(zone, by_country.get(code, []))
    }
    assert wrong == {}, f"not a zone of its country in {table} (or zone.tab): {wrong}"


@pytest.mark.parametrize("table", ZONE1970, ids=str)
def test_a_country_with_one_zone_gets_that_zone(table: Path) -> None:
    wrong = {}
    for code, zones in _zones_by_country(table).items():
        if len(zones) != 1:
            continue
        chosen = defaults_for_country(code, ["en"])["timezone"]
        # Norway's own name Europe/Oslo rather than Europe/Berlin, whose clock it keeps.
        if chosen not in {zones[0], *_own_names(code)} or not _same_clock_as_one_of(chosen, zones):
            wrong[code] = (chosen, zones[0])
    assert wrong == {}, f"chosen, and the one zone of zone1970.tab: {wrong}"


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("ID", "Asia/Jakarta"),
        ("MX", "America/Mexico_City"),
        ("US", "America/New_York"),
        ("RU", "Europe/Moscow"),
        ("BR", "America/Sao_Paulo"),
        ("AU", "Australia/Sydney"),
        ("CA", "America/Toronto"),
        ("KZ", "Asia/Almaty"),
        ("CD", "Africa/Kinshasa"),
        ("KE", "Africa/Nairobi"),
        ("PK", "Asia/Karachi"),
        ("pk", "Asia/Karachi"),
    ],
)
def test_the_default_is_where_most_people_live(country: str, zone: str) -> None:
    assert defaults_for_country(country, ["en"])["timezone"] == zone


def test_a_place_without_a_zone_gets_utc() -> None:
    assert default_timezone("BV") == "UTC"  # Bouvet Island: uninhabited, no zone of its own
