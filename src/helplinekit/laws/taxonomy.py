"""Moved to :mod:`helplinekit.default_plugins.taxonomy`; this import path keeps working.

The module holds only hook implementations, which are not re-exported: the built-in plugin
is registered once, from its new module (see :data:`helplinekit.plugins.DEFAULT_PLUGINS`).
"""
