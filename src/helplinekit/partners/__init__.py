"""Referral partners: the deployment's own directory (the built-in international partners are
in :mod:`helplinekit.default_plugins.international`)."""
