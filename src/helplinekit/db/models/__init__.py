"""ORM rows: what the database holds. Survivor content is only ever ciphertext here.

Plaintext columns are limited to what queues, filters and statistics need in SQL (ids,
references, statuses, assignees, timestamps, risk, categories, specialisms, language,
channel, key and index versions, blind indexes, and statistics fields kept only with
consent). Every other column that could identify or describe a survivor is ``encrypted``.
"""

from __future__ import annotations

from helplinekit.db.models.base import NAMING_CONVENTION, Base
from helplinekit.db.models.casework import (
    AssignmentRow,
    CallerIndexRow,
    CallerRow,
    CaseCounterRow,
    CaseRow,
    ContactRow,
    DataKeyRow,
    MessageRow,
    NoteRow,
    ReferralRow,
    StaffRow,
    TaskRow,
)
from helplinekit.db.models.operations import (
    AuditHeadRow,
    AuditRow,
    BreakGlassRow,
    CaseAccessRow,
    ContactBlockRow,
    JobRow,
    KnownDeviceRow,
    LoginThrottleRow,
    OutboxRow,
    RateLimitRow,
    SignInAlertRow,
    StaffSessionRow,
)


def encrypted_columns() -> list[tuple[str, str, str]]:
    """Every encrypted column as ``(table, column, owner)``, read from the model metadata."""
    return [
        (table.name, column.name, column.info["encrypted"])
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if "encrypted" in column.info
    ]


__all__ = [
    "NAMING_CONVENTION",
    "AssignmentRow",
    "AuditHeadRow",
    "AuditRow",
    "Base",
    "BreakGlassRow",
    "CallerIndexRow",
    "CallerRow",
    "CaseAccessRow",
    "CaseCounterRow",
    "CaseRow",
    "ContactBlockRow",
    "ContactRow",
    "DataKeyRow",
    "JobRow",
    "KnownDeviceRow",
    "LoginThrottleRow",
    "MessageRow",
    "NoteRow",
    "OutboxRow",
    "RateLimitRow",
    "ReferralRow",
    "SignInAlertRow",
    "StaffRow",
    "StaffSessionRow",
    "TaskRow",
    "encrypted_columns",
]
