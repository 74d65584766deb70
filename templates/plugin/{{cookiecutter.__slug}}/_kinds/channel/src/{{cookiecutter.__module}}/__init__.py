"""A channel plugin for helplinekit: ``{{ cookiecutter.__namespace }}.webhook``.

The provider calls the helpline's webhook with a small JSON message signed with HMAC-SHA256,
and the helpline sends replies by POSTing JSON to the provider's API. Adapt the payloads in
``parse`` and ``send`` to your provider's API; README.md lists what else to check.

The core does the rest: it captures the raw body, calls ``verify`` and ``parse``, stores the
message (de-duplicated on its provider id) before it answers the provider, and retries
``send`` from the outbox with the same message id until it succeeds or says not to retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

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

if TYPE_CHECKING:
    import urllib.request

NAME = "{{ cookiecutter.__namespace }}.webhook"
TITLE = {{ cookiecutter.name | py_string }}

#: The header carrying ``sha256=<hex HMAC-SHA256(webhook secret, raw body)>``.
SIGNATURE_HEADER = "X-Signature"
#: Secrets come from the service's environment, never from helpline.toml.
SECRET_ENV = "HELPLINEKIT_{{ cookiecutter.__namespace | upper }}_WEBHOOK_SECRET"
TOKEN_ENV = "HELPLINEKIT_{{ cookiecutter.__namespace | upper }}_API_TOKEN"
MIN_SECRET_BYTES = 16
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_MAX_RESPONSE_BYTES = 64 * 1024
_LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def sign(secret: bytes, body: bytes) -> str:
    """The signature header value the provider sends with ``body``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _secret(settings: Mapping[str, Any]) -> bytes:
    value = settings.get("webhook_secret") or os.environ.get(SECRET_ENV, "")
    secret = value.encode() if isinstance(value, str) else bytes(value)
    if len(secret) < MIN_SECRET_BYTES:
        raise ChannelError(
            f"{NAME} needs the provider's webhook secret, at least {MIN_SECRET_BYTES} bytes, "
            f"in the environment variable {SECRET_ENV}."
        )
    return secret


def _api_url(value: object) -> str:
    url = str(value or "")
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ChannelError(f"{NAME}: api_url must not contain credentials; use {TOKEN_ENV}.")
    local = parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS
    if not parts.hostname or (parts.scheme != "https" and not local):
        raise ChannelError(
            f"{NAME} needs api_url, the provider's https URL for sending messages, in "
            f'[channels.settings."{NAME}"] of helpline.toml (got {url!r}).'
        )
    return url


def _opener() -> urllib.request.OpenerDirector:
    import urllib.request

    class RefuseRedirects(urllib.request.HTTPRedirectHandler):
        # urllib would turn a redirected POST into a GET without the body, and call it sent.
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(RefuseRedirects)


class WebhookChannel:
    """Messages from the provider's signed JSON webhook; replies through its HTTP API.

    Settings, in the channel's table of helpline.toml: ``api_url`` (required),
    ``timeout_seconds``, ``max_body_bytes``. Secrets come from the environment: the webhook
    secret (:data:`SECRET_ENV`) and, if the provider needs one, an API token (:data:`TOKEN_ENV`).
    """

    name: ClassVar[str] = NAME
    title: ClassVar[str] = TITLE
    supports_poll: ClassVar[bool] = False

    def __init__(self, settings: Mapping[str, Any]) -> None:
        # The webhook_secret and api_token settings exist for tests and the conformance kit;
        # deployments use the environment variables, so no secret sits in helpline.toml.
        self._secret = _secret(settings)
        self._api_token = settings.get("api_token") or os.environ.get(TOKEN_ENV) or None
        self.api_url = _api_url(settings.get("api_url"))
        self.timeout = float(settings.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS))
        self.max_body_bytes = int(settings.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES))

    # -- inbound -------------------------------------------------------------------------

    def verify(self, request: InboundRequest) -> None:
        if request.method.upper() != "POST":
            raise VerificationFailed(f"{NAME} accepts only POST requests.")
        signature = request.header(SIGNATURE_HEADER)
        if not signature:
            raise VerificationFailed(f"The request has no {SIGNATURE_HEADER} header.")
        expected = sign(self._secret, request.body)
        # Constant time, on bytes: a header with non-ASCII text must fail, not crash.
        if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
            raise VerificationFailed(
                f"The {SIGNATURE_HEADER} signature does not match the body; check the "
                f"webhook secret in {SECRET_ENV}."
            )

    def parse(self, request: InboundRequest) -> Sequence[ParsedEvent]:
        from helplinekit.domain.errors import InvalidURN
        from helplinekit.domain.urns import parse_urn

        if len(request.body) > self.max_body_bytes:
            raise ChannelError(f"The request is larger than {self.max_body_bytes} bytes.")
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ChannelError("The request body is not JSON in UTF-8.") from None
        if not isinstance(payload, dict):
            raise ChannelError("The request body must be a JSON object.")
        message_id, sender, text = payload.get("id"), payload.get("from"), payload.get("text", "")
        if not isinstance(message_id, str) or not message_id:
            raise ChannelError("The message has no 'id'; it cannot be de-duplicated.")
        if not isinstance(sender, str) or not isinstance(text, str):
            raise ChannelError("The message needs 'from' and 'text' as strings.")
        try:
            urn = parse_urn(f"tel:{sender}")
        except InvalidURN:
            # Never quote the number: it identifies a survivor.
            raise ChannelError(
                "The sender ('from') is not a phone number in international form."
            ) from None
        name = payload.get("name")
        return [
            InboundMessage(
                channel=self.name,
                urn=urn,
                provider_message_id=message_id,
                body=text,
                display_name=name if isinstance(name, str) and name else None,
            )
        ]

    def reply(self, events: Sequence[ParsedEvent]) -> ChannelReply:
        return ChannelReply(status=200, content_type="application/json", body=b'{"ok": true}')

    def poll(self) -> Iterable[ParsedEvent]:
        return ()

    @classmethod
    def example(cls) -> ChannelExample:
        """A signed sample request, and a tampered copy, for the conformance kit."""
        settings = example_settings()
        secret = settings["webhook_secret"].encode()
        body = json.dumps(example_payload()).encode()
        signature = sign(secret, body)
        return ChannelExample(
            settings=settings,
            request=_example_request(body, signature),
            expected_urns=("tel:+447700900123",),
            tampered=_example_request(body.replace(b"my photos", b"my papers"), signature),
        )

    # -- outbound ------------------------------------------------------------------------

    def send(self, message: OutboundMessage) -> SendResult:
        import urllib.error
        import urllib.request

        if message.urn.scheme != "tel":
            return SendResult.failed(
                f"{NAME} sends only to phone numbers (tel:), not {message.urn.scheme}:.",
                retryable=False,
            )
        payload = {"id": str(message.id), "to": message.urn.path, "text": message.body}
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            # The outbox retries with the same id: the provider can drop a duplicate.
            "Idempotency-Key": str(message.id),
        }
        if self._api_token:
            headers["Authorization"] = f"Bearer {self._api_token}"
        request = urllib.request.Request(
            self.api_url, data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            with _opener().open(request, timeout=self.timeout) as response:
                answer = response.read(_MAX_RESPONSE_BYTES)
        except urllib.error.HTTPError as error:
            error.close()
            return _failure_for_status(error.code)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            # Unreachable, refused, timed out: the provider may be back later.
            return SendResult.failed(
                f"The provider could not be reached ({type(error).__name__}).", retryable=True
            )
        return SendResult.delivered(provider_message_id=_provider_id(answer))


def _failure_for_status(status: int) -> SendResult:
    # Error texts never contain the message body or the recipient.
    if status == 429 or status >= 500:
        return SendResult.failed(
            f"The provider answered HTTP {status}; the message will be sent again later.",
            retryable=True,
        )
    if 300 <= status < 400:
        return SendResult.failed(
            f"The provider redirected the message (HTTP {status}); set api_url to the final URL.",
            retryable=False,
        )
    return SendResult.failed(
        f"The provider refused the message (HTTP {status}); check api_url, the API token "
        "and the recipient.",
        retryable=False,
    )


def _provider_id(answer: bytes) -> str | None:
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if value else None


def example_settings() -> dict[str, Any]:
    """Settings for tests: a made-up secret and an API URL that is never called."""
    return {
        "webhook_secret": "example-secret-for-conformance-tests",
        "api_url": "https://provider.example/v1/messages",
    }


def example_payload() -> dict[str, str]:
    """A message as the provider sends it (+44 7700 900xxx is reserved for fiction)."""
    return {"id": "msg-0001", "from": "+447700900123", "text": "Someone is posting my photos."}


def _example_request(body: bytes, signature: str) -> InboundRequest:
    return InboundRequest(
        method="POST",
        url=f"https://helpline.example/c/{NAME}",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        body=body,
    )


@hookimpl
def register_channels(register: Register) -> None:
    register(WebhookChannel)
