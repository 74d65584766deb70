"""Bad input to every public form gets a 4xx HTML page, stores nothing, and is never a 5xx.

One table over ``POST /form`` and ``POST /check``: each row builds a raw request (body and
headers) and names the exact status it must get. Before and after, the cases, messages and
case-access rows are counted: a refused request changes none of them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from helplinekit.security.passwords import MAX_PASSWORD_LENGTH
from helplinekit.web import create_app

pytestmark = pytest.mark.database

FORM = "application/x-www-form-urlencoded"
PASSPHRASE = "purple kettle morning"
UNKNOWN_CODE = "ACDE-FGHJ-KMNP-QRTV"
OVER_64_KIB = 65 * 1024


@pytest.fixture
def web(deployment, open_helpline):
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[web]\nrate_limit = 1000\n", encoding="utf-8"
    )
    helpline = open_helpline()
    client = TestClient(create_app(helpline), base_url="https://testserver")
    # One survivor already wrote: a refused request must leave their case as it is.
    sent = client.post("/form", data=_fields(_token(client)))
    assert sent.status_code == 200, sent.text
    return helpline, client


def _token(client: TestClient) -> str:
    page = client.get("/form")
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


def _fields(token: str | None, **overrides: str | None) -> dict[str, str]:
    fields: dict[str, str | None] = {
        "token": token,
        "message": "Someone is posting my photos.",
        "website": "",
        "language": "en",
        "consent_services": "yes",
        "passphrase": PASSPHRASE,
    }
    fields.update(overrides)
    return {key: value for key, value in fields.items() if value is not None}


def _counts(helpline) -> tuple[int, int, int]:
    from sqlalchemy import func, select

    from helplinekit.db.models import CaseAccessRow, CaseRow, MessageRow

    with helpline.context.database.uow(read_only=True) as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, MessageRow, CaseAccessRow)
        )


def _channel(helpline):
    return helpline.context.channels.get("web.form")


def _chunks(body: bytes, size: int = 8192) -> Iterator[bytes]:
    # A generator body is sent without Content-Length (chunked): the limit must still hold.
    for start in range(0, len(body), size):
        yield body[start : start + size]


@dataclass(frozen=True)
class Case:
    """One bad request: where it goes, how to build it, and the status it must get."""

    path: str
    build: Callable[[object, str], tuple[bytes | Iterator[bytes], dict[str, str]]]
    status: int
    says: str = ""  # a phrase the page must contain


def _form(**overrides: str | None) -> Callable[[object, str], tuple[bytes, dict[str, str]]]:
    def build(helpline, token):
        values = {"token": token, **overrides}
        return urlencode(_fields(values.pop("token"), **values)).encode(), {"Content-Type": FORM}

    return build


def _raw(body: bytes, content_type: str | None = FORM, *, with_token: bool = False):
    def build(helpline, token):
        data = body.replace(b"TOKEN", token.encode()) if with_token else body
        return data, {} if content_type is None else {"Content-Type": content_type}

    return build


def _form_with_token(make_token: Callable[[object, str], str]):
    def build(helpline, token):
        return urlencode(_fields(make_token(helpline, token))).encode(), {"Content-Type": FORM}

    return build


def _forged(helpline, token: str) -> str:
    head, mac = token.rsplit(".", 1)
    return f"{head}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"


def _expired(helpline, token: str) -> str:
    channel = _channel(helpline)
    return channel.issue_token(now=time.time() - channel.token_max_age - 60)


def _from_the_future(helpline, token: str) -> str:
    return _channel(helpline).issue_token(now=time.time() + 3600)


def _check(**fields: str) -> Callable[[object, str], tuple[bytes, dict[str, str]]]:
    values = {"code": UNKNOWN_CODE, "passphrase": PASSPHRASE, "language": "en"}
    values.update(fields)

    def build(helpline, token):
        return urlencode(values).encode(), {"Content-Type": FORM}

    return build


def _oversized(path_field: str, *, chunked: bool):
    def build(helpline, token):
        body = urlencode({"token": token, path_field: "x" * OVER_64_KIB}).encode()
        return (_chunks(body) if chunked else body), {"Content-Type": FORM}

    return build


NOT_ACCEPTED = "The form could not be accepted"
EXPIRED = "This form has expired or could not be checked"
NON_UTF8 = b"token=TOKEN&message=caf\xe9&passphrase=purple+kettle+morning"

CASES: dict[str, Case] = {
    # -- POST /form --------------------------------------------------------------------------
    "form: body over 64 KiB with Content-Length": Case(
        "/form", _oversized("message", chunked=False), 413, "too long"
    ),
    "form: body over 64 KiB without Content-Length": Case(
        "/form", _oversized("message", chunked=True), 413, "too long"
    ),
    "form: missing token": Case("/form", _form(token=None), 403, EXPIRED),
    "form: empty token": Case("/form", _form(token=""), 403, EXPIRED),
    "form: malformed token": Case("/form", _form(token="v1.abc.def"), 403, EXPIRED),
    "form: forged token": Case("/form", _form_with_token(_forged), 403, EXPIRED),
    "form: expired token": Case("/form", _form_with_token(_expired), 403, EXPIRED),
    "form: token from the future": Case("/form", _form_with_token(_from_the_future), 403),
    "form: honeypot filled": Case("/form", _form(website="http://spam.example"), 403, EXPIRED),
    "form: non-UTF-8 body": Case("/form", _raw(NON_UTF8, with_token=True), 400, NOT_ACCEPTED),
    "form: repeated message": Case(
        "/form",
        _raw(b"token=TOKEN&message=one&message=two&passphrase=purple+kettle", with_token=True),
        400,
        NOT_ACCEPTED,
    ),
    "form: repeated token": Case(
        "/form",
        _raw(b"token=TOKEN&token=TOKEN&message=hi&passphrase=purple+kettle", with_token=True),
        400,
        NOT_ACCEPTED,
    ),
    "form: more than 32 fields": Case(
        "/form",
        _raw(
            b"token=TOKEN&message=hi&" + b"&".join(b"f%d=x" % i for i in range(40)),
            FORM,
            with_token=True,
        ),
        400,
        NOT_ACCEPTED,
    ),
    "form: JSON content type": Case(
        "/form", _raw(b'{"message": "hi"}', "application/json"), 400, NOT_ACCEPTED
    ),
    "form: urlencoded body sent as text/plain": Case(
        "/form",
        _raw(b"token=TOKEN&message=hi&passphrase=purple+kettle", "text/plain", with_token=True),
        400,
        NOT_ACCEPTED,
    ),
    "form: multipart content type": Case(
        "/form",
        _raw(
            b'--x\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--x--\r\n',
            "multipart/form-data; boundary=x",
        ),
        400,
        NOT_ACCEPTED,
    ),
    "form: no content type": Case(
        "/form",
        _raw(b"token=TOKEN&message=hi&passphrase=purple+kettle", None, with_token=True),
        400,
        NOT_ACCEPTED,
    ),
    "form: missing passphrase": Case("/form", _form(passphrase=None), 400, "at least 8"),
    "form: empty passphrase": Case("/form", _form(passphrase=""), 400, "at least 8"),
    "form: short passphrase": Case("/form", _form(passphrase="short"), 400, "at least 8"),
    "form: weak passphrase": Case(
        "/form", _form(passphrase="password123"), 400, "too easy to guess"
    ),
    "form: passphrase short once normalised": Case(
        "/form", _form(passphrase="abcdef" + "e\u0301"), 400, "at least 8"
    ),
    "form: overlong passphrase": Case(
        "/form",
        _form(passphrase="x" * (MAX_PASSWORD_LENGTH + 1)),
        400,
        f"at most {MAX_PASSWORD_LENGTH} characters",
    ),
    "form: missing message": Case("/form", _form(message=None), 400, "Please write a message"),
    "form: blank message": Case("/form", _form(message=" \n\t "), 400, "Please write a message"),
    "form: message over the channel's limit": Case(
        "/form", _form(message="x" * 10_001), 400, NOT_ACCEPTED
    ),
    "form: unknown field": Case("/form", _form(extra="x"), 400, NOT_ACCEPTED),
    "form: invalid safe contact": Case(
        "/form", _form(safe_contact="not a contact method"), 400, "is not a phone number or address"
    ),
    # A contact point that could pass for another one (issue 11, point 8): named and refused.
    "form: safe contact with a right-to-left override": Case(
        "/form",
        _form(safe_contact="tel:+923001234567\u202e"),
        400,
        "invisible text-direction control (U+202E RIGHT-TO-LEFT OVERRIDE)",
    ),
    "form: safe contact with a zero width joiner": Case(
        "/form", _form(safe_contact="mailto:a\u200d@example.org"), 400, "U+200D ZERO WIDTH JOINER"
    ),
    "form: safe contact with NUL": Case(
        "/form",
        _raw(
            b"token=TOKEN&message=hi&passphrase=purple+kettle&safe_contact=tel:%2B92300%00123",
            with_token=True,
        ),
        400,
        "control character (U+0000 NULL)",
    ),
    # A lone surrogate cannot be sent as UTF-8; its CESU-style bytes arrive as U+FFFD.
    "form: safe contact with a lone surrogate": Case(
        "/form",
        _raw(
            b"token=TOKEN&message=hi&passphrase=purple+kettle&safe_contact=mailto:a%ED%A0%80@x.org",
            with_token=True,
        ),
        400,
        "could not be read (U+FFFD REPLACEMENT CHARACTER)",
    ),
    "form: safe contact on a scheme no channel reaches": Case(
        "/form",
        _form(safe_contact="xmpp:someone@example.org"),
        400,
        "cannot reach anyone through “xmpp:”. Start the address with one of: mailto:, tel:",
    ),
    # -- POST /check -------------------------------------------------------------------------
    "check: body over 64 KiB with Content-Length": Case(
        "/check", _oversized("code", chunked=False), 413, "too long"
    ),
    "check: body over 64 KiB without Content-Length": Case(
        "/check", _oversized("code", chunked=True), 413, "too long"
    ),
    "check: code too short (abc)": Case("/check", _check(code="abc"), 400, "16 letters"),
    "check: code of 17 characters": Case(
        "/check", _check(code="ACDEFGHJKMNPQRTVW"), 400, "16 letters"
    ),
    "check: code with letters outside the alphabet": Case(
        "/check", _check(code="IIII-OOOO-LLLL-0000"), 400, "16 letters"
    ),
    "check: empty code": Case("/check", _check(code=""), 400, "16 letters"),
    "check: missing code": Case(
        "/check", _raw(b"passphrase=purple+kettle+morning"), 400, "16 letters"
    ),
    "check: non-UTF-8 body": Case(
        "/check", _raw(b"code=ACDE-FGHJ-KMNP-QRTV&passphrase=caf\xe9"), 400, NOT_ACCEPTED
    ),
    "check: repeated code": Case(
        "/check",
        _raw(b"code=ACDE-FGHJ-KMNP-QRTV&code=ACDE-FGHJ-KMNP-QRTW&passphrase=purple+kettle"),
        400,
        NOT_ACCEPTED,
    ),
    "check: JSON content type": Case(
        "/check", _raw(b'{"code": "ACDE-FGHJ-KMNP-QRTV"}', "application/json"), 400, NOT_ACCEPTED
    ),
    "check: no content type": Case(
        "/check", _raw(b"code=ACDE-FGHJ-KMNP-QRTV&passphrase=purple+kettle", None), 400
    ),
    "check: missing passphrase": Case(
        "/check", _raw(b"code=ACDE-FGHJ-KMNP-QRTV"), 400, NOT_ACCEPTED
    ),
    "check: empty passphrase": Case("/check", _check(passphrase=""), 400, NOT_ACCEPTED),
    "check: overlong passphrase": Case(
        "/check", _check(passphrase="x" * (MAX_PASSWORD_LENGTH + 1)), 400, NOT_ACCEPTED
    ),
    "check: unknown code": Case("/check", _check(), 403, "We found no case"),
}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_bad_input_gets_a_4xx_page_and_stores_nothing(web, name) -> None:
    helpline, client = web
    case = CASES[name]
    before = _counts(helpline)
    assert before == (1, 1, 1)
    body, headers = case.build(helpline, _token(client))
    response = client.post(case.path, content=body, headers=headers)

    assert response.status_code == case.status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().lower().startswith("<!doctype html>")
    assert "Traceback" not in response.text and "Error:" not in response.text
    assert 'role="alert"' in response.text
    assert case.says in response.text
    assert response.headers["cache-control"] == "no-store"
    assert _counts(helpline) == before


def test_every_public_post_route_is_in_the_table(web) -> None:
    from fastapi.routing import iter_route_contexts

    _, client = web
    posted = {
        route.path
        for route in iter_route_contexts(client.app.routes)
        if "POST" in (route.methods or ()) and not (route.path or "").startswith("/staff")
    }
    assert posted == {case.path for case in CASES.values()}
