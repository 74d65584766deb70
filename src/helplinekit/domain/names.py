"""Names and tags, each written once: BCP 47 language tags, namespaced plugin names, codes.

Every layer checks these with the patterns here (configuration, registries, contracts,
the referral directory, the scaffolding commands, the domain's validators), so a name one
place accepts is never refused by another. Part of the domain: it imports nothing else of
helplinekit.
"""

from __future__ import annotations

import re

__all__ = [
    "CHANNEL_NAME_RE",
    "COUNTRY_CODE_RE",
    "EMAIL_RE",
    "LANGUAGE_TAG_RE",
    "LOGGED_CONTACT_CHANNELS",
    "NAMESPACED_NAME_RE",
    "REFERENCE_PREFIX_RE",
    "REGION_RE",
    "SCRIPT_RE",
    "STORED_LANGUAGE_TAG_RE",
    "is_language_tag",
    "is_namespaced",
    "is_plugin_channel_name",
]

#: A BCP 47 tag as helplinekit uses them: a 2–3 letter language, an optional ISO 15924
#: script, an optional region (``ur``, ``pa-Arab``, ``ur-PK``, ``es-419``). Languages are
#: enabled, registered and listed under such tags.
LANGUAGE_TAG_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")

#: The looser BCP 47 shape the domain accepts on stored values (a case's language, a staff
#: member's languages): any subtags of 2–8 letters or digits, in either case. Rows written
#: before the stricter check must stay readable.
STORED_LANGUAGE_TAG_RE = re.compile(r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$")

#: An ISO 15924 script code (``Arab``, ``Latn``).
SCRIPT_RE = re.compile(r"^[A-Z][a-z]{3}$")

#: An ISO 3166-1 alpha-2 country code, upper case (``PK``).
COUNTRY_CODE_RE = re.compile(r"^[A-Z]{2}$")

#: What a plugin registers under: lower case, namespaced by the plugin with a dot
#: (``acme.sms``, ``kenya.ke``, ``intl.stopncii``). Channels, jurisdictions, referral
#: partners and key providers are named so.
NAMESPACED_NAME_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")

#: The channels of contacts staff log by hand (a call, a walk-in): the core's own, not
#: registered by a plugin, so not namespaced.
LOGGED_CONTACT_CHANNELS = frozenset({"phone", "in_person"})

#: Where a message or contact came in: a registered channel (namespaced, at most 64
#: characters: ``twilio.sms``, ``web.form``) or one of :data:`LOGGED_CONTACT_CHANNELS`.
CHANNEL_NAME_RE = re.compile(r"^(phone|in_person|(?=.{3,64}$)[a-z0-9_]+(\.[a-z0-9_-]+)+)$")


#: A case-reference prefix: two to six capital letters (``HL`` in ``HL-2026-000123``).
REFERENCE_PREFIX_RE = re.compile(r"^[A-Z]{2,6}$")

#: An email address as helplinekit accepts it: something, one ``@``, something, no spaces.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")

#: Where a referral partner works: an ISO 3166 country or subdivision, or ``*`` (worldwide).
REGION_RE = re.compile(r"^(\*|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")


def is_language_tag(value: object) -> bool:
    """True when ``value`` is a BCP 47 tag as :data:`LANGUAGE_TAG_RE` describes."""
    return isinstance(value, str) and LANGUAGE_TAG_RE.match(value) is not None


def is_plugin_channel_name(value: object) -> bool:
    """True when a channel plugin may register under ``value``: namespaced, 64 characters at
    most, so every message that comes in on it passes :data:`CHANNEL_NAME_RE`."""
    return is_namespaced(value) and len(str(value)) <= 64


def is_namespaced(value: object) -> bool:
    """True when ``value`` is a namespaced name as :data:`NAMESPACED_NAME_RE` describes."""
    return isinstance(value, str) and NAMESPACED_NAME_RE.match(value) is not None
