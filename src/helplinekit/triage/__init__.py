"""Where the built-in triage plugins lived; they are now in :mod:`helplinekit.default_plugins`."""
