"""examples/pakistan is exactly what `helplinekit init` makes for the model helpline.

Regenerated and compared file by file, so the example never drifts from the template; then
its own tests run, as an NGO would run them.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.plugins import get_plugin_manager

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "pakistan"
COMMAND = [
    "init",
    "--country",
    "PK",
    "--name",
    "Cyber Harassment Helpline",
    "--languages",
    "ur,en",
    "--default-language",
    "ur",
    "--channels",
    "web.form",
    "--deployment-id",
    "pk-example",
    "--no-input",
]


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".db"
    }


def test_example_matches_a_fresh_init(tmp_path: Path) -> None:
    target = tmp_path / "pakistan"
    pm = get_plugin_manager()  # the installed first-party plugins: Pakistan and Urdu
    result = CliRunner().invoke(build_cli(pm), [COMMAND[0], str(target), *COMMAND[1:]])
    assert result.exit_code == 0, result.output
    fresh, committed = files(target), files(EXAMPLE)
    assert sorted(fresh) == sorted(committed), "files differ: regenerate examples/pakistan"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], (
        f"{changed} differ from a fresh 'helplinekit init'; regenerate with: helplinekit "
        + shlex.join([COMMAND[0], "examples/pakistan", *COMMAND[1:]])
    )


def test_example_uses_the_pakistan_and_urdu_plugins() -> None:
    text = (EXAMPLE / "helpline.toml").read_text()
    assert 'key = "pakistan.pk"' in text and 'enabled = ["ur", "en"]' in text
    assert (
        "-e ${HELPLINEKIT_SOURCE}/plugins/helplinekit-pakistan"
        in (EXAMPLE / "requirements.txt").read_text()
    )


def test_example_passes_its_own_tests() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HELPLINEKIT_CONFIG"}
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert " passed" in outcome.stdout
