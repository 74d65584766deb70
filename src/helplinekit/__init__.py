"""helplinekit: a helpline for victims of online harassment, in a box.

A plugin starts with::

    from helplinekit import hookimpl

and implements hooks from :mod:`helplinekit.hookspecs`.
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

PROJECT_NAME = "helplinekit"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
