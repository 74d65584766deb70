"""Rate-limit counters, each under an HMAC key (never an address or a case code).

A counter counts within a window; once the window is over (``expires_at`` has passed) the
next count starts a fresh one. The worker prunes counters past their window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import frozen
from sqlalchemy import delete, select

from helplinekit.db.models import RateLimitRow
from helplinekit.db.repos.base import Repository

__all__ = ["RateCounter", "RateLimitRepository"]


@frozen
class RateCounter:
    """One counter in its current window.

    Attributes:
        key: the HMAC it is stored under.
        count: how many were counted in this window.
        window_start: when the window began.
        expires_at: when the counter means nothing any more.
        wait_until: no check before this ("check my case" backoff), or None.
    """

    key: str
    count: int
    window_start: datetime
    expires_at: datetime
    wait_until: datetime | None


def _counter(row: RateLimitRow) -> RateCounter:
    return RateCounter(row.key, row.count, row.window_start, row.expires_at, row.wait_until)


class RateLimitRepository(Repository):
    def current(self, key: str, now: datetime) -> RateCounter | None:
        """The counter under ``key`` while its window lasts, else None (nothing is locked)."""
        row = self.session.get(RateLimitRow, key)
        return _counter(row) if row is not None and row.expires_at > now else None

    def count(self, key: str, now: datetime, window: timedelta) -> RateCounter:
        """Count one under ``key``, locked for this transaction; a new window once it is over.

        Two transactions creating the same new counter at once: the second fails with
        :data:`~helplinekit.db.errors.DuplicateRow`, and counting again finds the row.
        """
        row = self.session.scalars(
            select(RateLimitRow).where(RateLimitRow.key == key).with_for_update()
        ).first()
        if row is None:
            row = RateLimitRow(key=key, window_start=now, count=1, expires_at=now + window)
            self.session.add(row)
            self.session.flush()
        elif row.expires_at <= now:
            row.window_start, row.count, row.expires_at, row.wait_until = now, 1, now + window, None
        else:
            row.count += 1
        return _counter(row)

    def hold_off(self, key: str, *, wait_until: datetime | None, expires_at: datetime) -> None:
        """Set the counter's backoff (no check before ``wait_until``) and how long it lasts."""
        row = self.session.get(RateLimitRow, key)
        if row is None:
            raise LookupError("Count before holding a client off.")
        row.wait_until, row.expires_at = wait_until, expires_at

    def reset(self, key: str) -> None:
        self.session.execute(delete(RateLimitRow).where(RateLimitRow.key == key))

    def prune(self, now: datetime) -> int:
        """Delete every counter past its window; how many."""
        result = self.session.execute(delete(RateLimitRow).where(RateLimitRow.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)  # a DELETE's result has a rowcount
