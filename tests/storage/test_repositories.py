"""Repositories that start-up checks, the rate limits and the queues use, on both databases."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from helplinekit.contracts import InboundMessage
from helplinekit.db.keys import first_stored_key
from helplinekit.domain import parse_urn
from helplinekit.domain.states import JobState

pytestmark = pytest.mark.database

NUMBER = "tel:+923001234567"


def _store_message(helpline: Any) -> Any:
    result = helpline.receive_message(
        InboundMessage(
            channel="web.form",
            urn=parse_urn(NUMBER),
            provider_message_id=secrets.token_hex(8),
            body="I need help.",
        )
    )
    assert result.stored
    return result


def test_the_start_up_samples_a_stored_key_and_an_index_entry(helpline) -> None:
    database = helpline.context.database
    assert first_stored_key(database.engine) is None
    with database.uow(read_only=True) as uow:
        assert uow.keys.any_key() is None
        assert uow.callers.any_index_entry() is None

    _store_message(helpline)
    sampled = first_stored_key(database.engine)
    assert sampled is not None and sampled.owner_kind in {"caller", "case"}
    with database.uow(read_only=True) as uow:
        assert uow.keys.any_key() is not None
        entry = uow.callers.any_index_entry()
        assert entry is not None
        caller_id, value = entry
        assert list(uow.callers.get(caller_id).contact_points) == [parse_urn(NUMBER)]
    assert value == database.index.of_urn(parse_urn(NUMBER))
    from helplinekit.security.crypto import WrappedKey

    # The sampled key is one the key file can unwrap (what start-up checks).
    database.wrapper.unwrap(
        sampled.owner_kind, sampled.id, WrappedKey(sampled.kek_version, sampled.wrapped)
    )


def test_a_rate_counter_counts_in_its_window_and_is_pruned_after(helpline) -> None:
    database = helpline.context.database
    now = datetime(2030, 1, 1, 12, tzinfo=UTC)
    window = timedelta(minutes=10)
    with database.uow() as uow:
        assert uow.rate_limits.count("k", now, window).count == 1
        assert uow.rate_limits.count("k", now + timedelta(minutes=1), window).count == 2
        uow.commit()
    with database.uow() as uow:
        assert uow.rate_limits.current("k", now + timedelta(minutes=9)).count == 2
        assert uow.rate_limits.current("k", now + window) is None  # the window is over
        restarted = uow.rate_limits.count("k", now + window, window)
        assert (restarted.count, restarted.window_start) == (1, now + window)
        uow.commit()
    with database.uow() as uow:
        assert uow.rate_limits.prune(now + window) == 0
        assert uow.rate_limits.prune(now + 2 * window) == 1
        uow.commit()
    with database.uow(read_only=True) as uow:
        assert uow.rate_limits.current("k", now) is None


def test_a_message_received_waits_as_a_pending_triage_job(helpline) -> None:
    _store_message(helpline)
    database = helpline.context.database
    with database.uow() as uow:
        assert uow.jobs.pending_count() == 1
        claimed = uow.jobs.claim("worker-1", datetime.now(UTC) + timedelta(seconds=1))
        uow.commit()
    assert len(claimed) == 1
    with database.uow() as uow:
        assert uow.jobs.pending_count() == 1  # running counts as waiting until it is done
        uow.jobs.finish(claimed[0].id)
        uow.commit()
    with database.uow(read_only=True) as uow:
        assert uow.jobs.pending_count() == 0
    assert {state.value for state in JobState} == {"pending", "running", "done", "failed"}
