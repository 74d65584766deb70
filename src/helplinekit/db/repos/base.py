"""What every repository shares: the session, the data keys and the search indexes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from helplinekit.db.keys import DataKeys
    from helplinekit.security.blind_index import BlindIndex, MessageIdHasher


class Repository:
    def __init__(
        self,
        session: Session,
        keys: DataKeys,
        index: BlindIndex,
        message_ids: MessageIdHasher,
    ) -> None:
        self.session = session
        self.keys = keys
        self.index = index
        self.message_ids = message_ids
