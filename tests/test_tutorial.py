"""Runs every command of docs/tutorial.md, as written, through the real console script."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
PASSWORD = "correct horse battery staple"


def commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", TUTORIAL.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def helplinekit() -> str:
    return str(Path(sys.executable).parent / "helplinekit")


@pytest.mark.slow
def test_every_tutorial_command_works(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for name in ("HELPLINEKIT_CONFIG", "HELPLINEKIT_KEK", "HELPLINEKIT_INDEX_KEY"):
        env.pop(name, None)
    cwd = tmp_path
    recovery_codes: list[str] = []
    ran = []
    for command in commands():
        if command.startswith("python3 -m venv"):
            assert command.endswith("pip install -r requirements.txt pytest")
            # Installing is what this test environment already did; check the file exists.
            assert (ROOT / "requirements.txt").exists()
            continue
        if command.startswith("cd "):
            cwd = cwd / command.removeprefix("cd ").strip()
            assert cwd.is_dir()
            continue
        argv = shlex.split(command)
        if argv[0] == "pytest":
            argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        elif argv[0] == "helplinekit":
            argv[0] = helplinekit()
        if argv[1:3] == ["staff", "add"]:
            recovery_codes = _staff_add(argv, cwd, env)
        elif "--as" in argv:
            code = recovery_codes.pop()  # the TOTP step was just used: a recovery code
            result = subprocess.run(
                argv,
                cwd=cwd,
                env=env,
                input=f"{PASSWORD}\n{code}\n",
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, command + "\n" + result.stdout + result.stderr
            assert "HL-" in result.stdout
        else:
            result = subprocess.run(
                argv, cwd=cwd, env=env, capture_output=True, text=True, check=False
            )
            assert result.returncode == 0, command + "\n" + result.stdout + result.stderr
        ran.append(argv[1] if len(argv) > 1 else argv[0])
    assert len(ran) >= 6


def _staff_add(argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    # Asked twice, as at a terminal (with --password-stdin: read once).
    typed = 1 if "--password-stdin" in argv else 2
    process.stdin.write((PASSWORD + "\n") * typed)
    process.stdin.flush()
    secret, codes = None, []
    for line in process.stdout:
        if line.strip().startswith("Secret:"):
            secret = line.split(":", 1)[1].strip()
        elif re.fullmatch(r"\s+[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\s*", line, re.I):
            codes.append(line.strip())
        if secret and len(codes) == 10:
            break
    assert secret, "staff add printed no TOTP secret"
    process.stdin.write(pyotp.TOTP(secret).now() + "\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    return codes
