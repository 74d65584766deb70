"""Alembic environment: always run with a connection handed in by helplinekit.db.migrate."""

from __future__ import annotations

from alembic import context

from helplinekit.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Run migrations with 'helplinekit db upgrade', which supplies the connection."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
