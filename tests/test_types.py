"""The type checker keeps the code honest: mypy in strict mode, at 0 errors.

It checks the package and the first-party plugins with the settings in ``pyproject.toml``
(``[tool.mypy]``), the same run a contributor gets from ``mypy`` at the repository root.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_strict_finds_no_errors(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        "mypy --strict found errors; run `mypy` at the repository root:\n" + result.stdout
    )
