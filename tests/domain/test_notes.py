"""Case notes."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from helplinekit.domain import InvalidValue, Note, NoteSection


def make_note(**changes: object) -> Note:
    values: dict[str, object] = {
        "case_id": uuid.uuid4(),
        "section": NoteSection.LEGAL,
        "author_id": uuid.uuid4(),
        "body": "Advised on a complaint to the cybercrime agency.",
    }
    values.update(changes)
    return Note(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("body", ["", "   ", "\n\t"])
def test_blank_note_is_refused(body: str) -> None:
    with pytest.raises(InvalidValue, match="Note.body must not be empty"):
        make_note(body=body)


def test_note_keeps_its_section_and_gets_an_aware_time() -> None:
    note = make_note(section=NoteSection.COUNSELLING)
    assert note.section is NoteSection.COUNSELLING
    assert note.created_at.utcoffset() is not None


def test_note_time_must_be_aware() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        make_note(created_at=datetime(2026, 3, 1, 10, 0))


def test_section_must_be_a_note_section() -> None:
    with pytest.raises(TypeError):
        make_note(section="secret")
