"""consent belongs to the case

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:55:00

Each caller's consent is copied onto each of their cases: consent given on one case never
changes another (the same person may be a different caller to staff who cannot see their
other cases). The callers' own consent columns stay, for what earlier releases read.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import helplinekit.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FLAGS = ("consent_services", "consent_referral", "consent_statistics")


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: on SQLite a batch copy of "cases" drops the old
    # table, and with foreign keys on that deletes every contact, message and note.
    for name in _FLAGS:
        op.add_column(
            "cases", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.add_column(
        "cases",
        sa.Column(
            "consent_recorded_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=True
        ),
    )
    op.add_column("cases", sa.Column("consent_recorded_by", sa.Uuid(), nullable=True))
    columns = (*_FLAGS, "consent_recorded_at", "consent_recorded_by")
    assignments = ", ".join(
        f"{name} = (SELECT callers.{name} FROM callers WHERE callers.id = cases.caller_id)"
        for name in columns
    )
    op.execute(f"UPDATE cases SET {assignments}")


def downgrade() -> None:
    for name in ("consent_recorded_by", "consent_recorded_at", *reversed(_FLAGS)):
        op.drop_column("cases", name)
