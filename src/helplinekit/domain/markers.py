"""The gettext marker the domain uses for text translated where it is shown."""

from __future__ import annotations

__all__ = ["N_"]


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it unchanged.

    For text kept in a data structure and translated where it is used, e.g. the survivor
    message templates: ``MESSAGES = {"ack.received": N_("Thank you …")}``. It lives in the
    domain, which imports nothing else of helplinekit; :mod:`helplinekit.i18n` re-exports it.
    """
    return message
