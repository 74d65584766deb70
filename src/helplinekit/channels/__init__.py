"""Where the built-in web form lived; it is now in :mod:`helplinekit.default_plugins`."""
