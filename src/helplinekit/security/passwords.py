"""Staff credentials: passwords, one-time codes (TOTP) and recovery codes.

Passwords are hashed with Argon2id (19 MiB, t = 2, p = 1, OWASP's baseline). There are no
composition rules, only a length: at least 8 characters and at most 1024, so a passphrase of
several ordinary words is welcome. Passwords are NFKC-normalised first, so the same
passphrase typed on two keyboards gives the same hash.

One-time codes follow RFC 6238 (30-second steps, 6 digits, one step of clock drift either
way). :func:`match_totp` returns the time step a code belongs to, so the caller can refuse any
code whose step is not later than the last one accepted: each code works once.

Recovery codes are random (12 characters of Crockford's base 32, 60 bits) and kept only as
SHA-256 hashes salted with the staff member's id.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import secrets
import unicodedata
import uuid
from datetime import datetime

import pyotp
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from helplinekit.domain.errors import InvalidValue

__all__ = [
    "ARGON2_MEMORY_KIB",
    "ARGON2_PARALLELISM",
    "ARGON2_TIME_COST",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "RECOVERY_CODE_COUNT",
    "TOTP_DIGITS",
    "TOTP_INTERVAL",
    "TOTP_WINDOW",
    "PasswordRejected",
    "check_password",
    "dummy_hash",
    "dummy_verify",
    "hash_password",
    "hash_recovery_code",
    "match_recovery_code",
    "match_totp",
    "needs_rehash",
    "new_recovery_codes",
    "new_totp_secret",
    "normalise_password",
    "normalise_recovery_code",
    "rehash_password",
    "totp_code",
    "totp_step",
    "totp_uri",
    "verify_password",
]

# -- passwords -----------------------------------------------------------------------------

#: Argon2id parameters: at least OWASP's baseline (m = 19 MiB, t = 2, p = 1).
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
_HASH_LEN = 32
_SALT_LEN = 16

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024

_hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=_HASH_LEN,
    salt_len=_SALT_LEN,
    type=Type.ID,
)


class PasswordRejected(InvalidValue):
    """A new password is too short or too long (the only rules there are)."""


def normalise_password(password: str) -> str:
    """NFKC, so one passphrase typed on different keyboards or systems hashes alike."""
    return unicodedata.normalize("NFKC", password)


def check_password(password: str) -> str:
    """Return the normalised password, or raise :class:`PasswordRejected` saying why."""
    if not isinstance(password, str):
        raise TypeError(f"A password must be a str, got {type(password).__name__}.")
    normalised = normalise_password(password)
    if len(normalised) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters. There are no other "
            "rules: a passphrase of a few ordinary words is easy to remember and strong "
            f"(up to {MAX_PASSWORD_LENGTH} characters)."
        )
    if len(normalised) > MAX_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"A password can have at most {MAX_PASSWORD_LENGTH} characters; long passphrases "
            "are welcome up to that length."
        )
    return normalised


def hash_password(password: str) -> str:
    """Check the length rules and return the Argon2id hash (PHC string format)."""
    return _hasher.hash(check_password(password))


def rehash_password(password: str) -> str:
    """Hash a password that was already accepted (at sign-in, to upgrade an old hash)."""
    return _hasher.hash(normalise_password(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a damaged hash never matches."""
    normalised = normalise_password(password)
    if len(normalised) > MAX_PASSWORD_LENGTH:
        # No stored password is this long; spend the same time and say no.
        dummy_verify()
        return False
    try:
        return _hasher.verify(stored_hash, normalised)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password nobody knows, made once per process."""
    return _hasher.hash(secrets.token_urlsafe(32))


def dummy_verify() -> None:
    """Spend the time of one verification, for accounts that do not exist or have no password."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(dummy_hash(), secrets.token_urlsafe(16))


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash is weaker than today's parameters (a stronger one is kept)."""
    try:
        params = extract_parameters(stored_hash)
    except InvalidHashError:
        return True
    return (
        params.type is not Type.ID
        or params.version < 19
        or params.memory_cost < ARGON2_MEMORY_KIB
        or params.time_cost < ARGON2_TIME_COST
        or params.hash_len < _HASH_LEN
        or params.salt_len < _SALT_LEN
    )


# -- one-time codes (TOTP, RFC 6238) -------------------------------------------------------

TOTP_INTERVAL = 30
TOTP_DIGITS = 6
#: Steps of clock drift accepted either side of the current one.
TOTP_WINDOW = 1


def new_totp_secret() -> str:
    """A new base-32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)


def totp_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually from a QR code)."""
    return _totp(secret).provisioning_uri(name=account, issuer_name=issuer)


def totp_step(at: datetime) -> int:
    """The RFC 6238 time step holding ``at`` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("totp_step needs an aware datetime.")
    return int(at.timestamp()) // TOTP_INTERVAL


def totp_code(secret: str, step: int) -> str:
    """The code for one time step (for tests and tools)."""
    return _totp(secret).generate_otp(step)


def _digits(code: str) -> str | None:
    cleaned = "".join(code.split())
    if len(cleaned) == TOTP_DIGITS and cleaned.isascii() and cleaned.isdigit():
        return cleaned
    return None


def match_totp(secret: str, code: str, at: datetime, *, after_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid at ``at`` and later than ``after_step``.

    Every step in the window is compared in constant time, so the time taken does not say
    which step (if any) matched. ``None`` means refused: a wrong code, a code outside the
    window, or a code already used (its step is not after ``after_step``).
    """
    digits = _digits(code)
    if digits is None:
        return None
    totp = _totp(secret)
    now = totp_step(at)
    found = None
    for step in range(now - TOTP_WINDOW, now + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits) and (
            after_step is None or step > after_step
        ):
            found = step
    return found


# -- recovery codes ------------------------------------------------------------------------

#: Crockford's base 32: no I, L, O or U, so codes read aloud or copied by hand survive.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_GROUPS = 3
_RECOVERY_GROUP_LENGTH = 4  # 3 × 4 characters × 5 bits = 60 bits
RECOVERY_CODE_COUNT = 10
_CONFUSABLE = str.maketrans({"o": "0", "i": "1", "l": "1"})


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """``count`` random codes like ``7kq2-m9xd-4hvb`` (60 bits each)."""
    codes = []
    for _ in range(count):
        groups = [
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LENGTH))
            for _ in range(_RECOVERY_GROUPS)
        ]
        codes.append("-".join(groups))
    return codes


def normalise_recovery_code(code: str) -> str | None:
    """The code's 12 characters in lower case, or None if it cannot be a recovery code.

    Dashes, spaces and case do not matter; O, I and L are read as 0, 1 and 1.
    """
    cleaned = "".join(code.split()).replace("-", "").lower().translate(_CONFUSABLE)
    length = _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH
    if len(cleaned) != length or any(ch not in _RECOVERY_ALPHABET for ch in cleaned):
        return None
    return cleaned


def hash_recovery_code(staff_id: uuid.UUID, code: str) -> str:
    """SHA-256 of the normalised code, salted with the staff id (60 random bits need no more)."""
    normalised = normalise_recovery_code(code)
    if normalised is None:
        raise ValueError("Not a recovery code.")
    material = b"helplinekit-recovery-code:v1\x00" + staff_id.bytes + normalised.encode("ascii")
    return hashlib.sha256(material).hexdigest()


def match_recovery_code(staff_id: uuid.UUID, code: str, stored: list[str]) -> str | None:
    """The stored hash ``code`` matches (to be removed: each code works once), or None."""
    if normalise_recovery_code(code) is None:
        return None
    candidate = hash_recovery_code(staff_id, code)
    found = None
    for item in stored:
        if hmac.compare_digest(item, candidate):
            found = item
    return found
