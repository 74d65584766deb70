"""Retention and erasure: due cases shredded, held/open/recent ones kept; nothing left behind."""

from __future__ import annotations

import base64
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from helplinekit.contracts import InboundMessage
from helplinekit.db.models import CallerIndexRow, DataKeyRow
from helplinekit.domain import CaseOnLegalHold, CaseStatus, Role, parse_urn

pytestmark = pytest.mark.database


def receive(helpline, sender: str, text: str = "help", provider_id: str | None = None):
    return helpline.receive_message(
        InboundMessage(
            channel="test.sms",
            urn=parse_urn(sender),
            provider_message_id=provider_id or sender,
            body=text,
        )
    )


def close(helpline, case_id) -> None:
    system = helpline.system()
    for status in (CaseStatus.TRIAGED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED):
        helpline.change_status(system, case_id, status)
    helpline.close_case(system, case_id)


def test_retention_shreds_exactly_the_due_cases(open_helpline, deployment: Path) -> None:
    config = deployment / "helpline.toml"
    config.write_text(config.read_text() + "\n[retention]\nclosed_case_days = 30\n")
    now = [None]
    helpline = open_helpline()
    start = helpline.context.clock()
    helpline.context.clock = lambda: now[0] or start

    due = receive(helpline, "tel:+923000000001")
    held = receive(helpline, "tel:+923000000002")
    still_open = receive(helpline, "tel:+923000000003")
    close(helpline, due.case_id)
    close(helpline, held.case_id)
    helpline.set_legal_hold(helpline.system(), held.case_id)
    now[0] = start + timedelta(days=1)
    recent = receive(helpline, "tel:+923000000004")
    close(helpline, recent.case_id)  # closed a day later: one day short when the run happens

    now[0] = start + timedelta(days=30)
    report = helpline.run_retention()
    assert report.shredded == (due.case_reference,)
    assert report.kept_on_hold == 1 and report.callers_erased == 1

    system = helpline.system()
    assert helpline.view_case(system, due.case_id).status is CaseStatus.ERASED
    assert helpline.read_timeline(system, due.case_id) == []  # gone with the key
    for kept in (held, still_open, recent):
        timeline = helpline.read_timeline(system, kept.case_id)
        assert timeline[0].messages[0][0].body == "help"  # still decrypts
    # The erased caller is no longer found: the same number opens a new case.
    again = receive(helpline, "tel:+923000000001", provider_id="again")
    assert again.opened_case and again.case_id != due.case_id


def test_legal_hold_blocks_erasure(helpline) -> None:
    result = receive(helpline, "tel:+923000000009")
    helpline.set_legal_hold(helpline.system(), result.case_id)
    with pytest.raises(CaseOnLegalHold):
        helpline.erase_case(helpline.system(), result.case_id)
    assert (
        helpline.read_timeline(helpline.system(), result.case_id)[0].messages[0][0].body == "help"
    )


def test_only_supervisors_and_the_system_erase(helpline, staff_member) -> None:
    from helplinekit.security.policy import AccessDenied

    lawyer = staff_member(helpline, "l@h.org", Role.LAWYER, capacity=3).actor
    result = receive(helpline, "tel:+923000000010")
    with pytest.raises(AccessDenied):
        helpline.erase_case(lawyer, result.case_id)


def _secrets(helpline, caller_id, case_ids) -> list[bytes]:
    """The wrapped key bytes and blind-index values a search must not find after erasure."""
    with helpline.context.database.uow(read_only=True) as uow:
        keys = uow.session.scalars(
            select(DataKeyRow.wrapped).where(DataKeyRow.id.in_([caller_id, *case_ids]))
        ).all()
        index = uow.session.scalars(
            select(CallerIndexRow.value).where(CallerIndexRow.caller_id == caller_id)
        ).all()
    assert len(keys) == 1 + len(case_ids) and index
    return [bytes(k) for k in keys] + [v.encode() for v in index]


def _haystacks(helpline, database_url: str) -> dict[str, bytes]:
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        wal = Path(f"{path}-wal")
        return {"db": path.read_bytes(), "wal": wal.read_bytes() if wal.exists() else b""}
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    dump = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "-h",
            url.host,
            "-p",
            str(url.port or 5432),
            "-U",
            url.username,
            url.database,
        ],
        capture_output=True,
        check=True,
    ).stdout
    return {"pg_dump": dump}


def _found(secret: bytes, haystack: bytes) -> bool:
    # pg_dump writes bytea as \x-prefixed hex; search raw, hex and base64 forms.
    return any(
        form in haystack for form in (secret, secret.hex().encode(), base64.b64encode(secret))
    )


def test_survivor_erasure_leaves_nothing_to_find(helpline, database_url: str) -> None:
    first = receive(helpline, "tel:+923001234567", "first problem", "p1")
    close(helpline, first.case_id)
    second = receive(helpline, "tel:+923001234567", "second problem", "p2")
    with helpline.context.database.uow(read_only=True) as uow:
        caller_id = uow.cases.get(first.case_id).caller_id
    secrets = _secrets(helpline, caller_id, [first.case_id, second.case_id])

    # Positive control: before erasure the search finds them.
    before = _haystacks(helpline, database_url)
    assert all(any(_found(s, h) for h in before.values()) for s in secrets)

    report = helpline.erase_caller(helpline.system(), second.case_reference)
    assert set(report.cases) == {first.case_reference, second.case_reference}

    after = _haystacks(helpline, database_url)
    if "wal" in after:
        assert after["wal"] == b""  # truncated to 0 bytes
    leftovers = [s for s in secrets if any(_found(s, h) for h in after.values())]
    assert leftovers == []
    with helpline.context.database.uow(read_only=True) as uow:
        assert uow.callers.find_by_urn(parse_urn("tel:+923001234567")) is None
        from helplinekit.db.models import CallerRow

        row = uow.session.get(CallerRow, caller_id)
        assert (row.gender, row.age_band, row.region) == (None, None, None)
    assert helpline.read_timeline(helpline.system(), first.case_id) == []
    from helplinekit.security.audit import verify_chain

    with helpline.context.database.uow(read_only=True) as uow:
        result = verify_chain(uow.audit.entries(), head=uow.audit.head())
        actions = [entry.action for entry in uow.audit.entries()]
    assert result.ok, result.describe()
    assert "caller.erase" in actions
