"""Validators and defaults shared by the domain classes (private to the domain package).

They follow the attrs validator signature ``(instance, attribute, value)`` and raise
:class:`~helplinekit.domain.errors.InvalidValue`. Messages name the class and the field, and
quote a value only when it is not survivor content (timestamps, codes, tags).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any, TypeGuard

from attrs import Attribute, validators

from helplinekit.domain.errors import InvalidValue, UnsafeCharacter
from helplinekit.domain.markers import N_
from helplinekit.domain.names import CHANNEL_NAME_RE, COUNTRY_CODE_RE, STORED_LANGUAGE_TAG_RE

is_uuid = validators.instance_of(uuid.UUID)
optional_uuid = validators.optional(is_uuid)


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC (the default for timestamps)."""
    return datetime.now(UTC)


def _where(instance: object, attribute: Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def aware_datetime(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Require a timezone-aware ``datetime``: naive times are ambiguous across offices."""
    if not isinstance(value, datetime):
        raise TypeError(
            f"{_where(instance, attribute)} must be a datetime, got {type(value).__name__}."
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(
            f"{_where(instance, attribute)} must be timezone-aware, got the naive time "
            f"{value.isoformat()}; use datetime.now(UTC) or attach a tzinfo."
        )


optional_aware_datetime = validators.optional(aware_datetime)


def not_blank(instance: object, attribute: Attribute[Any], value: object) -> None:
    """Require a string with at least one non-space character (never quoted: may be content)."""
    if not isinstance(value, str):
        raise TypeError(f"{_where(instance, attribute)} must be a str, got {type(value).__name__}.")
    if not value.strip():
        raise InvalidValue(f"{_where(instance, attribute)} must not be empty or blank.")


optional_not_blank = validators.optional(not_blank)


def matches(pattern: re.Pattern[str], rule: str) -> Any:
    """Build a validator requiring ``pattern`` to match; ``rule`` explains it in the message."""

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise TypeError(
                f"{_where(instance, attribute)} must be a str, got {type(value).__name__}."
            )
        if not pattern.match(value):
            raise InvalidValue(
                f"{_where(instance, attribute)} {value!r} is invalid: it must be {rule}."
            )

    return check


language_tag = matches(
    STORED_LANGUAGE_TAG_RE, "a BCP 47 language tag such as 'ur', 'en' or 'ur-PK'"
)
country_code = matches(COUNTRY_CODE_RE, "an ISO 3166-1 alpha-2 code in upper case, e.g. 'PK'")
channel_name = matches(
    CHANNEL_NAME_RE,
    "a registered channel name, namespaced in lower case (e.g. 'twilio.sms' or 'web.form'), "
    "or 'phone' or 'in_person' for a contact logged by staff",
)


def tuple_of(member: Any) -> Any:
    """Validator for a tuple whose members each pass ``member``."""
    return validators.deep_iterable(
        member_validator=member, iterable_validator=validators.instance_of(tuple)
    )


def frozenset_of(member: Any) -> Any:
    """Validator for a frozenset whose members each pass ``member``."""
    return validators.deep_iterable(
        member_validator=member, iterable_validator=validators.instance_of(frozenset)
    )


def no_duplicates(instance: object, attribute: Attribute[Any], value: tuple[Any, ...]) -> None:
    """Reject a tuple that holds the same item twice (without quoting it: may be content)."""
    if len(set(value)) != len(value):
        raise InvalidValue(f"{_where(instance, attribute)} lists the same item twice.")


def _is_aware(value: object) -> TypeGuard[datetime]:
    return isinstance(value, datetime) and value.utcoffset() is not None


def in_order(earlier_field: str, later_field: str) -> Any:
    """Validator for both fields: the optional later datetime must not precede the earlier one.

    Attach it to both fields so the rule also holds when either is assigned on its own: the
    value being set is combined with the other field's current value.
    """

    def check(instance: object, attribute: Attribute[Any], value: datetime | None) -> None:
        earlier = value if attribute.name == earlier_field else getattr(instance, earlier_field)
        later = value if attribute.name == later_field else getattr(instance, later_field)
        if not (_is_aware(earlier) and _is_aware(later)):
            return  # missing, or naive: aware_datetime on that field reports it
        if later < earlier:
            raise InvalidValue(
                f"{type(instance).__name__}.{later_field} ({later.isoformat()}) is before "
                f"{earlier_field} ({earlier.isoformat()})."
            )

    return check


def at_least(minimum: int) -> Any:
    """Validator: an ``int`` (not a ``bool``) no smaller than ``minimum``."""

    def check(instance: object, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(
                f"{_where(instance, attribute)} must be an int, got {type(value).__name__}."
            )
        if value < minimum:
            raise InvalidValue(
                f"{_where(instance, attribute)} must be at least {minimum}, got {value}."
            )

    return check


def require_aware(name: str, value: object) -> None:
    """Check a timestamp argument of a method (validators only cover fields)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}.")
    if value.utcoffset() is None:
        raise InvalidValue(
            f"{name} must be timezone-aware, got the naive time {value.isoformat()}; "
            "use datetime.now(UTC) or attach a tzinfo."
        )


# -- characters that let text pass for other text --------------------------------------------

#: The text-direction controls (embeddings, overrides, isolates, marks), named explicitly so
#: they are caught whatever Unicode version ``unicodedata`` knows. U+202E RIGHT-TO-LEFT
#: OVERRIDE shows ``+923001234567`` as ``765432100329+``.
DIRECTION_CONTROLS: frozenset[str] = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

#: Invisible characters outside the format category (Cf) that are used to fake blanks or to
#: pad a look-alike: the Hangul fillers, the combining grapheme joiner, the Khmer inherent
#: vowels, the Mongolian variation selectors and the variation selectors.
INVISIBLE_CHARACTERS: frozenset[str] = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)

#: Format characters (Cf) that belong inside words of particular scripts and change how the
#: word looks rather than hiding anything: ZWNJ and ZWJ (Persian, Urdu, the Indic scripts,
#: emoji sequences), the Arabic and Syriac marks that span a number, the Egyptian
#: hieroglyph, shorthand and musical format controls. Allowed in free text, never in a URN.
WORD_FORMAT_CHARACTERS: frozenset[str] = frozenset(
    "\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd"
    + "".join(chr(c) for c in range(0x13430, 0x13440))
    + "".join(chr(c) for c in range(0x1BCA0, 0x1BCA4))
    + "".join(chr(c) for c in range(0x1D173, 0x1D17B))
)

#: Names ``unicodedata`` does not give (control characters have none, only aliases).
_CONTROL_NAMES = {
    "\x00": "NULL",
    "\t": "CHARACTER TABULATION",
    "\n": "LINE FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}

_MESSAGES = {
    "direction": N_(
        "The address or number contains an invisible text-direction control "
        "(%(character)s) that can make it look like a different one. Type it again "
        "instead of copying and pasting it."
    ),
    "invisible": N_(
        "The address or number contains an invisible character (%(character)s) that can "
        "make it look like a different one. Type it again instead of copying and pasting it."
    ),
    "control": N_(
        "The address or number contains a control character (%(character)s) that cannot "
        "be part of it. Type it again instead of copying and pasting it."
    ),
    "unreadable": N_(
        "The address or number contains a character that could not be read "
        "(%(character)s). Type it again instead of copying and pasting it."
    ),
}


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def describe_character(character: str) -> str:
    """Name a character for people: ``"U+202E RIGHT-TO-LEFT OVERRIDE"``."""
    code = ord(character)
    if unicodedata.category(character) == "Cs":
        name = "SURROGATE"  # half of a UTF-16 pair on its own; it has no name
    else:
        name = unicodedata.name(character, "") or _CONTROL_NAMES.get(character, "")
    return f"U+{code:04X} {name}".rstrip()


def character_kind(character: str) -> str | None:
    """Say why ``character`` may not be part of a contact point, or None when it may.

    ``"direction"`` for a text-direction control, ``"invisible"`` for another invisible
    character (format characters, Cf, including ZWNJ/ZWJ: a URN is not a word; line and
    paragraph separators), ``"control"`` for a control character (Cc, e.g. NUL) and
    ``"unreadable"`` for what cannot be stored as UTF-8 or stands for a character that was
    lost on the way (a lone surrogate, U+FFFD REPLACEMENT CHARACTER, a noncharacter).
    """
    if character in DIRECTION_CONTROLS:
        return "direction"
    category = unicodedata.category(character)
    if category == "Cs" or character == "\ufffd" or _is_noncharacter(ord(character)):
        return "unreadable"
    if category == "Cc":
        return "control"
    if category in ("Cf", "Zl", "Zp") or character in INVISIBLE_CHARACTERS:
        return "invisible"
    return None


def check_contact_text(text: str) -> None:
    """Refuse text meant as a contact point if it holds a character that lets it pass for
    another one (see :func:`character_kind`).

    Raises:
        UnsafeCharacter: naming the first such character and the fix, never the text.
    """
    for character in text:
        kind = character_kind(character)
        if kind is not None:
            raise UnsafeCharacter(character, kind, _MESSAGES[kind], describe_character(character))


def is_hidden_control(character: str) -> bool:
    """Tell whether ``character`` in free text (a message, a note) changes or hides what
    staff see without showing itself: the direction controls, format characters other than
    the in-word ones (:data:`WORD_FORMAT_CHARACTERS`), control characters other than tab and
    line breaks, lone surrogates and noncharacters."""
    if character in DIRECTION_CONTROLS:
        return True
    if character in WORD_FORMAT_CHARACTERS or character in "\t\n\r":
        return False
    category = unicodedata.category(character)
    return category in ("Cf", "Cc", "Cs") or _is_noncharacter(ord(character))
