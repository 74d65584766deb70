"""Migrations: from an empty database to head and back to nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, inspect, text

from helplinekit.db import migrate
from helplinekit.db.engine import make_engine
from helplinekit.db.models import Base

pytestmark = pytest.mark.database

MODEL_TABLES = frozenset(Base.metadata.tables)


@pytest.fixture
def engine(database_url: str):
    """An engine on an empty database (a new SQLite file, or a new PostgreSQL database)."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _all_revisions() -> list[str]:
    """Every revision from the first to head, in order."""
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def test_migrations_form_one_line() -> None:
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    assert len(script.get_heads()) == 1, "two migrations branch from the same parent"
    assert _all_revisions()[-1] == migrate.head_revision()


def test_upgrade_check_downgrade_and_upgrade_again(engine: Engine) -> None:
    """Empty → head → base → head, then down and up one revision at a time."""
    assert _tables(engine) == set()
    assert migrate.current_revision(engine) is None

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert _tables(engine) == MODEL_TABLES | {"alembic_version"}
    migrate.check(engine)  # the migrations create exactly what the models describe
    # Every model column exists with the model's nullability.
    inspector = inspect(engine)
    for name, table in Base.metadata.tables.items():
        columns = {column["name"]: column for column in inspector.get_columns(name)}
        assert set(columns) == set(table.columns.keys()), name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, f"{name}.{column.name}"

    migrate.downgrade(engine, "base")
    assert migrate.current_revision(engine) is None
    assert _tables(engine) <= {"alembic_version"}
    if engine.dialect.name == "postgresql":
        assert inspect(engine).get_sequence_names() == []
        with engine.connect() as connection:
            types = connection.execute(
                text(
                    "SELECT typname FROM pg_type JOIN pg_namespace n ON n.oid = typnamespace "
                    "WHERE nspname = 'public' AND typtype = 'e'"
                )
            ).scalars()
            assert list(types) == []  # no native enum left behind

    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert _tables(engine) == MODEL_TABLES | {"alembic_version"}
    migrate.check(engine)

    # One revision at a time: every step down and up works on its own.
    revisions = _all_revisions()
    for previous in [*reversed(revisions[:-1]), None]:
        migrate.downgrade(engine, previous or "base")
        assert migrate.current_revision(engine) == previous
    assert _tables(engine) <= {"alembic_version"}
    for revision in revisions:
        migrate.upgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
    migrate.check(engine)


def test_check_fails_when_the_schema_differs_from_the_models(engine: Engine) -> None:
    """Positive control for ``check``: it does find a difference when there is one."""
    with pytest.raises(CommandError):
        migrate.check(engine)  # an empty database is not at head
    migrate.upgrade(engine)
    migrate.check(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_jobs_ready"))
    with pytest.raises(CommandError):
        migrate.check(engine)


def test_the_console_migration_keeps_every_case_and_message(open_helpline, database_url) -> None:
    """0004 alters "cases": on SQLite a batch copy of that table would cascade-delete every
    contact and message. Cases and messages must come through both ways, ranked for queues."""
    from urllib.parse import urlencode

    from helplinekit.contracts import InboundRequest
    from helplinekit.domain import RiskLevel

    helpline = open_helpline()
    token = helpline.context.channels["web.form"].issue_token()
    request = InboundRequest(
        method="POST",
        url="https://helpline.example/form",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=urlencode({"token": token, "message": "they posted my photos"}).encode(),
    )
    (result,) = helpline.receive("web.form", request).results
    helpline.triage_case(helpline.system(), result.case_id, risk_level=RiskLevel.HIGH)
    helpline.close()

    def counts(engine: Engine) -> tuple[int, int, int]:
        with engine.connect() as connection:
            return tuple(
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("cases", "contacts", "messages")
            )

    engine = make_engine(database_url)
    before = counts(engine)
    assert before == (1, 1, 1)
    migrate.downgrade(engine, "0003")
    assert counts(engine) == before
    migrate.upgrade(engine)
    assert counts(engine) == before
    with engine.connect() as connection:
        rank = connection.execute(text("SELECT queue_rank FROM cases")).scalar_one()
    assert rank == 0  # high risk: first in every queue
    engine.dispose()


def test_the_consent_migration_copies_each_callers_consent_onto_their_cases(
    open_helpline, database_url
) -> None:
    """0005 gives each case its own consent, copied from its caller's, and keeps every case."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from helplinekit.db.models import CallerRow
    from helplinekit.domain import parse_urn

    helpline = open_helpline()
    system = helpline.system()
    number = parse_urn("tel:+923001234567")
    first = helpline.open_case_from_contact(
        system, summary="a call", contact_point=number, consent_referral=True
    )
    second = helpline.open_case_from_contact(system, summary="again", contact_point=number)
    other = helpline.open_case_from_contact(system, summary="someone else")
    helpline.close()

    engine = make_engine(database_url)
    migrate.downgrade(engine, "0004")
    callers = CallerRow.__table__
    with engine.begin() as connection:
        # As an earlier release kept it: consent on the caller only.
        connection.execute(
            update(callers).values(consent_referral=True, consent_recorded_at=datetime.now(UTC))
        )
        connection.execute(
            update(callers).where(callers.c.id == other.caller_id).values(consent_referral=False)
        )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT reference, consent_referral FROM cases")).all())
    engine.dispose()
    assert rows == {first.reference: True, second.reference: True, other.reference: False}

    reopened = open_helpline()
    assert reopened.view_case(system, second.id).consent.referral is True
    assert reopened.view_case(system, other.id).consent.referral is False
