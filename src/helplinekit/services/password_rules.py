"""The rules a new staff password must meet, for faces that check it before sending it on.

The rules themselves live in :mod:`helplinekit.security.passwords`; a face checks a password
here while the operator is still typing it, so a rejected one is asked for again.
"""

from __future__ import annotations

from helplinekit.security.passwords import PasswordRejected, check_password

__all__ = ["PasswordRejected", "check_new_password"]


def check_new_password(password: str) -> str:
    """The password, normalised, or :class:`PasswordRejected` saying which rule it breaks."""
    return check_password(password)
