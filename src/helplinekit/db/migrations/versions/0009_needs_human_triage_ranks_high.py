"""queue: a case that needs a person's triage ranks with high-risk cases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Triage could not tell what these cases are, so they may be the worst of all: they sort
    # with high risk, above every low-risk case. No column changes, only the stored rank.
    op.execute("UPDATE cases SET queue_rank = 0 WHERE needs_manual_triage")


def downgrade() -> None:
    op.execute(
        "UPDATE cases SET queue_rank = CASE risk_level WHEN 'high' THEN 0 WHEN 'medium' THEN 1 "
        "WHEN 'low' THEN 2 ELSE 3 END WHERE needs_manual_triage"
    )
