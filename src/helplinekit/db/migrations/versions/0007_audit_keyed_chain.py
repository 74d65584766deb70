"""audit log: where the keyed (HMAC) chain starts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 14:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE: a nullable column, so existing logs stay "not keyed yet" until
    # 'helplinekit keys add-audit-key' keys them.
    op.add_column("audit_head", sa.Column("keyed_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35+ drops a column in place).
    op.drop_column("audit_head", "keyed_from")
