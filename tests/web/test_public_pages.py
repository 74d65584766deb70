"""The public web pages: intake form, case code and passphrase, "check my case"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from helplinekit.services.survivor_access import normalise_case_code
from helplinekit.web import create_app

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
    # "Check my case" per client too, whatever the code (codes are guessed nowhere near
    # this fast: each code has its own backoff, see test_check_guard.py).
    codes = ["ACDE-FGHJ-KMNP-QRT" + char for char in "VWXY234"]
    checks = [_check(client, code).status_code for code in codes]
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


def test_language_choice_and_right_to_left(
    deployment, open_helpline, register_plugin, fixture_plugins_path
) -> None:
    import importlib.util

    path = fixture_plugins_path / "fixture_language_fa.py"
    spec = importlib.util.spec_from_file_location("fixture_language_fa", path)
    assert spec is not None and spec.loader is not None
    fixture_language_fa = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixture_language_fa)

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


# -- emergency numbers from the configured jurisdiction ----------------------------------------


def _use_jurisdiction(deployment, key: str) -> None:
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"intl.baseline"', f'"{key}"'), encoding="utf-8"
    )


def test_a_pakistani_deployment_shows_police_15_and_rescue_1122(
    deployment, open_helpline, register_plugin
) -> None:
    import helplinekit_pakistan

    _use_jurisdiction(deployment, "pakistan.pk")
    with register_plugin(helplinekit_pakistan, "pakistan"):
        client = TestClient(create_app(open_helpline()), base_url="https://testserver")
        form = client.get("/form")
        assert form.status_code == 200
        notice = re.search(r'<p class="notice emergency">(.*?)</p>', form.text).group(1)
        # Each entry is isolated, and its number isolated left to right, so that a
        # right-to-left page reads the service, then the number (see the Urdu test below).
        assert notice.startswith(
            'If you are in immediate danger, call <bdi>Police: <bdi dir="ltr">15</bdi></bdi>; '
            "<bdi>Rescue"
        )
        assert notice.endswith('other provinces: <bdi dir="ltr">1122</bdi></bdi>.')
        assert "Punjab" in notice and "Khyber Pakhtunkhwa" in notice
        sent = _submit(client)
        assert sent.status_code == 200
        assert notice in sent.text  # the "sent" page says it again


def test_the_urdu_form_names_the_service_then_the_number(
    deployment, open_helpline, register_plugin
) -> None:
    import helplinekit_pakistan
    import helplinekit_urdu

    _use_jurisdiction(deployment, "pakistan.pk")
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('enabled = ["en"]', 'enabled = ["en", "ur"]'),
        encoding="utf-8",
    )
    with register_plugin(helplinekit_pakistan, "pakistan"), register_plugin(helplinekit_urdu):
        client = TestClient(create_app(open_helpline()), base_url="https://testserver")
        form = client.get("/form?lang=ur")
    notice = re.search(r'<p class="notice emergency">(.*?)</p>', form.text).group(1)
    # In a right-to-left line the Urdu service name comes first (on the right), then its
    # number, whose digits stay in order inside their own left-to-right isolate.
    assert '<bdi>پولیس: <bdi dir="ltr">15</bdi></bdi>؛ <bdi>ریسکیو' in notice
    assert "Police" not in notice and "Rescue" not in notice
    assert notice.startswith("اگر آپ کو فوری خطرہ ہے تو <bdi>")


def test_the_baseline_shows_no_emergency_numbers(web) -> None:
    _, client = web
    for page in (client.get("/form"), _submit(client)):
        assert page.status_code == 200
        assert "immediate danger" not in page.text
        assert "emergency" not in page.text and "1122" not in page.text


def test_only_confirmed_or_secondary_numbers_are_shown(
    deployment, open_helpline, register_plugin
) -> None:
    import attrs

    from helplinekit import hookimpl
    from helplinekit.contracts import Confidence, EmergencyNumber, Fact
    from helplinekit.laws import baseline

    def number(digits: str, confidence: Confidence) -> EmergencyNumber:
        return EmergencyNumber(digits, f"Service {digits}", Fact("https://x.example/", confidence))

    class Testland:
        @hookimpl
        def register_jurisdictions(self, register) -> None:
            register(
                attrs.evolve(
                    baseline.build(),
                    key="testland.tl",
                    emergency_numbers=(
                        number("111", Confidence.confirmed),
                        number("222", Confidence.uncertain),  # a wrong number is worse than none
                        number("333", Confidence.secondary),
                    ),
                )
            )

    _use_jurisdiction(deployment, "testland.tl")
    with register_plugin(Testland(), "testland"):
        client = TestClient(create_app(open_helpline()), base_url="https://testserver")
        page = client.get("/form").text
    assert (
        'call <bdi>Service 111: <bdi dir="ltr">111</bdi></bdi>; '
        '<bdi>Service 333: <bdi dir="ltr">333</bdi></bdi>.'
    ) in page
    assert "222" not in page


# -- the case code is stored in the same transaction as the message ----------------------------


def _rows(helpline) -> tuple[int, int, int]:
    from sqlalchemy import func, select

    from helplinekit.db.models import CaseAccessRow, CaseRow, MessageRow

    with helpline.context.database.uow(read_only=True) as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, MessageRow, CaseAccessRow)
        )


def test_a_failed_access_row_stores_no_message(web, monkeypatch) -> None:
    # Every code drawn clashes with one already stored: the access row cannot be inserted.
    helpline, client = web
    clashing = lambda: "AAAA-CCCC-DDDD-EEEE"  # noqa: E731
    # The web page draws the first code and the service the others after a clash, both
    # through the survivor-access service.
    monkeypatch.setattr("helplinekit.services.survivor_access.new_case_code", clashing)
    assert _submit(client).status_code == 200
    assert _rows(helpline) == (1, 1, 1)

    failed = _submit(client, message="A second message that must not be half stored.")
    assert failed.status_code == 409
    assert "could not be saved, and nothing was stored" in failed.text
    assert "Traceback" not in failed.text
    _assert_headers(failed)
    assert _rows(helpline) == (1, 1, 1)  # no case, message, triage job or code for it
    assert helpline.run_until_idle().jobs_done == 1  # only the first message's triage


def test_an_error_while_storing_the_code_rolls_back_the_message(web, monkeypatch) -> None:
    helpline, client = web

    def broken_row(**values):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("helplinekit.db.repos.survivor_access.CaseAccessRow", broken_row)
    with pytest.raises(RuntimeError, match="the disk is full"):
        _submit(client)
    assert _rows(helpline) == (0, 0, 0)


def test_the_code_and_the_message_are_committed_together(web, monkeypatch) -> None:
    from helplinekit.services import intake

    helpline, client = web
    seen = []
    original = intake._receive_once

    def watching(ctx, event, access):
        result = original(ctx, event, access)
        seen.append((result.stored, result.access is not None))
        return result

    monkeypatch.setattr(intake, "_receive_once", watching)
    response = _submit(client)
    assert response.status_code == 200
    assert seen == [(True, True)]  # one transaction stored the message and the access
    assert _rows(helpline) == (1, 1, 1)
    assert _check(client, _code(response.text)).status_code == 200


def test_a_duplicate_submission_is_409_and_stores_nothing_new(web) -> None:
    helpline, client = web
    token = _token(client)
    first = _submit(client, token=token)
    assert first.status_code == 200
    again = _submit(client, token=token, passphrase="another passphrase entirely")
    assert again.status_code == 409
    assert "This form was already sent." in again.text
    assert _rows(helpline) == (1, 1, 1)
    assert _check(client, _code(first.text)).status_code == 200


def test_access_is_never_granted_to_a_message_that_may_join_an_existing_case(web) -> None:
    from helplinekit.contracts.channel import InboundMessage
    from helplinekit.domain import URN
    from helplinekit.services.intake import SurvivorAccess, receive_message

    helpline, _ = web
    event = InboundMessage(
        channel="web.form",
        urn=URN(scheme="tel", path="+923001234567"),
        provider_message_id="joins-1",
        body="Let me read someone else's case.",
        new_contact=False,
    )
    with pytest.raises(ValueError, match="new_contact"):
        receive_message(
            helpline.context,
            event,
            access=lambda: SurvivorAccess(code_hash="x" * 64, passphrase_hash="$argon2id$"),
        )
    assert _rows(helpline) == (0, 0, 0)


def test_the_quick_exit_without_javascript_leaves_through_a_same_origin_redirect(web) -> None:
    _, client = web
    form = client.get("/form")
    assert 'id="quick-exit" class="quick-exit" href="/exit"' in form.text
    assert f'data-exit-url="{EXIT_URL}"' in form.text
    response = client.get("/exit", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == EXIT_URL
    # The cookie is there only to evict the form from the back/forward cache: it names
    # nothing and expires at once.
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-hk_exit=") and "Max-Age=5" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    _assert_headers(response)


def _audit_entries(helpline) -> list[tuple[str, str, str | None]]:
    from sqlalchemy import select

    from helplinekit.db.models import AuditRow

    with helpline.context.database.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(AuditRow.action, AuditRow.actor_kind, AuditRow.object_id).order_by(AuditRow.seq)
        ).all()
    return [tuple(row) for row in rows]


def test_checking_a_case_is_audited_and_erasure_ends_the_code(web) -> None:
    helpline, client = web
    code = _code(_submit(client).text)
    case = helpline.list_cases(helpline.system()).cases[0]
    before = len(_audit_entries(helpline))
    assert _check(client, code).status_code == 200
    assert _check(client, code, "not the passphrase").status_code == 403
    assert _audit_entries(helpline)[before:] == [
        ("case.check", "survivor", str(case.id)),
        ("case.check_refused", "survivor", str(case.id)),
    ]
    helpline.erase_case(helpline.system(), case.id)
    gone = _check(client, code)
    assert gone.status_code == 403 and "Replies from the helpline" not in gone.text


def test_guessing_from_many_addresses_cannot_block_the_survivors_check(web) -> None:
    # The finding: a limit per code, whatever the address, let anyone who knew a case code
    # lock the survivor out with a handful of wrong guesses. Now each address backs off on
    # its own, and the survivor's address is not held back by theirs.
    _, client = web
    code = _code(_submit(client).text)
    app = client.app
    answers = []
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        other = TestClient(app, base_url="https://testserver", client=(address, 50000))
        answers += [_check(other, code, "a wrong guess").status_code for _ in range(4)]
    assert answers == [403, 403, 403, 429] * 3  # each address waits after its third
    survivor = TestClient(app, base_url="https://testserver", client=("10.0.9.9", 50000))
    assert _check(survivor, code).status_code == 200
