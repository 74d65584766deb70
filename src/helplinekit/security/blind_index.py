"""Blind indexes: find a returning caller, or a duplicate delivery, without plaintext in SQL.

A caller's contact points are encrypted, so the database cannot search them. Instead each
normalised URN gets a *blind index*: an HMAC-SHA256 under a key kept outside the database
(separate from the key-encryption key), truncated so that a lookup returns a few candidates.
The candidates are decrypted to confirm the match. Truncation is deliberate: a stolen
database then shows which rows *might* share a contact point, never which ones do.

Provider message ids are kept as full-length HMACs instead: de-duplicating webhook
deliveries must be exact.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from attrs import Attribute, field, frozen
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from helplinekit.contracts.keys import KEY_BYTES
from helplinekit.domain.urns import URN

__all__ = [
    "DEFAULT_BITS",
    "INDEX_VERSION",
    "MAX_BITS",
    "MIN_BITS",
    "BlindIndex",
    "MessageIdHasher",
    "derive_key",
]

#: The URN index's version, stored as the ``v1:`` prefix of every value. A new version (new
#: key derivation, normalisation or size) is computed beside the old one while rows migrate.
INDEX_VERSION = 1

# Sizing, by CipherSweet's planning rule: with R indexed rows and L bits kept, a lookup
# returns about C = R / 2**L false candidates; aim for 2 <= C < sqrt(R). C >= 2 means equal
# index values do not prove the same caller; C < sqrt(R) keeps a lookup to a few rows to
# decrypt. L = 16 gives C = 1.5 at R = 1e5 and C = 15 at R = 1e6 (sqrt(R) = 316 and 1000);
# it meets the rule for R from 131,072 (C = 2) up to about 4e9 (C = sqrt(R) = 65,536).
# A helpline expecting fewer rows should configure fewer bits (L = 15 at R = 1e5; L = 12
# at R = 1e4, C = 2.4), one expecting more can keep 16. Changing the bits changes every
# value, so it needs a new index version and a re-index, like any other change.
DEFAULT_BITS = 16
#: Allowed truncation: under 8 bits every lookup decrypts a large share of all callers; over
#: 64 bits the index would identify callers one-to-one.
MIN_BITS = 8
MAX_BITS = 64


def _length_prefixed(*parts: bytes) -> bytes:
    # A 4-byte length before each part: ("ab", "c") and ("a", "bc") must never collide.
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def _check_key(value: object, what: str) -> None:
    # Never quote the value: it is key material.
    if not isinstance(value, bytes):
        raise TypeError(f"{what} must be bytes, got {type(value).__name__}.")
    if len(value) != KEY_BYTES:
        raise ValueError(f"{what} must be {KEY_BYTES} bytes, got {len(value)} bytes.")


def _key_validator(instance: Any, attribute: Attribute[Any], value: object) -> None:
    _check_key(value, attribute.name)


def _int_in(low: int, high: int) -> Any:
    def check(instance: Any, attribute: Attribute[Any], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{attribute.name} must be an int, got {type(value).__name__}.")
        if not low <= value <= high:
            raise ValueError(f"{attribute.name} must be from {low} to {high}, got {value}.")

    return check


def _non_empty_str(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}.")
    if not value:
        raise ValueError(f"{what} must not be empty.")
    return value.encode("utf-8")


def derive_key(index_key: bytes, purpose: str) -> bytes:
    """Derive an independent 32-byte key for one purpose from the blind-index key.

    HKDF-SHA256 with ``info = b"helplinekit:" + purpose``: keys for different purposes (or
    versions of one purpose) reveal nothing about each other or about ``index_key``.
    """
    _check_key(index_key, "index_key")
    info = b"helplinekit:" + _non_empty_str(purpose, "purpose")
    # No salt: the input is already a uniformly random key, which is what HKDF's extract
    # step would otherwise have to produce.
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(index_key)


@frozen
class BlindIndex:
    """The truncated HMAC of a normalised contact URN, used to find a returning caller.

    Attributes:
        key: The HMAC key for this index version. Secret: hidden from repr.
        version: The index version, the ``v1:`` prefix of every value.
        bits: How many bits of the HMAC are kept (see ``DEFAULT_BITS`` for the sizing rule).
    """

    key: bytes = field(repr=False, validator=_key_validator)
    version: int = field(default=INDEX_VERSION, validator=_int_in(1, 2**31 - 1))
    bits: int = field(default=DEFAULT_BITS, validator=_int_in(MIN_BITS, MAX_BITS))

    @classmethod
    def from_index_key(
        cls, index_key: bytes, *, bits: int = DEFAULT_BITS, version: int = INDEX_VERSION
    ) -> BlindIndex:
        """Build the index from the provider's blind-index key.

        Each version gets its own key (``derive_key(index_key, "urn-index:v<version>")``),
        so values of two versions are unrelated.
        """
        return cls(key=derive_key(index_key, f"urn-index:v{version}"), version=version, bits=bits)

    def of_urn(self, urn: URN) -> str:
        """Return the index value of ``urn``, e.g. ``"v1:3fa2"``.

        The hex part has ``ceil(bits / 4)`` digits holding exactly ``bits`` bits (the top bits
        of HMAC-SHA256 over ``str(urn)``). A :class:`URN` is always in normal form, so every
        way of writing one number gives one value.
        """
        if not isinstance(urn, URN):
            # A raw string might not be normalised, and would then never match.
            raise TypeError(f"of_urn takes a URN (see parse_urn), got {type(urn).__name__}.")
        digest = hmac.digest(self.key, str(urn).encode("utf-8"), hashlib.sha256)
        # The top `bits` bits of the digest; shifting (not masking the hex) leaves exactly
        # `bits` significant bits, so the value space is 2**bits as the sizing assumes.
        value = int.from_bytes(digest[:8], "big") >> (64 - self.bits)
        return f"v{self.version}:{value:0{(self.bits + 3) // 4}x}"


@frozen
class MessageIdHasher:
    """Keeps a channel provider's message id as a keyed hash, for exact de-duplication.

    Attributes:
        key: The HMAC key. Secret: hidden from repr.
    """

    key: bytes = field(repr=False, validator=_key_validator)

    @classmethod
    def from_index_key(cls, index_key: bytes) -> MessageIdHasher:
        """Build the hasher from the provider's blind-index key."""
        return cls(key=derive_key(index_key, "provider-message-id:v1"))

    def of(self, channel: str, provider_message_id: str) -> str:
        """Return the 64-hex-digit HMAC-SHA256 of ``(channel, provider_message_id)``.

        Not truncated: two different deliveries must never look like one.
        """
        message = _length_prefixed(
            _non_empty_str(channel, "channel"),
            _non_empty_str(provider_message_id, "provider_message_id"),
        )
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()
