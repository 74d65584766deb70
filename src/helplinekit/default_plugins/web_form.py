"""Built-in plugin: the ``web.form`` channel, the helpline's own public form.

This module owns the form's wire format: the signed form token, the honeypot, size limits
and parsing. The pages themselves come with the console.

The form token is the form's CSRF proof and its de-duplication key at once: it is issued
with the page (``v1.<issued>.<nonce>.<mac>``), the MAC binds the issue time and the nonce
to the helpline's secret, and the nonce becomes the provider message id, so a form
submitted twice (a double click, a retry) is stored once. Every submission opens a new
contact under ``web:<nonce>``: typing someone else's phone number into the form can never
write into their case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode

from helplinekit import hookimpl
from helplinekit.contracts.channel import (
    ChannelError,
    ChannelExample,
    ChannelReply,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    ParsedEvent,
    SendResult,
    VerificationFailed,
)
from helplinekit.hookspecs import Register

NAME = "web.form"
TOKEN_VERSION = "v1"
HONEYPOT_FIELD = "website"
DEFAULT_MAX_BODY_BYTES = 64 * 1024
DEFAULT_MAX_MESSAGE_CHARS = 10_000
DEFAULT_TOKEN_MAX_AGE = 2 * 60 * 60
_FORM_FIELDS = frozenset(
    {
        "token",
        "message",
        HONEYPOT_FIELD,
        "language",
        "consent_services",
        "consent_statistics",
        "safe_contact",
    }
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _mac(secret: bytes, issued: int, nonce: str) -> str:
    message = f"{TOKEN_VERSION}|{issued}|{nonce}".encode()
    return _b64(hmac.new(secret, message, hashlib.sha256).digest())


def issue_form_token(secret: bytes, *, now: float | None = None) -> str:
    """A fresh form token for one page view of the form."""
    issued = int(time.time() if now is None else now)
    nonce = _b64(secrets.token_bytes(18))
    return f"{TOKEN_VERSION}.{issued}.{nonce}.{_mac(secret, issued, nonce)}"


def check_form_token(secret: bytes, token: str, *, max_age: int, now: float | None = None) -> str:
    """Return the token's nonce if it is genuine and fresh; raise VerificationFailed otherwise."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not parts[1].isdigit():
        raise VerificationFailed("The form token is malformed; reload the form.")
    _, issued_text, nonce, mac = parts
    issued = int(issued_text)
    if not hmac.compare_digest(_mac(secret, issued, nonce), mac):
        raise VerificationFailed("The form token is not valid; reload the form.")
    age = (time.time() if now is None else now) - issued
    if age > max_age or age < -60:
        raise VerificationFailed("The form has expired; reload it and send your message again.")
    return nonce


def _secret_bytes(value: Any) -> bytes:
    if isinstance(value, bytes) and len(value) >= 16:
        return value
    if isinstance(value, str) and len(value) >= 16:
        return value.encode()
    raise ChannelError(
        "web.form needs a 'token_secret' of at least 16 bytes; the core derives it from the "
        "deployment's keys."
    )


class WebFormChannel:
    """The public web form: anonymous messages with a signed form token."""

    name: ClassVar[str] = NAME
    title: ClassVar[str] = "Web form"
    supports_poll: ClassVar[bool] = False
    # A web: URN names one form submission; nobody can be reached at it.
    contact_schemes: ClassVar[tuple[str, ...]] = ()
    # The form-token secret is derived from the deployment's keys: never in the config.
    derived_secrets: ClassVar[Mapping[str, str]] = {"token_secret": "web-form-token:v1"}

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self._secret = _secret_bytes(settings.get("token_secret"))
        self.max_body_bytes = int(settings.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES))
        self.max_message_chars = int(settings.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS))
        self.token_max_age = int(settings.get("token_max_age_seconds", DEFAULT_TOKEN_MAX_AGE))

    def issue_token(self, *, now: float | None = None) -> str:
        return issue_form_token(self._secret, now=now)

    def _form(self, request: InboundRequest) -> dict[str, str]:
        if len(request.body) > self.max_body_bytes:
            raise ChannelError(f"The form is larger than {self.max_body_bytes} bytes.")
        content_type = (request.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise ChannelError(
                f"The form must be sent as application/x-www-form-urlencoded, not {content_type!r}."
            )
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise ChannelError("The form is not UTF-8.") from None
        parsed = parse_qs(text, keep_blank_values=True, strict_parsing=False, max_num_fields=32)
        repeated = sorted(key for key, values in parsed.items() if len(values) > 1)
        if repeated:
            raise ChannelError(f"The form repeats the field {repeated[0]!r}.")
        return {key: values[0] for key, values in parsed.items()}

    def verify(self, request: InboundRequest) -> None:
        if request.method.upper() != "POST":
            raise VerificationFailed("The form must be sent with POST.")
        form = self._form(request)
        if form.get(HONEYPOT_FIELD, ""):
            # Only automated senders fill the invisible field.
            raise VerificationFailed("The form was filled in automatically.")
        token = form.get("token")
        if not token:
            raise VerificationFailed("The form token is missing; reload the form.")
        check_form_token(self._secret, token, max_age=self.token_max_age)

    def parse(self, request: InboundRequest) -> Sequence[ParsedEvent]:
        from helplinekit.domain.errors import InvalidURN
        from helplinekit.domain.urns import URN, parse_urn

        form = self._form(request)
        unknown = sorted(set(form) - _FORM_FIELDS)
        if unknown:
            raise ChannelError(f"The form has an unknown field {unknown[0]!r}.")
        token = form.get("token", "")
        nonce = token.split(".")[2] if token.count(".") == 3 else ""
        if not nonce:
            raise ChannelError("The form token is missing; reload the form.")
        body = form.get("message", "").strip()
        if not body:
            raise ChannelError("Please write a message before sending the form.")
        if len(body) > self.max_message_chars:
            raise ChannelError(
                f"The message is longer than {self.max_message_chars} characters; shorten it."
            )
        safe_contact = form.get("safe_contact", "").strip()
        fields: dict[str, Any] = {
            "consent_services": form.get("consent_services") == "yes",
            "consent_statistics": form.get("consent_statistics") == "yes",
            "language": form.get("language") or None,
        }
        if safe_contact:
            try:
                fields["safe_contact"] = parse_urn(safe_contact)
            except InvalidURN as error:
                raise ChannelError(f"The safe contact method is not valid: {error}") from None
        return [
            InboundMessage(
                channel=self.name,
                urn=URN(scheme="web", path=nonce),
                provider_message_id=nonce,
                body=body,
                new_contact=True,
                fields=fields,
            )
        ]

    def send(self, message: OutboundMessage) -> SendResult:
        # The reply is already stored, encrypted, with its case; "sending" on the web form
        # means publishing it to the survivor's "check my case" page, which the core does
        # when this returns success. There is no provider that could fail.
        return SendResult.delivered(provider_message_id=f"web.form:{message.id}")

    def reply(self, events: Sequence[ParsedEvent]) -> ChannelReply:
        return ChannelReply(status=200)

    def poll(self) -> Iterable[ParsedEvent]:
        return ()

    @classmethod
    def example(cls) -> ChannelExample:
        secret = b"example-secret-for-conformance-tests"
        token = issue_form_token(secret)
        nonce = token.split(".")[2]
        body = urlencode(
            {"token": token, "message": "Someone is posting my photos.", HONEYPOT_FIELD: ""}
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        forged_token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        forged = urlencode({"token": forged_token, "message": "x", HONEYPOT_FIELD: ""}).encode()
        url = "https://helpline.example/form"
        return ChannelExample(
            settings={"token_secret": secret},
            request=InboundRequest(method="POST", url=url, headers=headers, body=body),
            expected_urns=(f"web:{nonce}",),
            tampered=InboundRequest(method="POST", url=url, headers=headers, body=forged),
        )


@hookimpl
def register_channels(register: Register) -> None:
    register(WebFormChannel)
