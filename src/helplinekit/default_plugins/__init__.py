"""The built-in plugins, registered exactly as a third-party plugin is.

Each module here is listed in :data:`helplinekit.plugins.DEFAULT_PLUGINS` and registered
under its module path: the default taxonomy and the international baseline jurisdiction,
English (the source language), the web form, the international referral partners, the
keyword risk reader and the default router. Disable one with ``HELPLINEKIT_DISABLE_PLUGINS``.
"""
