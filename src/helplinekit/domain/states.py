"""The states of the work queues: background jobs, the outbox, and a reply's delivery.

Fixed vocabularies, written once: the repositories store their values, the worker and the
console compare against them, and nothing spells a state as a bare string.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DeliveryState", "JobState", "OutboxState"]


class JobState(StrEnum):
    """Where a background job (triage) stands."""

    PENDING = "pending"
    RUNNING = "running"  # claimed by a worker; claimable again once its lease runs out
    DONE = "done"
    FAILED = "failed"  # given up after the last attempt, left for a person


class OutboxState(StrEnum):
    """Where a reply waiting in the outbox stands."""

    PENDING = "pending"
    RUNNING = "running"  # claimed by a worker that is sending it
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # not sent: the contact point is not safe, or the recipient opted out


class DeliveryState(StrEnum):
    """How far an outbound message got, as the case timeline shows it.

    The provider's own reports (``DeliveryStatus`` in the channel contract) share these
    values; ``HELD`` is the core's: the reply was kept back, never sent.
    """

    QUEUED = "queued"
    HELD = "held"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"
