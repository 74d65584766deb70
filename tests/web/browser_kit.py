"""Fixtures and helpers for the browser tests: a live https server and Debian's chromium.

Playwright drives the system's chromium (``/usr/bin/chromium``); it never downloads one.
Without it the browser tests are skipped, unless ``HELPLINEKIT_REQUIRE_BROWSER=1`` (CI),
where a missing browser fails them instead.

A test module binds the fixtures it uses (an assignment, so ruff sees no unused import
shadowed by a test's argument), and marks itself::

    from . import browser_kit

    pytestmark = [*browser_kit.BROWSER_MARKS, pytest.mark.database]
    browser = browser_kit.browser
    live_server = browser_kit.live_server
    people = browser_kit.people
    playwright_session = browser_kit.playwright_session

``live_server`` is the helpline (English and Urdu, Pakistan's law, the web form) served by
uvicorn over https with a self-signed certificate, in a thread of the test process, so a
test can also call ``helpline.run_until_idle()`` and read the database directly. Its quick
exit address (``[web] exit_url``) is a page on the server itself, so no test ever makes the
browser leave 127.0.0.1. ``people()`` opens a new browser context (a fresh profile: no
cookies, no history) for each person in a test; ``sign_in`` signs a staff member in through
the login page.

Playwright starts chromium without its back/forward cache (``--disable-back-forward-cache``
is one of its defaults); a test about what Back shows a survivor must launch chromium as
installed (``launch_chromium(playwright, ignore_default_args=[...])``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..tls import make_self_signed
from .console_kit import PASSWORD, StaffLogin

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

    from helplinekit.api import Helpline

__all__ = [
    "BROWSER_MARKS",
    "CHROMIUM",
    "EXIT_PATH",
    "LAUNCH_ARGS",
    "STAFF_VIEWPORT",
    "SURVIVOR_VIEWPORT",
    "LiveServer",
    "browser",
    "copy_pngs",
    "html_dir",
    "launch_chromium",
    "live_server",
    "overflow",
    "people",
    "playwright_session",
    "screenshot",
    "screenshot_folder",
    "sign_in",
    "submit",
]

CHROMIUM = Path(os.environ.get("HELPLINEKIT_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("HELPLINEKIT_REQUIRE_BROWSER", "") not in ("", "0")
#: No sandbox (containers), no GPU, and nothing the browser would fetch on its own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: The quick exit leaves for this page of the test server itself (a page that is not the
#: form, so leaving it is visible), never for a real site.
EXIT_PATH = "/static/style.css?left=1"
START_TIMEOUT = 20.0
#: How long a browser action may wait (a slow CI machine, PostgreSQL, an argon2 hash).
ACTION_TIMEOUT_MS = 15_000
STAFF_VIEWPORT = {"width": 1280, "height": 900}
SURVIVOR_VIEWPORT = {"width": 480, "height": 900}


def _browser_unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-core)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-test.txt)"
    return None


_UNAVAILABLE = _browser_unavailable()

#: The marks of every browser test module: skipped (whole module) without a browser, unless
#: HELPLINEKIT_REQUIRE_BROWSER=1, where the ``browser`` fixture fails instead.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        _UNAVAILABLE is not None and not REQUIRE_BROWSER,
        reason=f"browser tests skipped: {_UNAVAILABLE}",
    ),
]


def launch_chromium(playwright: Any, **options: Any) -> Browser:
    """Debian's chromium, headless, with :data:`LAUNCH_ARGS`."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True, **options
    )


class _Shared:
    """Playwright and its chromium, shared by every module that imports the fixtures.

    Each module that imports ``playwright_session`` holds its own (session-scoped) copy of
    the fixture, and Playwright's sync API cannot be started twice at once: the copies
    share one instance, started by the first and stopped when the last is torn down.
    """

    users = 0
    playwright: Playwright | None = None
    browser: Browser | None = None


@contextlib.contextmanager
def _shared_playwright() -> Iterator[Playwright]:
    if _Shared.users == 0:
        from playwright.sync_api import sync_playwright

        _Shared.playwright = sync_playwright().start()
    _Shared.users += 1
    try:
        yield _Shared.playwright
    finally:
        _Shared.users -= 1
        if _Shared.users == 0:
            if _Shared.browser is not None:
                _Shared.browser.close()
                _Shared.browser = None
            _Shared.playwright.stop()
            _Shared.playwright = None


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    """Playwright, once per test session."""
    if _UNAVAILABLE is not None:
        message = f"browser tests need a browser: {_UNAVAILABLE}"
        if REQUIRE_BROWSER:
            pytest.fail(f"{message} (HELPLINEKIT_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    with _shared_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Browser:
    """One chromium for the whole test session (each person gets a new context)."""
    if _Shared.browser is None:
        _Shared.browser = launch_chromium(playwright_session)
    return _Shared.browser


# -- the live server ---------------------------------------------------------------------------


@dataclass
class LiveServer:
    """The helpline served over https on 127.0.0.1 (``base_url`` has no trailing slash)."""

    base_url: str
    helpline: Helpline
    exit_url: str

    @property
    def origin(self) -> str:
        return self.base_url


def _configure(toml: Path, exit_url: str) -> None:
    """English and Urdu, Pakistan's law and partners, the quick exit on this server."""
    text = toml.read_text(encoding="utf-8")
    replacements = {
        '[languages]\nenabled = ["en"]': '[languages]\nenabled = ["en", "ur"]',
        'key = "intl.baseline"': 'key = "pakistan.pk"',
    }
    for old, new in replacements.items():
        assert old in text, f"tests/conftest.py's helpline.toml changed: no {old!r}"
        text = text.replace(old, new)
    text += f'\n[web]\nexit_url = "{exit_url}"\nrate_limit = 100\n'
    toml.write_text(text, encoding="utf-8")


@pytest.fixture
def live_server(
    deployment: Path, open_helpline: Callable[..., Helpline], plugin_manager: Any, tmp_path: Path
) -> Iterator[LiveServer]:
    """The test deployment served by uvicorn (https, self-signed) in a thread."""
    import helplinekit_pakistan
    import helplinekit_urdu
    import uvicorn

    from helplinekit.web import create_app

    # The port is known only once bound, and the exit address (read when the app is made)
    # names it: bind first, then write the configuration, then open the helpline.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"https://127.0.0.1:{sock.getsockname()[1]}"
    exit_url = base_url + EXIT_PATH
    _configure(deployment / "helpline.toml", exit_url)
    plugin_manager.register(helplinekit_urdu, name="urdu")
    plugin_manager.register(helplinekit_pakistan, name="pakistan")
    plugin_manager.check_pending()
    helpline = open_helpline()
    certfile, keyfile = make_self_signed(tmp_path / "tls")
    config = uvicorn.Config(
        create_app(helpline),
        ssl_certfile=str(certfile),
        ssl_keyfile=str(keyfile),
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            pytest.fail(f"the test server did not start within {START_TIMEOUT:.0f} s")
        time.sleep(0.02)
    try:
        yield LiveServer(base_url=base_url, helpline=helpline, exit_url=exit_url)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "the test server did not stop"


# -- people: one browser context each ----------------------------------------------------------


@pytest.fixture
def people(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., BrowserContext]]:
    """``people(**options)``: a new browser context (a new person, a fresh profile).

    Contexts trust the self-signed certificate, resolve relative URLs against the server,
    and are all closed at the end of the test (before the server stops).
    """
    opened: list[BrowserContext] = []

    def new_person(**options: Any) -> BrowserContext:
        options.setdefault("viewport", STAFF_VIEWPORT)
        context = browser.new_context(
            base_url=live_server.base_url, ignore_https_errors=True, **options
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        opened.append(context)
        return context

    yield new_person
    for context in opened:
        context.close()


def submit(page: Page, form: str, *, status: int = 200) -> None:
    """Press ``form``'s submit button and wait for the page it leads to (after redirects).

    Fails with the page's error message when the answer is not ``status``.
    """
    with page.expect_navigation() as navigation:
        page.locator(form).locator("button[type=submit]").first.click()
    response = navigation.value
    got = response.status if response is not None else None
    if got != status:
        alert = page.locator("[role=alert]")
        shown = alert.first.inner_text() if alert.count() else page.inner_text("body")[:500]
        raise AssertionError(f"{form}: expected HTTP {status}, got {got}: {shown!r}")


def sign_in(
    new_person: Callable[..., BrowserContext],
    login: StaffLogin,
    *,
    before_submit: Callable[[Page], None] | None = None,
) -> Page:
    """A new context in which ``login`` signs in through the login page; its page.

    ``before_submit(page)`` runs on the filled-in login page (e.g. to take a screenshot).
    """
    page = new_person().new_page()
    page.goto("/staff/login")
    page.fill("#email", login.email)
    page.fill("#password", PASSWORD)
    page.fill("#code", login.code())
    if before_submit is not None:
        before_submit(page)
    submit(page, "form[action='/staff/login']")
    assert re.search(r"/staff/(queue|account)$", page.url), page.url
    assert page.locator(".logout .who").inner_text().strip() == login.specialist.display_name
    return page


def html_dir(page: Page) -> str | None:
    """The ``dir`` attribute of the page's ``<html>``."""
    return page.locator("html").get_attribute("dir")


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def screenshot(page: Page, path: Path) -> str | None:
    """A full-page PNG of ``page`` at ``path``; returns the page's ``<html dir>``.

    A right-to-left page that overflows to the left (see ``overflow``) is captured as the
    column the reader sees on opening it (its right-hand end), not as a mostly empty image
    as wide as the overflow: chromium's capture of such a page is offset, and a 10,000 px
    wide PNG shows nothing. The overflow itself is a bug the public-page tests report.
    """
    direction = html_dir(page)
    extra = overflow(page)
    if direction == "rtl" and extra > 0:
        width, height = page.evaluate(
            "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
        )
        clip = {"x": extra, "y": 0, "width": width, "height": height}
        page.screenshot(path=path, full_page=True, clip=clip)
    else:
        page.screenshot(path=path, full_page=True)
    return direction


def screenshot_folder(tmp_path: Path) -> Path:
    """``$HELPLINEKIT_SCREENSHOTS``, or ``tmp_path/screenshots``; created."""
    folder = Path(os.environ.get("HELPLINEKIT_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def copy_pngs(source: Path, target: Path, names: list[str]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(source / f"{name}.png", target / f"{name}.png")
