"""Validators and defaults shared by the domain classes (private to the domain package).

They follow the attrs validator signature ``(instance, attribute, value)`` and raise
:class:`~helplinekit.domain.errors.InvalidValue`. Messages name the class and the field, and
quote a value only when it is not survivor content (timestamps, codes, tags).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, TypeGuard

from attrs import Attribute, validators

from helplinekit.domain.errors import InvalidValue

#: Loose BCP 47 check: a 2–3 letter language, then optional subtags (script, region, variant).
LANGUAGE_TAG_RE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")

#: ISO 3166-1 alpha-2 country code, upper case (e.g. ``PK``).
COUNTRY_CODE_RE = re.compile(r"^[A-Z]{2}$")

#: Registered channel names are namespaced by plugin (``twilio.sms``, ``web.form``).
CHANNEL_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")

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


language_tag = matches(LANGUAGE_TAG_RE, "a BCP 47 language tag such as 'ur', 'en' or 'ur-PK'")
country_code = matches(COUNTRY_CODE_RE, "an ISO 3166-1 alpha-2 code in upper case, e.g. 'PK'")
channel_name = matches(
    CHANNEL_NAME_RE,
    "a registered channel name in lower case, e.g. 'twilio.sms' or 'web.form'",
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
