"""The channel contract: how a channel plugin talks to the core.

A channel plugin owns the wire protocol of one provider (verify a request, parse it into
normalised events, send a reply). The core owns everything around it: routing to the
channel, raw-body capture, de-duplication, the outbox, retries and the answer to the
provider. Model: nyaruka/courier's handlers, normalised ``MsgIn``/``MsgOut`` and URNs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable
from uuid import UUID

from attrs import field, frozen

if TYPE_CHECKING:
    # Annotations only: importing the domain here would cost every start-up its load time.
    from helplinekit.domain.conversation import Attachment
    from helplinekit.domain.urns import URN

__all__ = [
    "BASE_CONTACT_SCHEMES",
    "Channel",
    "ChannelError",
    "ChannelEvent",
    "ChannelEventKind",
    "ChannelExample",
    "ChannelReply",
    "DeliveryStatus",
    "InboundMessage",
    "InboundRequest",
    "OutboundMessage",
    "ParsedEvent",
    "SendResult",
    "StatusUpdate",
    "VerificationFailed",
    "contact_schemes",
]

#: URN schemes a person may always name as a contact point: staff can ring a number and
#: write to an email address without any channel.
BASE_CONTACT_SCHEMES: tuple[str, ...] = ("mailto", "tel")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _lower_keys(headers: Mapping[str, str]) -> Mapping[str, str]:
    return {key.lower(): value for key, value in headers.items()}


# Not a HelplinekitError, on purpose: the message describes a provider's request (it may
# quote its payload, so survivor content), and the core answers the provider itself
# (400 or 403, a generic page for the web form) without ever showing the message to anyone.
class ChannelError(Exception):
    """A channel could not understand a request; the message says what was wrong."""


class VerificationFailed(ChannelError):
    """A request did not prove it came from the provider (bad or missing signature/token)."""


@frozen
class InboundRequest:
    """An HTTP request as the core captured it, before any parsing.

    The raw body is kept byte for byte because signatures are computed over raw bytes,
    never over re-serialised JSON.

    Attributes:
        method: HTTP method, upper case.
        url: the full public URL the provider called (behind a proxy, the configured
            public URL, not the internal one), including the query string.
        headers: header names lower-cased.
        body: the raw request body.
        remote_addr: the client address, if known (used only for rate limits, as an HMAC).
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(factory=dict, converter=_lower_keys, repr=False)
    body: bytes = field(default=b"", repr=False)
    remote_addr: str | None = field(default=None, repr=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header by case-insensitive name."""
        return self.headers.get(name.lower(), default)


@frozen
class InboundMessage:
    """A message from a survivor, normalised.

    Attributes:
        channel: the namespaced channel name (``web.form``, ``twilio.sms``).
        urn: who sent it (``tel:+923001234567``, ``web:<token>``).
        provider_message_id: the provider's id, used for de-duplication (stored as an HMAC).
        body: the text; may be empty when only attachments came.
        attachments: metadata of attached media.
        received_at: when the provider says it was sent, else when it arrived.
        display_name: a profile name the provider passed along, if any.
        thread_hint: the provider's conversation/thread id, if it has one.
        new_contact: True when the message must always open a new contact (the web form:
            typing someone's number must never write into their case).
        fields: extra structured answers (consent choices, a named safe channel).
    """

    channel: str
    urn: URN
    provider_message_id: str = field(repr=False)
    body: str = field(default="", repr=False)
    attachments: tuple[Attachment, ...] = ()
    received_at: datetime = field(factory=_utcnow)
    display_name: str | None = field(default=None, repr=False)
    thread_hint: str | None = field(default=None, repr=False)
    new_contact: bool = False
    fields: Mapping[str, Any] = field(factory=dict, repr=False)


class DeliveryStatus(enum.StrEnum):
    """How far an outbound message got, as the provider reports it."""

    queued = "queued"
    sent = "sent"
    delivered = "delivered"
    read = "read"
    failed = "failed"


@frozen
class StatusUpdate:
    """The provider reports on a message we sent.

    Attributes:
        channel: the channel name.
        provider_message_id: the provider's id of our outbound message.
        status: the new delivery status.
        error_code: the provider's error code, if any.
        stop_contacting: True when the recipient opted out or blocked us (e.g. Twilio
            21610, Telegram "bot was blocked"); the core records it and sends nothing more.
    """

    channel: str
    provider_message_id: str = field(repr=False)
    status: DeliveryStatus
    error_code: str | None = None
    stop_contacting: bool = False


class ChannelEventKind(enum.StrEnum):
    """Events that are neither messages nor delivery reports."""

    opted_out = "opted_out"
    opted_in = "opted_in"
    blocked = "blocked"
    call_started = "call_started"
    call_ended = "call_ended"
    other = "other"


@frozen
class ChannelEvent:
    """Something happened on the channel that is not a message (a STOP, a call ending).

    Attributes:
        channel: the channel name.
        kind: what happened.
        urn: who it concerns, if anyone.
        data: extra details, never shown in logs.
    """

    channel: str
    kind: ChannelEventKind
    urn: URN | None = None
    data: Mapping[str, Any] = field(factory=dict, repr=False)


ParsedEvent = InboundMessage | StatusUpdate | ChannelEvent


@frozen
class OutboundMessage:
    """A reply the outbox asks a channel to deliver.

    Attributes:
        id: the outbox entry id; also the idempotency key, so a retry never sends twice.
        channel: the channel name.
        urn: the recipient, already checked against the caller's safe-contact methods.
        body: the text.
        case_reference: the staff reference of the case (for channels that show one).
        case_id: the case the reply belongs to.
    """

    id: UUID
    channel: str
    urn: URN
    body: str = field(repr=False)
    case_id: UUID | None = None
    case_reference: str | None = None


@frozen
class SendResult:
    """What happened when a channel tried to send.

    Attributes:
        ok: the provider accepted the message.
        provider_message_id: the provider's id for it, when accepted.
        retryable: on failure, whether trying again later could succeed (a timeout, a 5xx)
            or not (an invalid number, the user blocked us).
        stop_contacting: the provider says the recipient opted out or blocked us.
        error: a short description for staff; never contains the message body.
    """

    ok: bool
    provider_message_id: str | None = field(default=None, repr=False)
    retryable: bool = False
    stop_contacting: bool = False
    error: str | None = None

    @classmethod
    def delivered(cls, provider_message_id: str | None = None) -> SendResult:
        """The provider accepted the message."""
        return cls(ok=True, provider_message_id=provider_message_id)

    @classmethod
    def failed(cls, error: str, *, retryable: bool, stop_contacting: bool = False) -> SendResult:
        """The provider refused or could not be reached; say whether to retry."""
        return cls(ok=False, retryable=retryable, stop_contacting=stop_contacting, error=error)


@frozen
class ChannelReply:
    """The HTTP answer the core gives the provider after it has committed the events."""

    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""


@frozen
class ChannelExample:
    """A known-good request for a channel's conformance test.

    Attributes:
        settings: channel settings as they would appear in ``helpline.toml``.
        request: a request the channel must verify and parse.
        expected_urns: the sender URNs, as strings, that parsing must produce.
        tampered: a copy of the request with its body or signature altered, which
            ``verify`` must reject; None for channels with nothing to forge.
    """

    settings: Mapping[str, Any]
    request: InboundRequest
    expected_urns: tuple[str, ...]
    tampered: InboundRequest | None = None


@runtime_checkable
class Channel(Protocol):
    """What a channel plugin implements.

    A channel is registered as a class; the core instantiates it with the settings
    from ``helpline.toml`` (``[channels.settings."<name>"]``) when the deployment enables it.

    Attributes:
        name: the namespaced channel name, e.g. ``twilio.sms``.
        title: a human name for staff (``"SMS (Twilio)"``).
        supports_poll: True for pull channels (IMAP) whose ``poll`` the worker calls.

    Optional class attribute (read with :func:`contact_schemes`, so channels written before it
    keep working without it):

    ``contact_schemes: ClassVar[tuple[str, ...]]``
        the URN schemes this channel can reach someone at, e.g. ``("whatsapp",)``. Where a
        person types a contact point (the web form's "a safe way to reach me"), the helpline
        accepts ``tel:``, ``mailto:`` and the schemes its enabled channels declare. Default
        ``()``: a channel that declares nothing adds no scheme. The web form declares ``()``
        on purpose: its ``web:`` URNs name a form submission, not a way to reach anyone.

    ``derived_secrets: ClassVar[Mapping[str, str]]``
        secrets the core derives from the deployment's keys and adds to the settings, by
        setting name → purpose, e.g. ``{"token_secret": "web-form-token:v1"}`` (the web form
        signs its form tokens with it). A secret derived this way is never written in
        ``helpline.toml``, and each purpose gets a key of its own. Default: none.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    supports_poll: ClassVar[bool]

    def __init__(self, settings: Mapping[str, Any]) -> None: ...

    def verify(self, request: InboundRequest) -> None:
        """Check that the request really comes from the provider.

        Compare secrets in constant time. Raise :class:`VerificationFailed` saying what
        was wrong (never echoing the secret); return None when the request is genuine.
        """
        ...

    def parse(self, request: InboundRequest) -> Sequence[ParsedEvent]:
        """Turn a verified request into normalised events, each with a URN.

        Raise :class:`ChannelError` for a malformed request. Must not do I/O.
        """
        ...

    def send(self, message: OutboundMessage) -> SendResult:
        """Deliver one outbound message; say whether a failure is worth retrying."""
        ...

    def reply(self, events: Sequence[ParsedEvent]) -> ChannelReply:
        """The answer for the provider once the core has committed the events."""
        ...

    def poll(self) -> Iterable[ParsedEvent]:
        """Fetch new events from a pull channel (only called when ``supports_poll``)."""
        ...

    @classmethod
    def example(cls) -> ChannelExample:
        """A sample request for the conformance kit in :mod:`helplinekit.testing`."""
        ...


def contact_schemes(channels: Iterable[object]) -> tuple[str, ...]:
    """The URN schemes a typed contact point may use: ``mailto``, ``tel`` and what each of
    ``channels`` (classes or instances) declares in ``contact_schemes``, sorted."""
    declared = {
        scheme for channel in channels for scheme in getattr(channel, "contact_schemes", ())
    }
    return tuple(sorted(declared.union(BASE_CONTACT_SCHEMES)))
