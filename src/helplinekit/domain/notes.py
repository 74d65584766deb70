"""Case notes, kept in sections so each role reads only the sections its work needs."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import define, field, validators

from helplinekit.domain._validation import aware_datetime, is_uuid, not_blank, utc_now
from helplinekit.domain.people import NoteSection


@define(kw_only=True)
class Note:
    """A note written on a case by a staff member.

    Attributes:
        id: Application-generated identifier.
        case_id: The case the note belongs to.
        section: Which section it is filed in (decides who may read it).
        author_id: The staff member who wrote it.
        body: The text; must not be blank. Sensitive: hidden from repr.
        created_at: When it was written.
    """

    id: uuid.UUID = field(factory=uuid.uuid4, validator=is_uuid)
    case_id: uuid.UUID = field(validator=is_uuid)
    section: NoteSection = field(validator=validators.instance_of(NoteSection))
    author_id: uuid.UUID = field(validator=is_uuid)
    body: str = field(repr=False, validator=not_blank)
    created_at: datetime = field(factory=utc_now, validator=aware_datetime)
