"""SQLite's planner statistics follow the number of cases (PostgreSQL keeps its own)."""

from __future__ import annotations

import pytest

from helplinekit.db import engine as engine_module
from helplinekit.db.engine import refresh_statistics

pytestmark = pytest.mark.database


def _open_cases(helpline, count: int) -> None:
    for _ in range(count):
        helpline.open_case_from_contact(helpline.system(), summary="a call")


def test_statistics_are_taken_and_renewed_as_cases_grow(helpline, monkeypatch) -> None:
    engine = helpline.context.database.engine
    monkeypatch.setattr(engine_module, "STATISTICS_FROM_CASES", 4)
    _open_cases(helpline, 3)
    assert refresh_statistics(engine) is False  # too few cases to matter
    _open_cases(helpline, 2)
    if engine.dialect.name != "sqlite":
        assert refresh_statistics(engine) is False  # PostgreSQL analyses by itself
        return
    assert refresh_statistics(engine) is True
    with engine.connect() as connection:
        stat = connection.exec_driver_sql(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases' LIMIT 1"
        ).scalar_one()
    assert stat.split()[0] == "5"
    assert refresh_statistics(engine) is False  # still current
    _open_cases(helpline, 6)
    assert refresh_statistics(engine) is True  # the cases more than doubled
