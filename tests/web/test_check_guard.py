""" "Check my case" resists guessing and cannot be used to lock the survivor out.

The findings (issue 11): a fixed window per code let anyone who knew a case code block the
survivor's own checks with ten wrong guesses; IPv6 clients started afresh from every address
of their /64; passphrases like "password1" were accepted; nobody noticed a guessing run; and
rate-limit rows were never deleted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helplinekit.db.models import AuditRow, CaseAccessRow, RateLimitRow
from helplinekit.domain import Role
from helplinekit.services import check_guard
from helplinekit.services import survivor_access as access
from helplinekit.services.check_guard import client_network
from helplinekit.web import create_app

from .console_kit import add_staff_member, console_client, sign_in

pytestmark = pytest.mark.database

PASSPHRASE = "purple kettle morning"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def web(deployment, open_helpline, clock):
    toml = deployment / "helpline.toml"
    # A generous per-client window: these tests are about the guard, not that window.
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[web]\nrate_limit = 1000\n", encoding="utf-8"
    )
    helpline = open_helpline(clock=clock)
    return helpline, create_app(helpline)


@pytest.fixture
def quick_hashes(monkeypatch):
    """Argon2id at its lowest cost for the passphrase the form stores, so a thousand checks
    run in seconds; every check still verifies a real Argon2id hash."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr("helplinekit.web.public.hash_password", cheap.hash)


def _client(app, address: str) -> TestClient:
    return TestClient(app, base_url="https://testserver", client=(address, 50000))


def _submit(client: TestClient, **overrides):
    page = client.get("/form")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    fields = {
        "token": token,
        "message": "Someone is posting my photos.",
        "website": "",
        "language": "en",
        "consent_services": "yes",
        "passphrase": PASSPHRASE,
        **overrides,
    }
    return client.post("/form", data=fields)


def _new_case(app) -> str:
    sent = _submit(_client(app, "192.0.2.200"))
    assert sent.status_code == 200, sent.text
    return re.search(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", sent.text).group(0)


def _check(client: TestClient, code: str, passphrase: str = "a wrong guess"):
    return client.post("/check", data={"code": code, "passphrase": passphrase})


def _actions(helpline, action: str) -> list[tuple[str | None, str | None, dict]]:
    with helpline.context.database.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(AuditRow.object_kind, AuditRow.object_id, AuditRow.details)
            .where(AuditRow.action == action)
            .order_by(AuditRow.seq)
        ).all()
    return [tuple(row) for row in rows]


# -- clients are counted by network --------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.17", "192.0.2.17"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.17", "192.0.2.17"),
        ("fe80::1%eth0", "fe80::/64"),
        ("testclient", "testclient"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, network) -> None:
    assert client_network(address) == network


def test_the_form_rate_limit_counts_a_whole_ipv6_64_as_one_client(
    deployment, open_helpline
) -> None:
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[web]\nrate_limit = 5\n", encoding="utf-8"
    )
    app = create_app(open_helpline())
    statuses = []
    for host in range(1, 7):  # six addresses of one /64, one request each
        response = _client(app, f"2001:db8:5:6::{host:x}").post("/form", data={"x": "y"})
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    # Another /64 is another client.
    assert _client(app, "2001:db8:5:7::1").post("/form", data={"x": "y"}).status_code == 403


# -- backoff per (code, client) ------------------------------------------------------------


def test_wrong_guesses_wait_longer_and_longer_per_code_and_64(web, clock) -> None:
    _, app = web
    code = _new_case(app)
    guesser = _client(app, "2001:db8:1:2::10")
    neighbour = _client(app, "2001:db8:1:2::99")  # the same /64: the same client
    elsewhere = _client(app, "2001:db8:1:3::10")  # another /64

    assert [_check(guesser, code).status_code for _ in range(3)] == [403, 403, 403]
    waits = []
    for _ in range(4):
        refused = _check(guesser, code)
        assert refused.status_code == 429
        waits.append(int(refused.headers["retry-after"]))
        # The neighbour in the same /64 shares the wait, right passphrase or not.
        shared = _check(neighbour, code, PASSPHRASE)
        assert shared.status_code == 429 and "Replies from the helpline" not in shared.text
        clock.now += timedelta(seconds=waits[-1])
        assert _check(guesser, code).status_code == 403  # checked again, still wrong
    assert waits == [30, 60, 120, 240]  # doubling
    page = _check(guesser, code)
    assert "Please wait 8 minutes, then try again." in page.text

    # Another /64 is not held back by this one's guesses.
    assert _check(elsewhere, code).status_code == 403
    # Nor is another code from the same /64.
    other_code = _new_case(app)
    assert _check(guesser, other_code, PASSPHRASE).status_code == 200

    # The wait is capped at an hour.
    for _ in range(6):
        clock.now += timedelta(hours=1)
        assert _check(guesser, code).status_code == 403
    assert int(_check(guesser, code).headers["retry-after"]) == 3600

    # The right passphrase after the wait gets in and ends the backoff.
    clock.now += timedelta(hours=1)
    assert _check(neighbour, code, PASSPHRASE).status_code == 200
    assert _check(guesser, code).status_code == 403  # a typo now costs no wait


def test_an_unknown_code_is_held_back_the_same_way(web) -> None:
    _, app = web
    guesser = _client(app, "192.0.2.1")
    statuses = [_check(guesser, "ACDE-FGHJ-KMNP-QRTV").status_code for _ in range(4)]
    assert statuses == [403, 403, 403, 429]


def test_the_wait_is_told_in_the_pages_language(
    deployment, open_helpline, clock, register_plugin
) -> None:
    import helplinekit_urdu

    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('enabled = ["en"]', 'enabled = ["en", "ur"]'),
        encoding="utf-8",
    )
    with register_plugin(helplinekit_urdu, "urdu"):
        app = create_app(open_helpline(clock=clock))
        code = _new_case(app)
        guesser = _client(app, "192.0.2.1")
        for _ in range(3):
            _check(guesser, code)
        urdu = guesser.post("/check", data={"code": code, "passphrase": "x" * 9, "language": "ur"})
    assert urdu.status_code == 429
    assert "Please wait" not in urdu.text
    assert "انتظار" in urdu.text  # "wait"


# -- the daily cap cannot lock the survivor out ----------------------------------------------


def test_a_thousand_wrong_guesses_from_fifty_addresses_then_the_survivor_gets_in(
    web, clock, quick_hashes
) -> None:
    helpline, app = web
    code = _new_case(app)
    case = helpline.list_cases(helpline.system()).cases[0]
    helpline.queue_reply(helpline.system(), case.id, "We can help; call us when it is safe.")
    helpline.run_until_idle()

    guessers = [_client(app, f"198.51.100.{n}") for n in range(1, 51)]
    answers = []
    for _ in range(20):  # 50 addresses x 20 wrong guesses, each waiting out its backoff
        answers += [_check(guesser, code).status_code for guesser in guessers]
        clock.now += check_guard.LONGEST_WAIT
    assert answers == [403] * 1000  # every one was checked and was wrong

    # The daily cap is reached: the addresses that guessed are refused without a check,
    # even with the right passphrase (they cannot tell a right guess from a wrong one).
    for guesser in guessers[:3]:
        refused = _check(guesser, code, PASSPHRASE)
        assert refused.status_code == 429
        assert "can be checked again tomorrow" in refused.text
        assert "We can help" not in refused.text

    # The survivor, from an address that never guessed, still gets in.
    survivor = _client(app, "203.0.113.7")
    shown = _check(survivor, code, PASSPHRASE)
    assert shown.status_code == 200
    assert "We can help; call us when it is safe." in shown.text

    # A new address past the cap has two tries (a typo is human), then it is refused too.
    newcomer = _client(app, "203.0.113.8")
    assert [_check(newcomer, code).status_code for _ in range(3)] == [403, 403, 429]
    assert "tomorrow" in _check(newcomer, code, PASSPHRASE).text

    # Reaching the cap raised the alert for this case (not naming the code).
    reasons = [details["reason"] for _, _, details in _actions(helpline, "case_access.guessing")]
    assert "daily_limit" in reasons
    # A day after the first wrong guess the cap is over for everyone.
    clock.now += timedelta(days=1)
    assert _check(guessers[0], code, PASSPHRASE).status_code == 200


# -- passphrases chosen on the form must be strong ---------------------------------------------


def _stored(helpline) -> int:
    with helpline.context.database.uow(read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(CaseAccessRow))


@pytest.mark.parametrize(
    "weak", ["password123", "Test Helpline", "Test Helpline 2026", "qwertyuiop", "aaaaaaaaaa"]
)
def test_a_weak_passphrase_is_refused_with_advice_and_nothing_is_stored(web, weak) -> None:
    helpline, app = web
    client = _client(app, "192.0.2.5")
    message = "He has my passwords & posts my photos <everywhere>."
    response = _submit(
        client,
        passphrase=weak,
        message=message,
        consent_statistics="yes",
        safe_contact="tel:+923001234567",
    )
    assert response.status_code == 400
    assert "This passphrase would be too easy to guess" in response.text
    assert "four or more ordinary words" in response.text
    assert helpline.list_cases(helpline.system()).total == 0 and _stored(helpline) == 0
    # What they wrote and ticked is still there (escaped); the passphrase is not.
    assert "He has my passwords &amp; posts my photos &lt;everywhere&gt;." in response.text
    assert re.search(r'name="consent_services" value="yes" checked', response.text)
    assert re.search(r'name="consent_statistics" value="yes" checked', response.text)
    assert 'value="tel:+923001234567"' in response.text
    assert weak not in response.text.replace("Test Helpline", "")
    # Sent again with a strong passphrase, it is stored once.
    again = _submit(client, passphrase="marble giraffe under seventeen lamps", message=message)
    assert again.status_code == 200
    assert _stored(helpline) == 1


def test_a_passphrase_made_of_the_case_code_is_weak() -> None:
    code = access.new_case_code()
    assert access.passphrase_is_weak(code, helpline_name="Test Helpline", case_code=code)
    assert not access.passphrase_is_weak(
        "marble giraffe under seventeen lamps", helpline_name="Test Helpline", case_code=code
    )


def test_the_weak_passphrase_advice_is_in_urdu(deployment, open_helpline, register_plugin) -> None:
    import helplinekit_urdu

    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('enabled = ["en"]', 'enabled = ["en", "ur"]'),
        encoding="utf-8",
    )
    with register_plugin(helplinekit_urdu, "urdu"):
        helpline = open_helpline()
        client = _client(create_app(helpline), "192.0.2.5")
        response = _submit(client, passphrase="password123", language="ur", message="مدد")
    assert response.status_code == 400
    assert "too easy to guess" not in response.text
    assert "پاس فریز" in response.text and "مدد" in response.text
    assert _stored(helpline) == 0


# -- the console alert -----------------------------------------------------------------------


def test_a_burst_of_refused_checks_alerts_supervisors(web) -> None:
    helpline, app = web
    code = _new_case(app)
    case = helpline.list_cases(helpline.system()).cases[0]
    guesser = _client(app, "192.0.2.66")
    for _ in range(check_guard.ALERT_REFUSALS + 5):  # 3 wrong, the rest told to wait
        assert _check(guesser, code).status_code in (403, 429)

    alerts = _actions(helpline, "case_access.guessing")
    assert len(alerts) == 1  # once per window, not once per refusal
    object_kind, object_id, details = alerts[0]
    assert (object_kind, object_id) == ("case", str(case.id))
    assert details == {"reason": "burst", "refused": 20, "within_minutes": 60}
    assert access.normalise_case_code(code) not in str(details)

    supervisor = add_staff_member(helpline, "supervisor", {Role.SUPERVISOR})
    intake = add_staff_member(helpline, "intake", {Role.INTAKE})
    staff = console_client(helpline)
    sign_in(staff, supervisor)
    queue = staff.get("/staff/queue?view=team")
    assert queue.status_code == 200
    assert "Guessing on “Check my case”" in queue.text
    assert f'href="/staff/cases/{case.reference}"' in queue.text
    assert code not in queue.text
    assert _actions(helpline, "case_access.alerts_shown")  # showing it is audited

    other = console_client(helpline)
    sign_in(other, intake)
    assert "Guessing on" not in other.get("/staff/queue").text


def test_an_unknown_code_raises_no_alert_and_the_notice_fades(web, clock) -> None:
    helpline, app = web
    guesser = _client(app, "192.0.2.67")
    for _ in range(25):
        _check(guesser, "ACDE-FGHJ-KMNP-QRTV")
    assert _actions(helpline, "case_access.guessing") == []

    code = _new_case(app)
    for _ in range(25):
        _check(guesser, code)
    system = helpline.system()
    supervisor = helpline.actor(add_staff_member(helpline, "boss", {Role.SUPERVISOR}).email)
    assert len(check_guard.guessing_alerts(helpline.context, supervisor)) == 1
    assert check_guard.guessing_alerts(helpline.context, system) == []
    clock.now += timedelta(days=1, minutes=1)
    assert check_guard.guessing_alerts(helpline.context, supervisor) == []


# -- pruning ----------------------------------------------------------------------------------


def _rate_rows(helpline) -> int:
    with helpline.context.database.uow(read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(RateLimitRow))


def test_the_worker_prunes_rate_limit_rows_past_their_window(web, clock) -> None:
    helpline, app = web
    code = _new_case(app)
    for n in range(1, 6):
        _check(_client(app, f"192.0.2.{n}"), code)
    before = _rate_rows(helpline)
    assert before >= 5 + 5  # a window and a backoff per address, at least

    assert helpline.run_pending().rate_limits_pruned == 0  # all still in their window
    clock.now += timedelta(minutes=11)  # the per-address windows (600 s) are over
    pruned = helpline.run_pending().rate_limits_pruned
    assert 0 < pruned < before
    # The guesses are still remembered: the backoff and the day's count are within a day.
    guesser = _client(app, "192.0.2.1")
    _check(guesser, code), _check(guesser, code)
    assert _check(guesser, code).status_code == 429

    clock.now += timedelta(days=2)
    helpline.run_pending()
    assert _rate_rows(helpline) == 0
    assert _check(guesser, code).status_code == 403  # forgotten: a fresh start


# -- the case code's entropy, as the docs state it -------------------------------------------


def test_the_docs_state_the_case_codes_real_entropy() -> None:
    from pathlib import Path

    codes = {access.normalise_case_code(access.new_case_code()) for _ in range(200)}
    assert len(codes) == 200
    assert {len(code) for code in codes} == {16}
    assert set("".join(codes)) <= set(access.CODE_ALPHABET) and len(access.CODE_ALPHABET) == 26
    assert round(access.CODE_ENTROPY_BITS, 1) == 75.2
    docs = Path(__file__).parents[2] / "docs"
    for page in ("web-form.md", "security.md"):
        assert "75.2 bits" in (docs / page).read_text(encoding="utf-8"), page
    assert "16 × log2(26)" in (docs / "web-form.md").read_text(encoding="utf-8")
