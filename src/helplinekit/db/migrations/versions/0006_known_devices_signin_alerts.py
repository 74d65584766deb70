"""sign-in: known devices, alerts for accounts under a guessing attack

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import helplinekit.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New tables only: nothing else changes, so no batch copy of a table others refer to.
    op.create_table(
        "known_devices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.String(length=64), nullable=False),
        sa.Column("created_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_known_devices_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_known_devices_token_hash")),
    )
    op.create_index(op.f("ix_known_devices_staff_id"), "known_devices", ["staff_id"], unique=False)
    op.create_table(
        "signin_alerts",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("window_start", helplinekit.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failure_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("alerted_at", helplinekit.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_signin_alerts_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_signin_alerts")),
    )


def downgrade() -> None:
    op.drop_table("signin_alerts")
    op.drop_index(op.f("ix_known_devices_staff_id"), table_name="known_devices")
    op.drop_table("known_devices")
