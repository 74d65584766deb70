"""The rules a new staff password must meet, for faces that check it before sending it on.

The rules themselves live in :mod:`helplinekit.security.passwords`; a face checks a password
here while the operator is still typing it, so a rejected one is asked for again. The public
form checks a survivor's passphrase against the same limits and hashes it here, before the
transaction that stores it opens (Argon2id is slow on purpose).
"""

from __future__ import annotations

from helplinekit.security.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PasswordRejected,
    check_password,
    hash_password,
    normalise_password,
)

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PasswordRejected",
    "check_new_password",
    "hash_password",
    "normalise_password",
]


def check_new_password(password: str) -> str:
    """The password, normalised, or :class:`PasswordRejected` saying which rule it breaks."""
    return check_password(password)
