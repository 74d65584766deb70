"""The channel's own tests: the conformance kit, signatures, parsing, and ``send`` against a
real HTTP server on 127.0.0.1 (so the error handling is tested, not assumed)."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from helplinekit.contracts import (
    ChannelError,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    VerificationFailed,
)
from helplinekit.domain.urns import parse_urn
from helplinekit.registry import Registries
from helplinekit.testing import assert_channel_conforms

import {{ cookiecutter.__module }} as plugin

SECRET = plugin.example_settings()["webhook_secret"].encode()


def signed(payload: object, *, signature: str | None = None) -> InboundRequest:
    body = json.dumps(payload).encode()
    return InboundRequest(
        method="POST",
        url="https://helpline.example/c/webhook",
        headers={plugin.SIGNATURE_HEADER: signature or plugin.sign(SECRET, body)},
        body=body,
    )


def channel(**settings: object) -> plugin.WebhookChannel:
    return plugin.WebhookChannel({**plugin.example_settings(), **settings})


def outbound(body: str = "We have your message.") -> OutboundMessage:
    return OutboundMessage(
        id=uuid.uuid4(), channel=plugin.NAME, urn=parse_urn("tel:+447700900123"), body=body
    )


def test_channel_conforms() -> None:
    # The example request verifies and parses to the expected URN; a forgery is refused.
    assert_channel_conforms(plugin.WebhookChannel)


def test_hook_registers_the_channel(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "{{ cookiecutter.__namespace }}"):
        assert Registries(plugin_manager).channels.get(plugin.NAME) is plugin.WebhookChannel


def test_missing_or_wrong_signature_is_refused() -> None:
    request = signed(plugin.example_payload())
    unsigned = InboundRequest(method="POST", url=request.url, body=request.body)
    with pytest.raises(VerificationFailed, match="no X-Signature"):
        channel().verify(unsigned)
    with pytest.raises(VerificationFailed, match="does not match"):
        channel().verify(signed(plugin.example_payload(), signature="sha256=" + "0" * 64))
    with pytest.raises(VerificationFailed, match="does not match"):
        channel().verify(signed(plugin.example_payload(), signature="sha256=é"))


def test_parse_gives_a_normalised_phone_urn() -> None:
    payload = {"id": "m-2", "from": "+44 7700 900123", "text": "Hello", "name": "A"}
    [message] = channel().parse(signed(payload))
    assert isinstance(message, InboundMessage)
    assert str(message.urn) == "tel:+447700900123"
    assert (message.provider_message_id, message.body) == ("m-2", "Hello")
    assert message.display_name == "A"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ([1, 2], "JSON object"),
        ({"from": "+447700900123", "text": "x"}, "no 'id'"),
        ({"id": "m-3", "text": "x"}, "'from' and 'text'"),
        ({"id": "m-4", "from": "not a number", "text": "x"}, "not a phone number"),
    ],
)
def test_malformed_messages_are_refused(payload: object, error: str) -> None:
    with pytest.raises(ChannelError, match=error):
        channel().parse(signed(payload))


def test_settings_are_checked() -> None:
    with pytest.raises(ChannelError, match="webhook secret"):
        channel(webhook_secret="short")
    with pytest.raises(ChannelError, match="api_url"):
        channel(api_url="http://provider.example/insecure")
    with pytest.raises(ChannelError, match="api_url"):
        channel(api_url="file:///etc/passwd")
    with pytest.raises(ChannelError, match="credentials"):
        channel(api_url="https://user:password@provider.example/v1/messages")


# -- send, against a real local HTTP server --------------------------------------------------


class FakeProvider(BaseHTTPRequestHandler):
    """Answers POST /<status> with that status; remembers what it received."""

    received: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status = int(self.path.strip("/"))
        answer = json.dumps({"id": "provider-42"}).encode() if status < 300 else b"{}"
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/200")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    FakeProvider.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    # A short poll interval, so shutting the server down after each test is quick.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_send_2xx_is_delivered_with_the_providers_id(provider: str) -> None:
    message = outbound()
    result = channel(api_url=f"{provider}/200", api_token="t0ken").send(message)
    assert result.ok and result.provider_message_id == "provider-42"
    [request] = FakeProvider.received
    assert json.loads(request["body"]) == {
        "id": str(message.id),
        "to": "+447700900123",
        "text": "We have your message.",
    }
    assert request["headers"]["Idempotency-Key"] == str(message.id)
    assert request["headers"]["Authorization"] == "Bearer t0ken"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_send_5xx_and_429_are_retryable(provider: str, status: int) -> None:
    result = channel(api_url=f"{provider}/{status}").send(outbound("secret words"))
    assert not result.ok and result.retryable
    assert "secret words" not in (result.error or "")


@pytest.mark.parametrize("status", [400, 401, 404, 302])
def test_send_4xx_and_redirects_are_not_retryable(provider: str, status: int) -> None:
    result = channel(api_url=f"{provider}/{status}").send(outbound())
    assert not result.ok and not result.retryable
    assert len(FakeProvider.received) == 1  # a redirect is never followed


def test_send_timeout_is_retryable() -> None:
    # A listening socket that never answers: the connection opens, the reply never comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        result = channel(api_url=url, timeout_seconds=0.2).send(outbound())
    assert not result.ok and result.retryable


def test_send_unreachable_is_retryable() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = channel(api_url=f"http://127.0.0.1:{port}/").send(outbound())
    assert not result.ok and result.retryable


def test_reply_and_poll() -> None:
    assert channel().reply([]).status == 200
    assert tuple(channel().poll()) == ()
