"""The browser tests' fixtures (a live https server, chromium, a context per person)."""

from .browser_kit import browser, live_server, people, playwright_session

__all__ = ["browser", "live_server", "people", "playwright_session"]
