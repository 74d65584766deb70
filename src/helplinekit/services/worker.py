"""The worker: runs triage jobs and drains the outbox.

Several workers (processes or machines) can run at once: claims are exclusive leases, so
no job and no reply is processed by two workers at the same time. A reply is sent
at-least-once with its outbox id as the idempotency key, so the channel (or the provider)
can recognise a retry and never deliver it twice.
"""

from __future__ import annotations

import os
import socket
import uuid

from attrs import define, field

from helplinekit.contracts.channel import OutboundMessage
from helplinekit.domain.states import DeliveryState
from helplinekit.services.check_guard import prune_rate_limits
from helplinekit.services.context import ServiceContext, log
from helplinekit.services.intake import TRIAGE_JOB
from helplinekit.services.triage import TriageFailed, triage_message


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@define
class WorkReport:
    """What one pass of the worker did."""

    jobs_done: int = 0
    jobs_failed: int = 0
    replies_sent: int = 0
    replies_held: int = 0
    replies_failed: int = 0
    errors: list[str] = field(factory=list)
    #: Housekeeping, not work: a pass that only pruned did nothing (see ``did_anything``).
    rate_limits_pruned: int = 0

    @property
    def did_anything(self) -> bool:
        return bool(
            self.jobs_done
            + self.jobs_failed
            + self.replies_sent
            + self.replies_held
            + self.replies_failed
        )


def run_jobs(ctx: ServiceContext, worker: str, *, limit: int = 20, report: WorkReport) -> None:
    with ctx.database.uow() as uow:
        claimed = uow.jobs.claim(worker, ctx.clock(), limit)
        uow.commit()
    for job in claimed:
        try:
            if job.kind == TRIAGE_JOB and job.case_id and job.message_id:
                triage_message(ctx, job.case_id, job.message_id)
            else:
                raise ValueError(f"unknown job kind {job.kind!r}")
        except Exception as error:
            reason = str(error) if isinstance(error, TriageFailed) else type(error).__name__
            with ctx.database.uow() as uow:
                given_up = uow.jobs.retry_or_fail(job.id, job.attempts, reason, ctx.clock())
                uow.commit()
            report.jobs_failed += 1
            report.errors.append(reason)
            log.warning("job %s failed (%s)%s", job.id, reason, "; given up" if given_up else "")
            continue
        with ctx.database.uow() as uow:
            uow.jobs.finish(job.id)
            uow.commit()
        report.jobs_done += 1


def run_outbox(ctx: ServiceContext, worker: str, *, limit: int = 20, report: WorkReport) -> None:
    with ctx.database.uow() as uow:
        claimed = uow.outbox.claim(worker, ctx.clock(), limit)
        uow.commit()
    for reply in claimed:
        channel = ctx.channels.get(reply.channel)
        # Re-checked at send time, every time: the survivor may have changed what is safe.
        with ctx.database.uow(read_only=True) as uow:
            body = uow.outbox.body(reply.id)
            address = uow.contacts.address(reply.contact_id)
            case = uow.cases.get(reply.case_id)
            caller = uow.callers.get(case.caller_id)
            blocked = uow.contacts.is_blocked(reply.channel, address)
        hold_reason = None
        if channel is None:
            hold_reason = f"channel {reply.channel} is not enabled"
        elif blocked:
            hold_reason = "the recipient opted out or blocked this channel"
        elif reply.channel != "web.form" and not caller.is_safe_to_contact(address):
            # The web form's replies stay on the survivor's "check my case" page; anything
            # else goes only to a contact point the survivor marked safe.
            hold_reason = "the contact point is not marked safe by the survivor"
        if hold_reason is not None:
            with ctx.database.uow() as uow:
                uow.outbox.hold(reply.id, hold_reason)
                uow.messages.set_delivery(reply.message_id, DeliveryState.HELD)
                uow.commit()
            report.replies_held += 1
            continue
        outbound = OutboundMessage(
            id=reply.id,
            channel=reply.channel,
            urn=address,
            body=body,
            case_id=case.id,
            case_reference=case.reference,
        )
        assert channel is not None  # a reply for a channel not enabled was held above
        try:
            result = channel.send(outbound)
        except Exception as error:  # a crashing channel plugin is a retryable failure
            from helplinekit.contracts.channel import SendResult

            result = SendResult.failed(type(error).__name__, retryable=True)
        with ctx.database.uow() as uow:
            if result.ok:
                digest = (
                    uow.messages.provider_hash(reply.channel, result.provider_message_id)
                    if result.provider_message_id
                    else None
                )
                uow.outbox.mark_sent(reply.id, digest, ctx.clock())
                uow.messages.set_delivery(reply.message_id, DeliveryState.SENT)
                report.replies_sent += 1
            else:
                if result.stop_contacting:
                    uow.contacts.block(reply.channel, address, ctx.clock())
                given_up = uow.outbox.retry_or_fail(
                    reply.id,
                    reply.attempts,
                    result.error or "send failed",
                    ctx.clock(),
                    retryable=result.retryable and not result.stop_contacting,
                )
                if given_up:
                    uow.messages.set_delivery(reply.message_id, DeliveryState.FAILED)
                report.replies_failed += 1
            uow.commit()


def run_pending(ctx: ServiceContext, *, worker: str | None = None, limit: int = 20) -> WorkReport:
    """One pass: claim and run ready triage jobs, send ready replies, prune old counters."""
    worker = worker or default_worker_name()
    report = WorkReport()
    run_jobs(ctx, worker, limit=limit, report=report)
    run_outbox(ctx, worker, limit=limit, report=report)
    # Rate-limit rows past their window would otherwise pile up, one per address ever seen.
    report.rate_limits_pruned = prune_rate_limits(ctx)
    return report
