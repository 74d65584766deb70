"""Sign-in through the console cannot lock staff out (issue 11, point 5).

The staff member's own browser becomes a *known device* after a sign-in with both factors
(a ``__Host-`` cookie); wrong sign-ins from elsewhere slow only the clients they come from.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from helplinekit.db.models import KnownDeviceRow
from helplinekit.domain import Role
from helplinekit.services.auth import ACCOUNT_FREE_FAILURES, ATTACK_THRESHOLD, FREE_FAILURES

from .console_kit import PASSWORD, add_staff_member, console_client, csrf_of, sign_in

pytestmark = pytest.mark.database

DEVICE_COOKIE = "__Host-hk_device"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
HOME = "198.51.100.7"
ATTACKER = "203.0.113.66"


@pytest.fixture
def console(deployment, open_helpline, plugin_manager):
    """The console in English and Urdu."""
    import helplinekit_urdu

    plugin_manager.register(helplinekit_urdu, name="urdu")
    plugin_manager.check_pending()
    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    assert 'enabled = ["en"]' in text
    toml.write_text(text.replace('enabled = ["en"]', 'enabled = ["en", "ur"]', 1))
    # The clock stands still (each wait lasts for the whole test); codes are computed from
    # the real time, within the step of drift allowed.
    now = datetime.now(UTC)
    return open_helpline(clock=lambda: now)


def _set_cookies(response) -> dict:
    found = {}
    for header in response.headers.get_list("set-cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        found.update(cookie)
    return found


def _post_sign_in(client, email: str, password: str, code: str, language: str = "en"):
    page = client.get(f"/staff/login?lang={language}")
    fields = {
        "csrf": csrf_of(page.text),
        "email": email,
        "password": password,
        "code": code,
        "language": language,
    }
    return client.post("/staff/login", data=fields)


def _attack(console, email: str, attempts: int, address: str = ATTACKER) -> list[int]:
    """Wrong sign-ins with only the email, from one browser at ``address``."""
    attacker = console_client(console, address=address)
    return [
        _post_sign_in(attacker, email, "guessed password", "123456").status_code
        for _ in range(attempts)
    ]


def _attack_from_many(console, email: str) -> None:
    """Enough wrong sign-ins from several addresses that every unknown device must wait."""
    for number in range(ACCOUNT_FREE_FAILURES // FREE_FAILURES):
        _attack(console, email, FREE_FAILURES, address=f"192.0.2.{number + 1}")


def _sign_out(client) -> None:
    csrf = csrf_of(client.get("/staff/account").text)
    assert client.post("/staff/logout", data={"csrf": csrf}).status_code == 303


def test_the_device_cookie_is_host_prefixed_long_lived_and_stored_only_hashed(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    browser = console_client(console, address=HOME, user_agent=FIREFOX)
    response = _post_sign_in(browser, login.email, PASSWORD, login.code())
    assert response.status_code == 303
    cookie = _set_cookies(response)[DEVICE_COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/"
    assert cookie["samesite"].lower() == "strict" and not cookie["domain"]
    assert int(cookie["max-age"]) >= 90 * 24 * 3600
    token = cookie.value.rpartition(".")[0]
    with console.context.database.uow(read_only=True) as uow:
        (stored,) = uow.session.scalars(select(KnownDeviceRow.token_hash)).all()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored and cookie.value not in stored

    # A first sign-in with the password alone (setting up the authenticator) is not enough
    # to make a browser known.
    newcomer = add_staff_member(console, "newcomer", {Role.INTAKE}, enrol=False)
    first = _post_sign_in(console_client(console), newcomer.email, PASSWORD, "")
    assert first.status_code == 200 and DEVICE_COOKIE not in _set_cookies(first)


def test_twenty_wrong_sign_ins_then_the_real_user_on_a_known_device_gets_in(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    own_browser = console_client(console, address=HOME, user_agent=FIREFOX)
    sign_in(own_browser, login)
    _sign_out(own_browser)

    # The finding: wrong sign-ins from one client, with nothing but the email.
    statuses = _attack(console, login.email, 20)
    assert statuses[:5] == [401] * 5 and 429 in statuses
    assert set(statuses) <= {401, 429}

    # The attacker's browser is slowed even with the right password, told for how long.
    attacker = console_client(console, address=ATTACKER)
    refused = _post_sign_in(attacker, login.email, PASSWORD, login.code())
    assert refused.status_code == 429 and "__Host-hk_session" not in _set_cookies(refused)
    assert re.search(
        r"Too many failed sign-ins\. Please wait \d+ seconds? and try again\.", (refused.text)
    )

    # The staff member's own browser gets in at once, and stays a single known device.
    response = _post_sign_in(own_browser, login.email, PASSWORD, login.code())
    assert response.status_code == 303, response.text
    assert own_browser.get("/staff/queue").status_code == 200
    with console.context.database.uow(read_only=True) as uow:
        assert len(uow.session.scalars(select(KnownDeviceRow)).all()) == 1


def test_the_wait_is_told_in_the_staff_members_language(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    _attack(console, login.email, 5)
    attacker = console_client(console, address=ATTACKER)
    urdu = console.context.registries.languages.get("ur").translations
    response = _post_sign_in(attacker, login.email, PASSWORD, "123456", language="ur")
    assert response.status_code == 429
    expected = urdu.ngettext(
        "Too many failed sign-ins. Please wait %(num)d second and try again.",
        "Too many failed sign-ins. Please wait %(num)d seconds and try again.",
        1,
    ) % {"num": 1}
    assert "Please wait" not in expected  # it is translated
    assert expected in response.text and '<html lang="ur" dir="rtl">' in response.text


def test_one_client_trying_many_accounts_is_slowed(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    attacker = console_client(console, address="2001:db8:1:2::1")
    statuses = [
        _post_sign_in(attacker, f"guess{n}@helpline.test", "x" * 10, "1").status_code
        for n in range(20)
    ]
    assert statuses == [401] * 20
    # Another address in the same /64 is the same client: it has to wait.
    neighbour = console_client(console, address="2001:db8:1:2:ffff::2")
    assert _post_sign_in(neighbour, login.email, PASSWORD, login.code()).status_code == 429
    # Anyone else signs in as usual.
    elsewhere = console_client(console, address=HOME)
    assert _post_sign_in(elsewhere, login.email, PASSWORD, login.code()).status_code == 303


def test_the_account_page_lists_known_devices_and_revokes_one(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    colleague = add_staff_member(console, "intake", {Role.INTAKE})
    browser = console_client(console, address=HOME, user_agent=FIREFOX)
    csrf = sign_in(browser, login)
    page = browser.get("/staff/account").text
    assert "Known devices" in page and "Firefox · Windows" in page
    assert HOME not in page and "testclient" not in page
    (device_id,) = re.findall(r'action="/staff/account/devices/([0-9a-f-]{36})/revoke"', page)

    # Without the form's CSRF token nothing is revoked.
    url = f"/staff/account/devices/{device_id}/revoke"
    assert browser.post(url, data={"csrf": "forged"}).status_code == 403
    # A colleague cannot revoke it either.
    other = console_client(console)
    other_csrf = sign_in(other, colleague)
    # Not theirs, so for them there is no such device (404), and nothing is revoked.
    assert other.post(url, data={"csrf": other_csrf}).status_code == 404
    assert "Firefox · Windows" in browser.get("/staff/account").text

    assert browser.post(url, data={"csrf": csrf}).status_code == 303
    page = browser.get("/staff/account").text
    assert "Firefox · Windows" not in page and "No known devices." in page

    # The revoked browser is an unknown device again: under attack, it waits like any other.
    _sign_out(browser)
    _attack_from_many(console, login.email)
    assert _post_sign_in(browser, login.email, PASSWORD, login.code()).status_code == 429


def test_a_tampered_device_cookie_is_not_a_known_device(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    browser = console_client(console, address=HOME, user_agent=FIREFOX)
    sign_in(browser, login)
    _sign_out(browser)
    genuine = browser.cookies.get(DEVICE_COOKIE)
    assert genuine
    _attack_from_many(console, login.email)
    token, _, signature = genuine.rpartition(".")
    for forged in (
        f"{token}.{signature[::-1]}",
        f"{token[::-1]}.{signature}",
        "not-a-device-cookie",
    ):
        browser.cookies.clear()
        browser.cookies.set(DEVICE_COOKIE, forged, domain="testserver.local")
        assert _post_sign_in(browser, login.email, PASSWORD, login.code()).status_code == 429
    browser.cookies.clear()
    browser.cookies.set(DEVICE_COOKIE, genuine, domain="testserver.local")
    assert _post_sign_in(browser, login.email, PASSWORD, login.code()).status_code == 303


def test_a_new_password_forgets_the_devices_shown_on_the_account_page(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    browser = console_client(console, address=HOME, user_agent=FIREFOX)
    sign_in(browser, login)
    console.set_password(console.system(), login.email, PASSWORD)  # signs them out too
    sign_in(browser, login)  # a known device no more: this sign-in makes a new one
    page = browser.get("/staff/account").text
    assert page.count('/revoke"') == 1


def test_supervisors_see_a_notice_when_an_account_is_under_attack(console) -> None:
    login = add_staff_member(console, "lawyer", {Role.LAWYER})
    supervisor = add_staff_member(console, "supervisor", {Role.SUPERVISOR})
    intake = add_staff_member(console, "intake", {Role.INTAKE})
    watching = console_client(console)
    sign_in(watching, supervisor)
    assert "trying to guess" not in watching.get("/staff/queue").text

    _attack(console, login.email, ATTACK_THRESHOLD)
    page = watching.get("/staff/queue").text
    assert "Someone is trying to guess a colleague's sign-in" in page
    assert f"Lawyer: {ATTACK_THRESHOLD} failed sign-ins from unknown devices since" in page
    assert login.email not in page and ATTACKER not in page

    other = console_client(console)
    sign_in(other, intake)
    assert "trying to guess" not in other.get("/staff/queue").text
