"""What goes into the audit log: one entry per operation, and never survivor data.

* Every casework read (view, timeline, notes, list) writes exactly one entry per call, by
  the right actor, naming the case; a refused access writes one ``access.denied`` entry.
* A canary search term, a canary note, a canary call summary and the caller's number never
  appear in any column of any audit row, and ``check_details`` refuses free text without
  quoting it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helplinekit.db.models import AuditHeadRow, AuditRow
from helplinekit.domain import NoteSection, Role, Specialism, parse_urn
from helplinekit.domain.filters import CaseFilters
from helplinekit.security.audit import check_details, verify_chain
from helplinekit.security.policy import AccessDenied
from helplinekit.services.audit_trail import audit_now

from .conftest import read_log

pytestmark = pytest.mark.database

CANARY_SEARCH = "zz-canary-search-7f3a"
CANARY_NOTE = "CANARY-NOTE-c41d: Ayesha Khan, 0300 7654321, ayesha@example.org"
CANARY_SUMMARY = "CANARY-SUMMARY-9b2e: her cousin posts the photos"
CANARY_NUMBER = "+923007654321"


def _new_entries(helpline, since: int):
    entries, _ = read_log(helpline)
    return [entry for entry in entries if entry.seq > since]


def _head(helpline) -> int:
    with helpline.context.database.uow(read_only=True) as uow:
        return uow.audit.head()[0]


@pytest.fixture
def people(helpline, staff_member):
    lawyer = staff_member(
        helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}, capacity=50
    ).actor
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR, capacity=50).actor
    outsider = staff_member(
        helpline,
        "ds@h.org",
        Role.DIGITAL_SECURITY,
        specialisms={Specialism.DIGITAL_SECURITY},
        capacity=50,
    ).actor
    case = helpline.open_case_from_contact(
        lawyer, summary=CANARY_SUMMARY, contact_point=parse_urn(f"tel:{CANARY_NUMBER}")
    )
    helpline.add_note(lawyer, case.id, NoteSection.LEGAL, CANARY_NOTE)
    return lawyer, supervisor, outsider, case


def test_every_casework_read_writes_exactly_one_entry(helpline, people) -> None:
    lawyer, supervisor, _, case = people
    reads = [
        (lambda: helpline.view_case(lawyer, case.id), lawyer, "case.view", case.id),
        (lambda: helpline.view_case(supervisor, case.reference), supervisor, "case.view", case.id),
        (lambda: helpline.read_timeline(lawyer, case.id), lawyer, "case.read_messages", case.id),
        (lambda: helpline.read_notes(lawyer, case.reference), lawyer, "note.read", case.id),
        (lambda: helpline.list_cases(supervisor), supervisor, "case.list", None),
        (
            lambda: helpline.list_cases(lawyer, CaseFilters(language="en")),
            lawyer,
            "case.list",
            None,
        ),
    ]
    for call, actor, action, object_id in reads * 2:  # twice: one entry per call, every time
        before = _head(helpline)
        call()
        [entry] = _new_entries(helpline, before)
        assert (entry.action, entry.actor_kind, entry.actor_id) == (action, "staff", actor.id)
        assert entry.object_id == (str(object_id) if object_id else None)
    entries, head = read_log(helpline)
    assert verify_chain(entries, head=head).ok


def test_a_refused_access_writes_one_access_denied_entry(helpline, people) -> None:
    _, supervisor, outsider, case = people
    attempts = [
        (lambda: helpline.view_case(outsider, case.id), outsider, "case.view", None),
        (
            lambda: helpline.read_timeline(outsider, case.id),
            outsider,
            "case.read_messages",
            None,
        ),
        (lambda: helpline.read_notes(outsider, case.id), outsider, "note.read", None),
        # The supervisor sees the case, not its messages.
        (
            lambda: helpline.read_timeline(supervisor, case.id),
            supervisor,
            "case.read_messages",
            None,
        ),
        (
            lambda: helpline.add_note(outsider, case.id, NoteSection.LEGAL, "x"),
            outsider,
            "note.write",
            "legal",
        ),
    ]
    for call, actor, attempted, section in attempts:
        before = _head(helpline)
        with pytest.raises(AccessDenied):
            call()
        [entry] = _new_entries(helpline, before)
        assert (entry.action, entry.actor_id, entry.object_id) == (
            "access.denied",
            actor.id,
            str(case.id),
        )
        assert entry.details == {"attempted": attempted, "section": section}


def test_canaries_never_reach_the_audit_log(helpline, people) -> None:
    lawyer, supervisor, _, case = people
    page = helpline.list_cases(supervisor, CaseFilters(language=CANARY_SEARCH))
    assert page.total == 0
    helpline.list_cases(lawyer, CaseFilters(language=CANARY_SEARCH))
    helpline.add_note(lawyer, case.id, NoteSection.LEGAL, f"Again: {CANARY_NOTE}")
    helpline.view_case(lawyer, case.id)
    notes = helpline.read_notes(lawyer, case.id)
    assert any(CANARY_NOTE in note.body for note in notes)  # it is there, encrypted
    timeline = helpline.read_timeline(lawyer, case.id)
    assert timeline[0].contact.summary == CANARY_SUMMARY

    with helpline.context.database.uow(read_only=True) as uow:
        rows = uow.session.execute(select(AuditRow.__table__)).all()
        rows += uow.session.execute(select(AuditHeadRow.__table__)).all()
    dump = "\n".join(repr(tuple(row)) for row in rows)
    assert len(rows) > 8 and "case.list" in dump and "note.write" in dump
    canaries = [
        CANARY_SEARCH,
        "canary",
        "Ayesha",
        "ayesha@example.org",
        "7654321",
        CANARY_SUMMARY,
        "cousin",
        CANARY_NUMBER,
    ]
    for canary in canaries:
        assert canary.lower() not in dump.lower(), canary
    # The filtered list is recorded by kind and count only.
    entries, _ = read_log(helpline)
    searches = [e for e in entries if e.action == "case.list" and e.details["kind"] == "filtered"]
    assert [e.details["result_count"] for e in searches] == [0, 0]


def test_free_text_details_write_nothing(helpline) -> None:
    before = _head(helpline)
    with pytest.raises(ValueError):
        audit_now(helpline.context, None, "case.search", term="ayesha khan")
    assert _head(helpline) == before
    assert check_details({"count": 3, "kind": "queue", "flag": True, "none": None}) == {
        "count": 3,
        "kind": "queue",
        "flag": True,
        "none": None,
    }
