"""The built-in web.form channel: signed form tokens, honeypot, limits, parsing."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest

from helplinekit.channels.web_form import WebFormChannel, issue_form_token
from helplinekit.contracts import ChannelError, InboundRequest, VerificationFailed

SECRET = b"a-test-secret-of-enough-length"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _request(fields: dict[str, str], *, method: str = "POST", headers=FORM) -> InboundRequest:
    body = urlencode(fields).encode()
    return InboundRequest(method=method, url="https://h.example/form", headers=headers, body=body)


@pytest.fixture
def channel() -> WebFormChannel:
    return WebFormChannel(
        {"token_secret": SECRET, "max_body_bytes": 4096, "max_message_chars": 200}
    )


def test_genuine_submission_verifies_and_parses(channel) -> None:
    token = channel.issue_token()
    request = _request(
        {
            "token": token,
            "message": " I am being blackmailed ",
            "website": "",
            "consent_services": "yes",
            "safe_contact": "tel:+92 300 1234567",
        }
    )
    channel.verify(request)
    (event,) = channel.parse(request)
    nonce = token.split(".")[2]
    assert str(event.urn) == f"web:{nonce}"
    assert event.provider_message_id == nonce
    assert event.body == "I am being blackmailed"
    assert event.new_contact  # a form submission never joins an existing case
    assert event.fields["consent_services"] is True
    assert event.fields["consent_statistics"] is False
    assert str(event.fields["safe_contact"]) == "tel:+923001234567"
    assert "blackmailed" not in repr(event) and nonce not in repr(event)


def test_resubmitting_the_same_form_has_the_same_provider_id(channel) -> None:
    token = channel.issue_token()
    first = channel.parse(_request({"token": token, "message": "hello"}))[0]
    second = channel.parse(_request({"token": token, "message": "hello"}))[0]
    assert first.provider_message_id == second.provider_message_id


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"message": "hi"}, "token is missing"),
        ({"token": "v1.1.abc", "message": "hi"}, "malformed"),
        ({"token": "garbage", "message": "hi"}, "malformed"),
        ({"token": issue_form_token(b"another-secret-entirely!"), "message": "hi"}, "not valid"),
        (
            {"token": issue_form_token(SECRET, now=time.time() - 3 * 3600), "message": "hi"},
            "expired",
        ),
        (
            {"token": issue_form_token(SECRET), "message": "hi", "website": "http://spam"},
            "automatically",
        ),
    ],
)
def test_bad_submissions_fail_verification(channel, fields, message) -> None:
    with pytest.raises(VerificationFailed, match=message):
        channel.verify(_request(fields))


def test_get_and_wrong_content_type_are_refused(channel) -> None:
    fields = {"token": channel.issue_token(), "message": "hi"}
    with pytest.raises(VerificationFailed, match="POST"):
        channel.verify(_request(fields, method="GET"))
    with pytest.raises(ChannelError, match="application/json"):
        channel.verify(_request(fields, headers={"Content-Type": "application/json"}))


def test_oversized_form_and_message_are_refused(channel) -> None:
    token = channel.issue_token()
    with pytest.raises(ChannelError, match="larger than 4096 bytes"):
        channel.verify(_request({"token": token, "message": "x" * 5000}))
    with pytest.raises(ChannelError, match="longer than 200 characters"):
        channel.parse(_request({"token": token, "message": "x" * 201}))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"message": "   "}, "write a message"),
        ({"message": "hi", "extra": "1"}, "unknown field 'extra'"),
        ({"message": "hi", "safe_contact": "tel:12"}, "safe contact method is not valid"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(channel, fields, message) -> None:
    with pytest.raises(ChannelError, match=message):
        channel.parse(_request({"token": channel.issue_token(), **fields}))


def test_repeated_field_is_refused(channel) -> None:
    token = channel.issue_token()
    body = f"token={token}&message=a&message=b".encode()
    request = InboundRequest(method="POST", url="https://h.example/form", headers=FORM, body=body)
    with pytest.raises(ChannelError, match="repeats the field 'message'"):
        channel.parse(request)


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ChannelError, match="at least 16 bytes"):
        WebFormChannel({"token_secret": "short"})
