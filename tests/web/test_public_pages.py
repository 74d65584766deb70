"""The public web pages: intake form, case code and passphrase, "check my case"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from helplinekit.web import create_app
from helplinekit.web.access import normalise_case_code

pytestmark = pytest.mark.database

EXIT_URL = "https://testserver/elsewhere"
PASSPHRASE = "purple kettle morning"
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


@pytest.fixture
def web(deployment, open_helpline):
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f'\n[web]\nexit_url = "{EXIT_URL}"\nrate_limit = 6\n',
        encoding="utf-8",
    )
    helpline = open_helpline()
    client = TestClient(create_app(helpline), base_url="https://testserver")
    return helpline, client


def _token(client: TestClient) -> str:
    page = client.get("/form")
    assert page.status_code == 200
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def _submit(client: TestClient, **overrides):
    fields = {
        "token": _token(client),
        "message": "Someone is posting my photos.",
        "website": "",
        "language": "en",
        "consent_services": "yes",
        "passphrase": PASSPHRASE,
    }
    fields.update(overrides)
    fields = {key: value for key, value in fields.items() if value is not None}
    return client.post("/form", data=fields)


def _code(page_text: str) -> str:
    match = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", page_text)
    assert match, page_text
    return match.group(0)


def _case_count(helpline) -> int:
    return helpline.list_cases(helpline.system(), limit=500).total


def _check(client, code, passphrase=PASSPHRASE):
    return client.post("/check", data={"code": code, "passphrase": passphrase})


def _assert_headers(response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_form_gives_a_case_code_and_the_reply_is_read_with_it(web) -> None:
    helpline, client = web
    response = _submit(client)
    assert response.status_code == 200
    code = _code(response.text)
    assert "Your case code is " + code in response.text
    cases = helpline.list_cases(helpline.system()).cases
    assert len(cases) == 1
    case = cases[0]
    assert code not in case.reference and case.reference not in response.text

    before = _check(client, code)
    assert before.status_code == 200
    assert "Replies from the helpline" in before.text

    helpline.queue_reply(helpline.system(), case.id, "We have read your message; we can help.")
    helpline.run_until_idle()
    shown = _check(client, code.lower().replace("-", " "))
    assert shown.status_code == 200
    assert "We have read your message; we can help." in shown.text

    wrong = _check(client, code, "not the passphrase")
    unknown = _check(client, "AAAA-AAAA-AAAA-AAAA")
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.text == unknown.text
    assert "we can help" not in wrong.text


def test_the_case_code_is_stored_only_as_a_hash(web) -> None:
    from sqlalchemy import select

    from helplinekit.db.models import CaseAccessRow

    helpline, client = web
    code = _code(_submit(client).text)
    with helpline.context.database.uow(read_only=True) as uow:
        rows = [
            (row.code_hash, row.passphrase_hash)
            for row in uow.session.scalars(select(CaseAccessRow)).all()
        ]
    assert len(rows) == 1
    code_hash, passphrase_hash = rows[0]
    assert normalise_case_code(code) not in code_hash and len(code_hash) == 64
    assert passphrase_hash.startswith("$argon2id$")
    assert PASSPHRASE not in passphrase_hash


@pytest.mark.parametrize("path", ["/form", "/check", "/form?lang=xx", "/static/exit.js"])
def test_security_headers_on_every_public_page(web, path) -> None:
    _, client = web
    response = client.get(path)
    assert response.status_code == 200
    _assert_headers(response)


def test_security_headers_on_results_and_errors(web) -> None:
    _, client = web
    sent = _submit(client)
    _assert_headers(sent)
    _assert_headers(_check(client, _code(sent.text)))
    _assert_headers(_submit(client, token="nope"))
    _assert_headers(client.get("/nowhere"))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "data-exit-url") and value is not None:
                self.urls.append(value)


def _external(urls: list[str]) -> list[str]:
    return [
        url for url in urls if re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I) and url != EXIT_URL
    ]


def test_no_request_points_to_another_host(web) -> None:
    _, client = web
    sent = _submit(client)
    pages = [client.get("/form"), client.get("/check"), sent, _check(client, _code(sent.text))]
    for page in pages:
        parser = _Links()
        parser.feed(page.text)
        assert parser.urls
        assert _external(parser.urls) == [], page.url
        assert EXIT_URL in parser.urls  # the quick exit is on every page


def test_quick_exit_script_replaces_the_location(web) -> None:
    _, client = web
    script = client.get("/static/exit.js").text
    assert "location.replace" in script and "Shift" in script
    assert 'src="/static/exit.js"' in client.get("/form").text


def test_form_fields_and_privacy_notice(web) -> None:
    helpline, client = web
    page = client.get("/form").text
    assert helpline.context.registries.languages.get("en").message("notice.privacy") in page
    for name in ("consent_services", "consent_statistics", "safe_contact", "passphrase"):
        assert f'name="{name}"' in page
    for field in ("message", "safe_contact", "passphrase"):
        tag = re.search(rf'<(?:input|textarea)[^>]*name="{field}"[^>]*>', page).group(0)
        assert 'autocomplete="off"' in tag
    assert 'name="website"' in page and 'dir="ltr"' in page


BAD_INPUTS = {
    "missing token": {"token": None},
    "wrong token": {"token": "v1.1700000000.abc.def"},
    "honeypot filled": {"website": "http://spam.example"},
    "passphrase too short": {"passphrase": "short"},
    "no passphrase": {"passphrase": None},
    "empty message": {"message": "   "},
    "unknown field": {"extra": "x"},
}


@pytest.mark.parametrize("bad", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_refused_and_nothing_is_stored(web, bad) -> None:
    helpline, client = web
    response = _submit(client, **BAD_INPUTS[bad])
    assert 400 <= response.status_code < 500, response.text
    assert _case_count(helpline) == 0


def test_oversized_body_is_refused_before_parsing(web) -> None:
    helpline, client = web
    response = _submit(client, message="x" * (65 * 1024))
    assert response.status_code == 413
    _assert_headers(response)
    huge = client.post(
        "/check",
        content=b"code=" + b"A" * (70 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413
    assert _case_count(helpline) == 0


def test_wrong_content_type_is_refused(web) -> None:
    helpline, client = web
    response = client.post("/form", json={"message": "hi", "token": _token(client)})
    assert response.status_code == 400
    assert _case_count(helpline) == 0


@pytest.mark.parametrize("code", ["", "1234", "IIII-OOOO-LLLL-0000", "AAAA-AAAA-AAAA-AAAA-A"])
def test_malformed_case_code_is_a_4xx(web, code) -> None:
    _, client = web
    assert _check(client, code).status_code == 400


def test_the_same_form_sent_twice_is_stored_once(web) -> None:
    helpline, client = web
    token = _token(client)
    assert _submit(client, token=token).status_code == 200
    again = _submit(client, token=token)
    assert again.status_code == 409
    assert _case_count(helpline) == 1


def test_rate_limit_returns_429(web) -> None:
    helpline, client = web
    statuses = [_submit(client).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    assert _case_count(helpline) == 6
    checks = [_check(client, "AAAA-AAAA-AAAA-AAAA").status_code for _ in range(7)]
    assert checks[-1] == 429 and 429 not in checks[:-1]


def test_a_contact_point_typed_in_never_joins_an_existing_case(web) -> None:
    helpline, client = web
    first = _submit(client, safe_contact="tel:+923001234567")
    second = _submit(client, safe_contact="tel:+923001234567", message="Another message.")
    assert first.status_code == second.status_code == 200
    # The same answer whether or not the sender is already known (apart from the new code).
    assert re.sub(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", "CODE", first.text) == re.sub(
        r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", "CODE", second.text
    )
    cases = helpline.list_cases(helpline.system()).cases
    assert len(cases) == 2
    assert len({case.caller_id for case in cases}) == 2
    helpline.queue_reply(helpline.system(), cases[0].id, "Reply for one case only.")
    helpline.run_until_idle()
    shown = [
        "Reply for one case only." in _check(client, _code(page.text)).text
        for page in (first, second)
    ]
    assert sorted(shown) == [False, True]


def test_language_choice_and_right_to_left(deployment, open_helpline, register_plugin) -> None:
    from helplinekit.testing_plugins import fixture_language_fa

    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('enabled = ["en"]', 'enabled = ["en", "fa"]'),
        encoding="utf-8",
    )
    with register_plugin(fixture_language_fa):
        client = TestClient(create_app(open_helpline()), base_url="https://testserver")
        persian = client.get("/form?lang=fa").text
        assert 'lang="fa" dir="rtl"' in persian
        assert 'name="language" value="fa"' in persian
        assert 'dir="ltr"' in client.get("/form?lang=de").text  # not enabled: the default
