"""Built-in language plugins (English, the source language)."""
