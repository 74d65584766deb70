"""The errors helplinekit raises on purpose, for plugins and faces to catch or raise.

Every one descends from :class:`HelplinekitError`; its message is fit for the person who
caused it. They are defined in the domain (which imports nothing else of ours) and gathered
here so a plugin writes ``from helplinekit.errors import NotFound``.
"""

from __future__ import annotations

from helplinekit.domain.errors import (
    AccessDenied,
    ConfigurationError,
    Conflict,
    DomainError,
    HelplinekitError,
    InvalidValue,
    NotFound,
)

__all__ = [
    "AccessDenied",
    "ConfigurationError",
    "Conflict",
    "DomainError",
    "HelplinekitError",
    "InvalidValue",
    "NotFound",
]
