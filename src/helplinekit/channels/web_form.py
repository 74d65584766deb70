"""Moved to :mod:`helplinekit.default_plugins.web_form`; this import path keeps working.

The hook implementations are not re-exported: the built-in plugin is registered once, from
its new module (see :data:`helplinekit.plugins.DEFAULT_PLUGINS`).
"""

from __future__ import annotations

from helplinekit.default_plugins.web_form import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_TOKEN_MAX_AGE,
    HONEYPOT_FIELD,
    NAME,
    TOKEN_VERSION,
    WebFormChannel,
    check_form_token,
    issue_form_token,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_MESSAGE_CHARS",
    "DEFAULT_TOKEN_MAX_AGE",
    "HONEYPOT_FIELD",
    "NAME",
    "TOKEN_VERSION",
    "WebFormChannel",
    "check_form_token",
    "issue_form_token",
]
