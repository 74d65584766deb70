"""Human case references such as ``HL-2026-000123``.

Cases are keyed by UUID; the reference is what staff read aloud, type and print. It is separate
from the id so it can be short, sequential per year, and prefixed per helpline.
"""

from __future__ import annotations

import re

from helplinekit.domain.errors import InvalidValue
from helplinekit.domain.names import REFERENCE_PREFIX_RE

#: PREFIX-YEAR-NUMBER: 2 to 6 capitals, a 4-digit year, a number from 1 zero-padded to at
#: least 6 digits (longer numbers carry no padding, so each number has one spelling).
CASE_REFERENCE_RE = re.compile(
    r"^(?P<prefix>[A-Z]{2,6})-(?P<year>[1-9][0-9]{3})-(?P<number>(?!0+$)[0-9]{6}|[1-9][0-9]{6,})$"
)
REFERENCE_FORM = "PREFIX-YEAR-NUMBER, e.g. HL-2026-000123"


def format_case_reference(year: int, number: int, prefix: str = "HL") -> str:
    """Return the reference for case ``number`` of ``year``, e.g. ``HL-2026-000123``.

    Raises:
        InvalidValue: the prefix is not 2 to 6 capitals, the year not 4 digits, or the
            number below 1.
    """
    if not isinstance(prefix, str) or not REFERENCE_PREFIX_RE.match(prefix):
        raise InvalidValue(
            f"Case reference prefix {prefix!r} is invalid: it must be 2 to 6 upper-case "
            "letters, e.g. 'HL'."
        )
    if not 1000 <= year <= 9999:
        raise InvalidValue(f"Case reference year {year} is invalid: it must have 4 digits.")
    if number < 1:
        raise InvalidValue(f"Case reference number {number} is invalid: numbers start at 1.")
    return f"{prefix}-{year}-{number:06d}"


def parse_case_reference(text: str) -> tuple[str, int, int]:
    """Split a reference into ``(prefix, year, number)``.

    Surrounding spaces and lower case are accepted, since staff type references by hand.

    Raises:
        InvalidValue: (a :class:`~helplinekit.domain.errors.DomainError`) the text is not a
            case reference.
    """
    match = CASE_REFERENCE_RE.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise InvalidValue(f"{text!r} is not a case reference; write it as {REFERENCE_FORM}.")
    return match["prefix"], int(match["year"]), int(match["number"])
