"""Moved to :mod:`helplinekit.default_plugins.english`; this import path keeps working.

The hook implementations are not re-exported: the built-in plugin is registered once, from
its new module (see :data:`helplinekit.plugins.DEFAULT_PLUGINS`).
"""

from __future__ import annotations

from helplinekit.contracts.messages import ENGLISH_MESSAGES as MESSAGES
from helplinekit.default_plugins.english import build

__all__ = [
    "MESSAGES",
    "build",
]
