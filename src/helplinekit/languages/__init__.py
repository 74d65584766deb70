"""Where the built-in English pack lived; it is now in :mod:`helplinekit.default_plugins`."""
