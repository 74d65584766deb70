"""Built-in law plugins: the default taxonomy and the international baseline jurisdiction."""
