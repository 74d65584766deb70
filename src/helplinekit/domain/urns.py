"""Contact URNs: how a caller is reached on a channel (``tel:+923001234567``).

A URN is the key for finding a returning caller (through a blind index of its normalised
text), so every URN is kept in one normal form: :func:`parse_urn` normalises, and the
:class:`URN` class refuses a known scheme whose path is not in that form. The path identifies
a survivor, so it never appears in ``repr`` and error messages from the class never quote it.

A URN is something staff act on (they call it, they write to it), so it holds only visible
characters: no text-direction controls, no invisible format characters (not even ZWNJ/ZWJ,
which belong inside words, not addresses), no control characters and no lone surrogates
(see :func:`helplinekit.domain._validation.character_kind`). Where people type a contact
point, :func:`parse_urn` can also be told which schemes the helpline can reach anyone on.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from typing import Any

from attrs import Attribute, field, frozen

from helplinekit.domain._validation import check_contact_text
from helplinekit.domain.errors import InvalidURN, InvalidValue, UnknownScheme
from helplinekit.domain.markers import N_
from helplinekit.domain.names import EMAIL_RE

#: Schemes the core understands; plugins may use any other name matching URN_SCHEME_RE.
KNOWN_URN_SCHEMES: frozenset[str] = frozenset(
    {"tel", "whatsapp", "telegram", "facebook", "mailto", "signal", "web"}
)
URN_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]{1,31}$")

_E164_RE = re.compile(r"^\+[1-9][0-9]{5,14}$")
_WHATSAPP_RE = re.compile(r"^[1-9][0-9]{5,14}$")
_WEB_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Separators people type inside phone numbers; a WhatsApp id is the bare digits.
_PHONE_SEPARATORS_RE = re.compile(r"[\s().-]")

_EXAMPLE = "e.g. tel:+923001234567 or mailto:name@example.org"

_UNKNOWN_SCHEME = N_(
    "This helpline cannot reach anyone through “%(scheme)s”. Start the address with one of: "
    "%(allowed)s, e.g. tel:+923001234567."
)


def _is_normal(scheme: str, path: str) -> bool:
    """Tell whether ``path`` is already in the normal form for ``scheme``."""
    if scheme == "tel":
        return bool(_E164_RE.match(path))
    if scheme == "whatsapp":
        return bool(_WHATSAPP_RE.match(path))
    if scheme == "mailto":
        return bool(EMAIL_RE.match(path)) and path == path.lower()
    if scheme == "web":
        return bool(_WEB_TOKEN_RE.match(path))
    if scheme == "signal":
        return bool(_UUID_RE.match(path) or _E164_RE.match(path))
    # telegram, facebook and plugin schemes: an opaque id, trimmed.
    return path == path.strip()


def _check_scheme(instance: URN, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"URN.scheme must be a str, got {type(value).__name__}.")
    if not URN_SCHEME_RE.match(value):
        raise InvalidURN(
            f"URN scheme {value!r} is invalid: it must be 2 to 32 lower-case letters, digits "
            "or '+.-', starting with a letter, e.g. 'tel' or 'whatsapp'."
        )


def _check_path(instance: URN, attribute: Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise TypeError(f"URN.path must be a str, got {type(value).__name__}.")
    if not value.strip():
        raise InvalidURN(f"URN path for scheme '{instance.scheme}' must not be empty.")
    check_contact_text(value)
    if not _is_normal(instance.scheme, value):
        raise InvalidURN(
            f"URN path for scheme '{instance.scheme}' is not in normal form; "
            "build URNs from text with parse_urn()."
        )


@frozen
class URN:
    """A normalised contact point on one channel.

    Equal URNs denote the same contact point, so URNs can be compared, hashed and used to find
    a returning caller.

    Attributes:
        scheme: The kind of address, e.g. ``tel``, ``whatsapp``, ``mailto`` or a plugin's own.
        path: The address itself, in normal form. Sensitive: never shown by ``repr``.
    """

    scheme: str = field(validator=_check_scheme)
    path: str = field(repr=False, validator=_check_path)

    def __str__(self) -> str:
        return f"{self.scheme}:{self.path}"

    def redacted(self) -> str:
        """Return the URN with its path hidden (``tel:…``), safe for logs and audit entries."""
        return f"{self.scheme}:…"


def _phone_e164(text: str, scheme: str, raw: str, default_region: str | None) -> str:
    # Imported here: phonenumbers costs tens of milliseconds, and importing the domain
    # (e.g. for ``helplinekit --help``) should not pay for it.
    import phonenumbers

    fix = f"write the number in international form, e.g. {scheme}:+923001234567" + (
        "" if default_region else ", or set the deployment's default region"
    )
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidURN(f"{text!r} is not a phone number; {fix}.") from None
    # "Possible" (a plausible length for the country), not "valid": numbering plans change
    # faster than the library's data, and a survivor's message must never be refused
    # because their number is from a range the data does not know yet.
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise InvalidURN(f"{text!r} is not a valid phone number; {fix}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalise_path(text: str, scheme: str, raw: str, default_region: str | None) -> str:
    if scheme == "tel":
        return _phone_e164(text, scheme, raw, default_region)
    if scheme == "whatsapp":
        digits = _PHONE_SEPARATORS_RE.sub("", raw).removeprefix("+")
        if not _WHATSAPP_RE.match(digits):
            raise InvalidURN(
                f"{text!r} is not a WhatsApp id; write the number in international form "
                "with digits only, e.g. whatsapp:923001234567."
            )
        return digits
    if scheme == "mailto":
        address = raw.lower()
        if not EMAIL_RE.match(address):
            raise InvalidURN(
                f"{text!r} is not an email address; write one address with a single '@', "
                "e.g. mailto:name@example.org."
            )
        return address
    if scheme == "web":
        if not _WEB_TOKEN_RE.match(raw):
            raise InvalidURN(
                f"{text!r} is not a web-form token; it may hold only letters, digits, '_' and '-'."
            )
        return raw
    if scheme == "signal":
        if raw.startswith("+"):
            return _phone_e164(text, scheme, raw, None)
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise InvalidURN(
                f"{text!r} is not a Signal account; use the account's UUID or its "
                "number in international form, e.g. signal:+923001234567."
            ) from None
    # telegram, facebook and plugin schemes carry an opaque provider id.
    return raw


def parse_urn(
    text: str, *, default_region: str | None = None, schemes: Collection[str] | None = None
) -> URN:
    """Read ``scheme:path`` text into a normalised :class:`URN`.

    Normal forms: ``tel`` → E.164 (``tel:+923001234567``); ``whatsapp`` → digits only;
    ``mailto`` → lower case with one ``@``; ``signal`` → UUID or E.164; ``web`` → the token as
    is; ``telegram``, ``facebook`` and plugin schemes → the id, trimmed.

    Args:
        text: What a channel or a person supplied, e.g. ``"tel:+92 300 1234567"``.
        default_region: ISO 3166-1 alpha-2 region used to read a ``tel`` number written in
            national form (``tel:0300 1234567`` with ``"PK"``).
        schemes: the schemes to accept, where a person typed the contact point (see
            :func:`helplinekit.contracts.channel.contact_schemes`); None accepts any
            well-formed scheme (what a channel plugin or the database supplies).

    Raises:
        UnsafeCharacter: the text holds a character that could make it pass for another
            contact point (U+202E, U+200B, NUL, a lone surrogate); checked first, on the whole
            text, because a phone-number parser would otherwise drop some of them silently.
        UnknownScheme: ``schemes`` is given and does not hold the text's scheme.
        InvalidURN: the text has no scheme, an empty path, or a path the scheme cannot accept.
        InvalidValue: ``default_region`` is not a region the phone-number library knows.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_urn takes a str, got {type(text).__name__}.")
    if default_region is not None:
        import phonenumbers  # lazily, as in _phone_e164

        default_region = default_region.upper()
        if default_region not in phonenumbers.SUPPORTED_REGIONS:
            raise InvalidValue(
                f"Default region {default_region!r} is not a known region; use an ISO 3166-1 "
                "alpha-2 code such as 'PK'."
            )
    check_contact_text(text)
    stripped = text.strip()
    scheme, sep, raw = stripped.partition(":")
    scheme = scheme.strip().lower()
    if not sep or not scheme:
        raise InvalidURN(f"{text!r} has no scheme; write it as scheme:value, {_EXAMPLE}.")
    if not URN_SCHEME_RE.match(scheme):
        raise InvalidURN(
            f"{text!r} has an invalid scheme {scheme!r}; a scheme is 2 to 32 lower-case "
            f"letters, digits or '+.-', {_EXAMPLE}."
        )
    if schemes is not None and scheme not in schemes:
        raise UnknownScheme(scheme, schemes, _UNKNOWN_SCHEME)
    raw = raw.strip()
    if not raw:
        raise InvalidURN(f"{text!r} has nothing after '{scheme}:'; {_EXAMPLE}.")
    return URN(scheme, _normalise_path(text, scheme, raw, default_region))
