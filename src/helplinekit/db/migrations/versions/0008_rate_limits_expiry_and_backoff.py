"""rate limits: an expiry for pruning, the "check my case" backoff; audit index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import helplinekit.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The rows are short-lived counters with no expiry yet: forgetting them only restarts the
    # current windows, and an empty table lets the new column be NOT NULL on both dialects.
    # Nothing refers to "rate_limits", so batch mode (a table copy on SQLite) is safe here.
    op.execute("DELETE FROM rate_limits")
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=False)
        )
        batch_op.add_column(
            sa.Column("wait_until", helplinekit.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_rate_limits_expires_at"), ["expires_at"], unique=False)
    # A plain CREATE INDEX on the audit log (never a table copy of the hash-chained log).
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limits_expires_at"))
        batch_op.drop_column("wait_until")
        batch_op.drop_column("expires_at")
