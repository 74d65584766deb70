"""Where the built-in laws lived; they are now in :mod:`helplinekit.default_plugins`."""
