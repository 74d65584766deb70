"""Intake: receive, commit, acknowledge.

In one short transaction: de-duplicate on (channel, provider message id), find the caller
through the blind index, find or open the contact and the case, store the message
encrypted, enqueue a triage job. Commit, then acknowledge. No plugin code runs inside this
transaction, so a faulty plugin can never lose a survivor's message.

A message from the public web form also brings the survivor's access to their new case (the
HMAC of a case code and the Argon2id hash of their passphrase, see :class:`SurvivorAccess`).
It is stored in the same transaction as the message: either both are committed or neither
is, so no survivor is left with a stored message and no code. The slow passphrase hash is
computed by the caller before the transaction opens.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from attrs import field, frozen

from helplinekit.contracts.channel import (
    ChannelEvent,
    ChannelEventKind,
    InboundMessage,
    InboundRequest,
    ParsedEvent,
    StatusUpdate,
)
from helplinekit.db.errors import DuplicateRow
from helplinekit.domain import (
    URN,
    Caller,
    Case,
    CaseAttributes,
    CaseStatus,
    Consent,
    Contact,
    ContactKind,
    Direction,
    Message,
    SafeContactMethod,
    Task,
    TaskKind,
)
from helplinekit.domain.states import DeliveryState
from helplinekit.services.context import ServiceContext

TRIAGE_JOB = "triage"
#: Runs of the intake transaction when a concurrent writer wins a race for a unique row.
INTAKE_ATTEMPTS = 3
#: When staff should answer a survivor who named a safe channel instead of the web page.
CALLBACK_DUE = timedelta(hours=24)


@frozen
class SurvivorAccess:
    """How a survivor reads the replies to the case their message opens.

    Attributes:
        code_hash: the HMAC of their case code (the code itself never reaches the database).
        passphrase_hash: the Argon2id hash of the passphrase they chose.
    """

    code_hash: str = field(repr=False)
    passphrase_hash: str = field(repr=False)


#: Draws a fresh :class:`SurvivorAccess` (a new case code) for each run of the intake
#: transaction, so a run retried after a clash on a unique row does not reuse a code.
AccessFactory = Callable[[], SurvivorAccess]


@frozen
class IntakeResult:
    """What happened to one inbound message.

    Attributes:
        stored: a new message was stored (False for a duplicate delivery).
        duplicate: the same provider message was already stored.
        case_id: the case it joined (None for a duplicate).
        case_reference: that case's reference.
        message_id: the stored message's id.
        opened_case: a new case was opened for it.
        access: the survivor's access stored with it, when one was asked for.
    """

    stored: bool
    duplicate: bool = False
    case_id: uuid.UUID | None = None
    case_reference: str | None = None
    message_id: uuid.UUID | None = None
    opened_case: bool = False
    access: SurvivorAccess | None = field(default=None, repr=False)


def _kind(channel: str) -> ContactKind:
    return ContactKind.WEB_FORM if channel == "web.form" else ContactKind.MESSAGE_THREAD


def receive_message(
    ctx: ServiceContext, event: InboundMessage, *, access: AccessFactory | None = None
) -> IntakeResult:
    """Store one inbound message durably; return once it is committed.

    With ``access``, the survivor's access to the case the message opens is stored in the
    same transaction (a duplicate delivery stores neither). Only a message that opens its own
    contact (``new_contact``, as the web form's do) can bring access: anything else could hand
    out a code to someone else's case.

    On PostgreSQL two transactions can race past the checks: two deliveries of the same
    message, or the year's first two cases. The loser violates a unique constraint (at a
    flush or at the commit) and is rolled back, so it is run again: the new run sees the
    winner's committed rows, and says "duplicate" only once the message is really stored.
    A clash on a case code (astronomically rare) is retried the same way, with a new code.
    """
    if access is not None and not event.new_contact:
        raise ValueError(
            "Access with a case code can only come with a message that opens its own case "
            "(new_contact=True)."
        )
    for attempt in range(1, INTAKE_ATTEMPTS + 1):
        try:
            return _receive_once(ctx, event, access)
        except DuplicateRow:
            if attempt == INTAKE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _receive_once(
    ctx: ServiceContext, event: InboundMessage, access: AccessFactory | None
) -> IntakeResult:
    now = ctx.clock()
    with ctx.database.uow() as uow:
        if uow.messages.seen(event.channel, event.provider_message_id):
            return IntakeResult(stored=False, duplicate=True)

        caller = None if event.new_contact else uow.callers.find_by_urn(event.urn)
        new_case_id = uuid.uuid4()
        new_caller = caller is None
        if caller is None:
            caller = _new_caller(event, now, new_case_id)
            uow.callers.add(caller)
            case = None
        else:
            case = uow.cases.joinable_case_for(caller.id)

        opened = case is None
        reopened_from: CaseStatus | None = None
        if case is None:
            case = Case(
                id=new_case_id,
                reference=uow.cases.next_reference(ctx.config.helpline.reference_prefix, now.year),
                caller_id=caller.id,
                language=_language(ctx, event),
                attributes=CaseAttributes(first_contact_channel=event.channel),
                # What the survivor agreed to when they first wrote belongs to this case.
                consent=caller.consent if new_caller else Consent(),
                opened_at=now,
            )
            uow.cases.add(case)
        elif case.status is CaseStatus.RESOLVED:
            # The survivor wrote again about a resolved case: reopen it so it is seen.
            reopened_from = case.status
            case = case.transition(CaseStatus.IN_PROGRESS, at=now)
            uow.cases.save(case)

        contact = (
            None
            if opened or event.new_contact
            else uow.contacts.ongoing(case.id, event.channel, now)
        )
        if contact is None:
            contact = Contact(
                caller_id=caller.id,
                case_id=case.id,
                channel=event.channel,
                kind=_kind(event.channel),
                is_first_contact=opened,
                started_at=now,
            )
            uow.contacts.add(contact, address=event.urn)

        message = Message(
            contact_id=contact.id,
            direction=Direction.INBOUND,
            channel=event.channel,
            provider_message_id=event.provider_message_id,
            body=event.body,
            attachments=event.attachments,
            created_at=now,
        )
        uow.messages.add(message, case.id)
        uow.jobs.enqueue(TRIAGE_JOB, now, case_id=case.id, message_id=message.id)

        safe_contact = event.fields.get("safe_contact")
        if opened and isinstance(safe_contact, URN):
            # The survivor named a way to be answered. Anyone can type anyone's number into a
            # public form (an abuser could type the survivor's, or it may belong to someone
            # else on record), so nobody calls it until staff have confirmed it with the
            # survivor; confirming it creates the call-back task.
            uow.tasks.save(
                Task(
                    case_id=case.id,
                    kind=TaskKind.FOLLOW_UP,
                    title=CONFIRM_SAFE_CONTACT_TASK,
                    due_at=now + CALLBACK_DUE,
                )
            )

        granted = None
        if access is not None:
            if not opened:  # new_contact always opens a case; never grant access to another
                raise AssertionError("Survivor access is only granted to a case just opened.")
            granted = access()
            uow.survivor_access.grant(
                case.id,
                code_hash=granted.code_hash,
                passphrase_hash=granted.passphrase_hash,
                now=now,
            )

        committed_case = case
        if opened:
            uow.after_commit(lambda: ctx.notify("case_opened", case=committed_case))
        if reopened_from is not None:
            previous = reopened_from
            uow.after_commit(
                lambda: ctx.notify("case_status_changed", case=committed_case, previous=previous)
            )
        uow.after_commit(
            lambda: ctx.notify("message_received", case=committed_case, message=message)
        )
        uow.commit()
    return IntakeResult(
        stored=True,
        case_id=case.id,
        case_reference=case.reference,
        message_id=message.id,
        opened_case=opened,
        access=granted,
    )


#: The task a safe contact typed into the public form creates (nobody calls it yet).
CONFIRM_SAFE_CONTACT_TASK = (
    "Confirm with the survivor (in a reply on their 'Check my case' page) that the contact "
    "method they marked safe is theirs and safe to use, then mark it confirmed on the case "
    "page. Do not call or write to it before."
)


def _new_caller(event: InboundMessage, now: object, case_id: uuid.UUID) -> Caller:
    fields = event.fields
    gave_consent = bool(fields.get("consent_services") or fields.get("consent_statistics"))
    consent = Consent(
        services=bool(fields.get("consent_services")),
        anonymised_statistics=bool(fields.get("consent_statistics")),
        recorded_at=now if gave_consent else None,  # type: ignore[arg-type]
    )
    safe = fields.get("safe_contact")
    return Caller(
        contact_points=[event.urn],
        display_name=event.display_name,
        consent=consent,
        safe_contact_methods=[SafeContactMethod(urn=safe, case_id=case_id, confirmed=False)]
        if isinstance(safe, URN)
        else [],
        created_at=now,  # type: ignore[arg-type]
    )


def _language(ctx: ServiceContext, event: InboundMessage) -> str:
    chosen = event.fields.get("language")
    if isinstance(chosen, str) and chosen in ctx.config.languages.enabled:
        return chosen
    return ctx.config.languages.default


@frozen
class ReceiveResult:
    """What a channel request produced, for the answer to the provider."""

    events: tuple[ParsedEvent, ...]
    results: tuple[IntakeResult, ...]


def receive_request(
    ctx: ServiceContext,
    channel_name: str,
    request: InboundRequest,
    *,
    access: AccessFactory | None = None,
) -> ReceiveResult:
    """Verify and parse a provider's request, then store each event.

    Raises the channel's VerificationFailed or ChannelError before anything is stored.
    With ``access`` the request must carry exactly one message, and the survivor's access
    is stored in the same transaction as that message (see :func:`receive_message`).
    """
    channel = ctx.channels.get(channel_name)
    if channel is None:
        raise LookupError(f"Channel {channel_name!r} is not enabled in this deployment.")
    channel.verify(request)
    events = tuple(channel.parse(request))
    if access is not None and sum(isinstance(e, InboundMessage) for e in events) != 1:
        raise ValueError("Survivor access can only be stored with exactly one message.")
    results = []
    for event in events:
        if isinstance(event, InboundMessage):
            results.append(receive_message(ctx, event, access=access))
        elif isinstance(event, StatusUpdate):
            record_status(ctx, event)
        elif (
            isinstance(event, ChannelEvent)
            and event.urn is not None
            and event.kind in (ChannelEventKind.opted_out, ChannelEventKind.blocked)
        ):
            block_address(ctx, event.channel, event.urn)
    return ReceiveResult(events=events, results=tuple(results))


def block_address(ctx: ServiceContext, channel: str, address: URN) -> None:
    """Never send to ``address`` on ``channel`` again (it opted out or blocked us)."""
    with ctx.database.uow() as uow:
        uow.contacts.block(channel, address, ctx.clock())
        uow.commit()


def record_status(ctx: ServiceContext, update: StatusUpdate) -> None:
    """Record a delivery report against the outbound message it concerns."""
    with ctx.database.uow() as uow:
        digest = uow.messages.provider_hash(update.channel, update.provider_message_id)
        reply = uow.outbox.sent_as(update.channel, digest)
        if reply is None:
            return
        uow.messages.set_delivery(reply.message_id, DeliveryState(update.status.value))
        if update.stop_contacting:
            address = uow.contacts.address(reply.contact_id)
            uow.contacts.block(update.channel, address, ctx.clock())
        uow.commit()
