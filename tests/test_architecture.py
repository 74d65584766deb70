"""The layers are a contract: import-linter checks them on every test run.

The contracts live in ``pyproject.toml`` under ``[tool.importlinter]``: the faces (web, CLI)
above the API, the services, the repositories, security and the domain; the domain imports
nothing of ours; the faces reach the database and the crypto only through services; the
services reach the database only through repositories.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "helplinekit"


def _lint_imports() -> str:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if found is None:
        pytest.fail("lint-imports is not installed; install the test dependencies (README).")
    return found


def test_the_import_contracts_hold() -> None:
    # --no-cache: a stale cache could hide an import added since the last run.
    result = subprocess.run(
        [_lint_imports(), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "migrations" not in path.parts)


def test_only_the_database_layer_touches_the_session() -> None:
    """Services and faces use repositories on the unit of work, never ``uow.session``.

    import-linter sees imports, not attribute use: a service could still query through a
    unit of work's session without importing SQLAlchemy.
    """
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files(SRC)
        if SRC / "db" not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\buow\.session\b", line)
    ]
    assert offenders == []
