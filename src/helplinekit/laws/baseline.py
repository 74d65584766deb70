"""Moved to :mod:`helplinekit.default_plugins.baseline`; this import path keeps working.

The hook implementations are not re-exported: the built-in plugin is registered once, from
its new module (see :data:`helplinekit.plugins.DEFAULT_PLUGINS`).
"""

from __future__ import annotations

from helplinekit.default_plugins.baseline import (
    DISCLAIMER,
    EVIDENCE_GUIDANCE,
    KEY,
    build,
)

__all__ = [
    "DISCLAIMER",
    "EVIDENCE_GUIDANCE",
    "KEY",
    "build",
]
