"""What a queue or a search asks for: query-by-example values the faces build."""

from __future__ import annotations

import uuid

from attrs import frozen

from helplinekit.domain.case import RiskLevel
from helplinekit.domain.lifecycle import CaseStatus
from helplinekit.domain.people import Specialism

__all__ = ["CaseFilters"]


@frozen
class CaseFilters:
    """What a queue or search narrows cases by (all optional, combined with AND)."""

    statuses: frozenset[CaseStatus] = frozenset()
    risk_levels: frozenset[RiskLevel] = frozenset()
    specialism: Specialism | None = None
    language: str | None = None
    assigned_to: uuid.UUID | None = None
    needs_manual_triage: bool | None = None
