"""Project hygiene that CI must keep true: lint, docs build, README and CI in step."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; install the test dependencies (README).")
    return found


def test_code_is_lint_clean() -> None:
    folders = [f for f in ("src", "tests", "bench", "plugins", "templates") if (ROOT / f).exists()]
    result = subprocess.run(
        [_tool("ruff"), "check", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted() -> None:
    """``ruff format --check``: a diff in review is about behaviour, never about layout."""
    folders = [f for f in ("src", "tests", "plugins") if (ROOT / f).exists()]
    result = subprocess.run(
        [_tool("ruff"), "format", "--check", *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        f"{result.stdout}{result.stderr}Run: ruff format {' '.join(folders)}"
    )


#: A module longer than this holds more than one concept: split it (STYLE.md).
MAX_MODULE_LINES = 500


def test_no_module_in_src_is_longer_than_the_limit() -> None:
    offenders = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        if "migrations" in path.relative_to(ROOT).parts:
            continue  # Alembic revisions are written once and read as a history, not split
        length = len(path.read_text(encoding="utf-8").splitlines())
        if length > MAX_MODULE_LINES:
            offenders.append(f"{path.relative_to(ROOT)}: {length} lines")
    assert offenders == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(offenders)


def test_every_image_the_docs_show_exists() -> None:
    """MkDocs does not fail on a missing image: a screenshot not generated would go unseen."""
    missing = []
    for page in (ROOT / "docs").rglob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if "://" not in target and not (page.parent / target).is_file():
                missing.append(f"{page.relative_to(ROOT)}: {target}")
    assert missing == []


def test_docs_build_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [_tool("mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _readme_command(heading: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {heading}", 1)[1]
    block = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert block, f"README.md's '{heading}' section has no sh block"
    return block.group(1).strip()


def test_ci_runs_the_readme_test_command() -> None:
    command = _readme_command("Run the tests")
    install_and_test = command.split("&& ", 2)[2]  # after creating and activating the venv
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_try_it_installs_every_first_party_plugin() -> None:
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    for plugin in sorted((ROOT / "plugins").glob("*/pyproject.toml")):
        assert f"-e ./plugins/{plugin.parent.name}" in requirements, plugin.parent.name
    assert "pip install -r requirements.txt" in _readme_command("Try it")
