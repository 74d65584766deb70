"""Built-in channel plugins (the web form). Other channels live in ``plugins/``."""
