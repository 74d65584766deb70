"""The deployment's referral directory: ``referrals.csv`` beside ``helpline.toml``.

It starts as a copy of the partners the installed plugins know (``helplinekit init`` seeds
it) and then belongs to the helpline's staff: they add local partners and record when they
last checked each entry. Entries in the file replace plugin entries with the same key.

Columns (the first line is the header, in this order):

=================  ==================================================================
``key``            namespaced, lower case: ``pk.legal_aid_lahore``, ``intl.stopncii``
``name``           the organisation's name
``services``       short keys separated by ``;``: ``legal_aid;counselling``
``regions``        ISO 3166-1 alpha-2 codes (or ISO 3166-2 like ``PK-PB``) separated by
                   ``;``, or ``*`` for worldwide
``languages``      BCP 47 tags separated by ``;``: ``ur;en``
``eligibility``    who it helps, in plain words
``contact``        how to reach it (its public phone or address)
``url``            its website, ``https://…``, or empty
``last_verified``  the day someone checked the entry, ``YYYY-MM-DD``, or empty
                   (shown as unverified)
=================  ==================================================================
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from helplinekit.domain import ReferralPartner
from helplinekit.domain.errors import ConfigurationError
from helplinekit.domain.names import LANGUAGE_TAG_RE, NAMESPACED_NAME_RE, REGION_RE

FILENAME = "referrals.csv"
COLUMNS = (
    "key",
    "name",
    "services",
    "regions",
    "languages",
    "eligibility",
    "contact",
    "url",
    "last_verified",
)
_SERVICE = re.compile(r"^[a-z0-9_]{2,40}$")


class DirectoryError(ConfigurationError):
    """``referrals.csv`` has a mistake; the message names the line, the column and the fix."""


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def parse_directory(
    text: str, *, source: str = FILENAME, today: date | None = None
) -> list[ReferralPartner]:
    """Read the directory; raise :class:`DirectoryError` at the first bad value."""
    today = today or date.today()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise DirectoryError(
            f"{source} is empty; it needs the header line: {','.join(COLUMNS)}"
        ) from None
    if tuple(h.strip() for h in header) != COLUMNS:
        raise DirectoryError(
            f"{source} line 1: the header must be exactly {','.join(COLUMNS)} (found "
            f"{','.join(header)})."
        )
    partners: list[ReferralPartner] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue

        def fail(column: str, problem: str, *, line: int = number) -> DirectoryError:
            return DirectoryError(f"{source} line {line}, column '{column}': {problem}")

        if len(row) != len(COLUMNS):
            raise DirectoryError(
                f"{source} line {number}: {len(row)} columns, expected {len(COLUMNS)}; quote "
                "values that contain commas."
            )
        values = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
        key = values["key"]
        if not NAMESPACED_NAME_RE.match(key):
            raise fail("key", f"{key!r} is not a namespaced key such as 'pk.legal_aid'.")
        if key in seen:
            raise fail("key", f"{key!r} is already used on line {seen[key]}.")
        seen[key] = number
        if not values["name"]:
            raise fail("name", "is empty.")
        services = _split(values["services"])
        if not services:
            raise fail("services", "lists no service; e.g. legal_aid;counselling.")
        for service in services:
            if not _SERVICE.match(service):
                raise fail("services", f"{service!r} is not a short key (lower case, _).")
        regions = _split(values["regions"])
        if not regions:
            raise fail("regions", "lists no region; use * for worldwide.")
        for region in regions:
            if not REGION_RE.match(region):
                raise fail("regions", f"{region!r} is not an ISO 3166 code (PK, PK-PB) or *.")
        languages = _split(values["languages"])
        for tag in languages:
            if not LANGUAGE_TAG_RE.match(tag):
                raise fail("languages", f"{tag!r} is not a BCP 47 tag such as ur or en.")
        url = values["url"] or None
        if url is not None and not url.startswith("https://"):
            raise fail("url", f"{url!r} must start with https://, or be empty.")
        verified = None
        if values["last_verified"]:
            try:
                verified = date.fromisoformat(values["last_verified"])
            except ValueError:
                raise fail(
                    "last_verified", f"{values['last_verified']!r} is not a date; write YYYY-MM-DD."
                ) from None
            if verified > today:
                raise fail("last_verified", f"{verified} is in the future.")
        if not values["contact"] and url is None:
            raise fail("contact", "is empty and there is no url: say how to reach the partner.")
        partners.append(
            ReferralPartner(
                key=key,
                name=values["name"],
                services=tuple(services),
                regions=tuple(regions),
                languages=tuple(languages),
                eligibility=values["eligibility"],
                contact=values["contact"],
                url=url,
                last_verified=verified,
            )
        )
    return partners


def load_directory(folder: Path) -> list[ReferralPartner] | None:
    """The deployment's directory, or None when it has no ``referrals.csv``."""
    path = folder / FILENAME
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError(f"{path} is not UTF-8 text; save it as UTF-8 CSV.") from None
    return parse_directory(text, source=str(path))


def render_directory(partners: Iterable[ReferralPartner]) -> str:
    """The CSV text for these partners (header first), as ``init`` seeds it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for partner in partners:
        writer.writerow(
            [
                partner.key,
                partner.name,
                ";".join(partner.services),
                ";".join(partner.regions),
                ";".join(partner.languages),
                partner.eligibility,
                partner.contact,
                partner.url or "",
                partner.last_verified.isoformat() if partner.last_verified else "",
            ]
        )
    return buffer.getvalue()
