"""The public pages in a real browser: the quick exit, and no request to another host.

A survivor may be watched. The quick exit must leave at once and leave no way back to the
form: with JavaScript it replaces the page in the history (so Back does not return to the
form), and without JavaScript it is a plain link and the form is sent ``no-store`` (so Back
fetches an empty form again). And no public page may make the browser talk to any host
but the helpline's: a request elsewhere tells a third party (and anyone reading its logs)
that this device visited a helpline.

These tests need no database variation (the browser sees the same pages either way), so
they run on SQLite only.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helplinekit.domain import CaseStatus

from .browser_kit import (
    BROWSER_MARKS,
    SURVIVOR_VIEWPORT,
    LiveServer,
    launch_chromium,
    overflow,
    submit,
)

pytestmark = [*BROWSER_MARKS, pytest.mark.database]


#: The page the survivor was on before the form: Back from the exit address lands here.
BEFORE = "/check?lang=en"
MESSAGE = "He has my photos and says he will send them to my family."
PASSPHRASE = "purple kettle morning"
CODE_RE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the browser sees the same pages on either database."""
    return f"sqlite:///{tmp_path / 'helpline.db'}"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _open_form(people, lang: str = "en", **options):
    """A survivor's fresh browser on the page before the form, then on the form."""
    page = people(viewport=SURVIVOR_VIEWPORT, **options).new_page()
    page.goto(BEFORE)
    page.goto(f"/form?lang={lang}")
    page.fill("#message", MESSAGE)
    page.fill("#passphrase", PASSPHRASE)
    return page


# -- the quick exit, with JavaScript ----------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_quick_exit_link_replaces_the_form_in_the_history(
    people, live_server: LiveServer, lang: str
) -> None:
    page = _open_form(people, lang)
    entries = page.evaluate("history.length")
    page.click("#quick-exit")
    page.wait_for_url(lambda url: url == live_server.exit_url)
    # location.replace: the exit address took the form's place instead of adding an entry.
    assert page.evaluate("history.length") == entries
    page.go_back()
    assert page.url == live_server.base_url + BEFORE, "Back returned to the form"


def test_pressing_shift_three_times_leaves_the_same_way(people, live_server: LiveServer) -> None:
    page = _open_form(people, "ur")
    entries = page.evaluate("history.length")
    page.focus("#message")  # typing in the form, as a survivor would be
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert urlsplit(page.url).path == "/form", "two presses must not leave"
    page.keyboard.press("Shift")
    page.wait_for_url(lambda url: url == live_server.exit_url)
    assert page.evaluate("history.length") == entries
    page.go_back()
    assert page.url == live_server.base_url + BEFORE, "Back returned to the form"


# -- the quick exit, without JavaScript ----------------------------------------------------------


def _leave_without_javascript(page, live_server: LiveServer) -> None:
    link = page.locator("#quick-exit")
    assert link.get_attribute("href") == "/exit"  # a plain link, through the exit redirect
    link.click()
    page.wait_for_url(lambda url: url == live_server.exit_url)


def test_without_javascript_the_link_leaves_and_back_fetches_an_empty_form(
    people, live_server: LiveServer
) -> None:
    """Playwright's chromium has no back/forward cache: this is the HTTP cache's part."""
    page = people(viewport=SURVIVOR_VIEWPORT, java_script_enabled=False).new_page()
    forms = []
    page.on("response", lambda r: forms.append(r) if urlsplit(r.url).path == "/form" else None)
    page.goto(BEFORE)
    page.goto("/form?lang=en")
    assert forms[0].headers["cache-control"] == "no-store"
    page.fill("#message", MESSAGE)
    page.fill("#passphrase", PASSPHRASE)
    _leave_without_javascript(page, live_server)
    page.go_back()
    assert urlsplit(page.url).path == "/form"
    assert len(forms) == 2, "Back showed the form from a cache instead of asking the server"
    assert page.input_value("#message") == ""
    assert page.input_value("#passphrase") == ""


@pytest.fixture(scope="module")
def browser_as_installed(playwright_session):
    """Chromium as a survivor runs it: with its back/forward cache (Playwright turns it off)."""
    launched = launch_chromium(
        playwright_session, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield launched
    launched.close()


#: Attempts in one browser: chromium may skip its back/forward cache the first time.
ATTEMPTS = 4


def test_without_javascript_back_shows_an_empty_form_in_chromium_as_installed(
    browser_as_installed, live_server: LiveServer
) -> None:
    """As survivors run chromium: every time, Back after the quick exit shows an empty form."""
    shown = []
    for _ in range(ATTEMPTS):
        context = browser_as_installed.new_context(
            base_url=live_server.base_url,
            ignore_https_errors=True,
            java_script_enabled=False,
            viewport=SURVIVOR_VIEWPORT,
        )
        try:
            page = context.new_page()
            page.goto(BEFORE)
            page.goto("/form?lang=en")
            page.fill("#message", MESSAGE)
            _leave_without_javascript(page, live_server)
            # A page restored from the back/forward cache fires no load event.
            page.go_back(wait_until="commit")
            page.wait_for_selector("#message", state="attached")
            page.wait_for_timeout(200)  # a form fetched again may still be arriving
            assert urlsplit(page.url).path == "/form"
            shown.append(page.input_value("#message"))
        finally:
            context.close()
    assert shown == [""] * ATTEMPTS, "Back showed the message the survivor typed"


# -- no request leaves the helpline's server ---------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_no_public_page_makes_a_request_to_another_host(
    people, live_server: LiveServer, lang: str
) -> None:
    context = people(viewport=SURVIVOR_VIEWPORT)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()

    page.goto(f"/form?lang={lang}")
    page.fill("#message", MESSAGE)
    page.check("input[name=consent_services]")
    page.fill("#passphrase", PASSPHRASE)
    submit(page, "form[action='/form']")  # the "sent" page
    code = CODE_RE.search(page.inner_text(".ack")).group(0)

    helpline = live_server.helpline
    [case] = helpline.list_cases(helpline.system()).cases
    assert case.status is CaseStatus.NEW
    helpline.queue_reply(helpline.system(), case.id, "We have read your message.")
    helpline.run_until_idle()

    page.click("main a[href^='/check']")  # the "check my case" page, from the sent page
    page.wait_for_url(f"**/check?lang={lang}")
    page.fill("#code", code)
    page.fill("#passphrase", PASSPHRASE)
    submit(page, "form[action='/check']")  # the replies page
    assert "We have read your message." in page.inner_text("main")
    page.goto(f"/staff/login?lang={lang}")  # the staff sign-in page is public too

    paths = {urlsplit(url).path for url in requests}
    # The recording saw every page and what they load (so an empty list proves nothing).
    assert {"/form", "/check", "/static/style.css", "/static/exit.js", "/staff/login"} <= paths
    assert "/static/console.css" in paths
    elsewhere = [url for url in requests if _origin(url) != live_server.origin]
    assert elsewhere == []


# -- the pages fit a phone's screen ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_the_public_pages_do_not_scroll_sideways_on_a_phone(
    people, live_server: LiveServer, lang: str
) -> None:
    page = people(viewport=SURVIVOR_VIEWPORT).new_page()
    widths = {}
    for path in (f"/check?lang={lang}", f"/form?lang={lang}"):
        page.goto(path)
        widths[path] = overflow(page)
    assert widths == dict.fromkeys(widths, 0), "pixels wider than the screen"
