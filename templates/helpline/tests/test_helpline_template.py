"""The deployment template tests itself: every supported combination generates a project
whose own tests pass; broken deployments make those tests fail by name; bad input writes
nothing; free text reads back exactly."""

from __future__ import annotations

import ast
import html
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli

ODD_NAME = 'Women\'s "Safe Online" Helpline {{ 7*7 }} <b>&amp; {% raw %}'
UNIT_SECTIONS = {"Unit", "Service", "Install", "Timer"}


def run_init(plugin_manager, *args: str, input: str | None = None):
    return CliRunner().invoke(
        build_cli(plugin_manager), ["init", *args], input=input, catch_exceptions=False
    )


def generated_pytest(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    env.pop("HELPLINEKIT_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def passed_count(output: str) -> int:
    match = re.search(r"(\d+) passed", output)
    return int(match.group(1)) if match else 0


def check_unit_file(path: Path) -> None:
    """systemd unit syntax: sections, Key=Value lines, comments."""
    section = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: bad section header"
            section = line[1:-1]
            assert section in UNIT_SECTIONS, f"{path.name}:{number}: unknown section {section}"
            continue
        assert section is not None, f"{path.name}:{number}: a setting outside any section"
        assert re.match(r"^[A-Za-z][A-Za-z0-9]*=.*$", line), f"{path.name}:{number}: not Key=Value"


COMBINATIONS = {
    "jurisdiction plugin, two languages": [
        "--country",
        "KE",
        "--languages",
        "sw,en",
        "--channels",
        "web.form",
    ],
    "no jurisdiction plugin (law stub)": [
        "--country",
        "BR",
        "--languages",
        "en",
        "--channels",
        "web.form",
    ],
    "a second channel": [
        "--country",
        "KE",
        "--languages",
        "en",
        "--channels",
        "web.form,fixture.sms",
    ],
    "right-to-left default language": [
        "--country",
        "IR",
        "--languages",
        "fa,en",
        "--default-language",
        "fa",
    ],
}


@pytest.mark.parametrize("options", list(COMBINATIONS.values()), ids=list(COMBINATIONS))
def test_every_combination_generates_a_passing_project(
    plugin_manager, tmp_path, options, fixture_plugins_path
) -> None:
    target = tmp_path / "helpline"
    result = run_init(
        plugin_manager,
        str(target),
        "--name",
        ODD_NAME,
        "--plugins-dir",
        str(fixture_plugins_path),
        "--no-input",
        *options,
    )
    assert result.exit_code == 0, result.output
    leftovers = [
        str(p)
        for p in target.rglob("*")
        if p.is_file() and "{{ cookiecutter." in p.read_text(errors="ignore")
    ]
    assert leftovers == []

    outcome = generated_pytest(target)
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr
    assert passed_count(outcome.stdout) >= 1  # exit code 5 (no tests) would not do

    config = tomllib.loads((target / "helpline.toml").read_text())
    assert config["helpline"]["name"] == ODD_NAME
    readme = (target / "README.md").read_text()
    import markdown

    title = html.unescape(re.sub(r"<[^>]+>", "", markdown.markdown(readme.splitlines()[0])))
    assert title == ODD_NAME
    for python_file in target.rglob("*.py"):
        ast.parse(python_file.read_text())  # every generated module is valid Python
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
    for unit in (target / "deploy").glob("*.service"):
        check_unit_file(unit)
    for unit in (target / "deploy").glob("*.timer"):
        check_unit_file(unit)
    shell = subprocess.run(
        ["bash", "-n", str(target / "deploy" / "backup.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert os.access(target / "deploy" / "backup.sh", os.X_OK)
    requirements = (target / "requirements.txt").read_text()
    assert "-e ${HELPLINEKIT_SOURCE}" in requirements
    assert (
        str(Path(__file__).resolve().parents[3])
        not in requirements + (target / ".env.example").read_text()
    )


def test_law_stub_reports_coverage_as_a_warning(plugin_manager, tmp_path) -> None:
    target = tmp_path / "br"
    run_init(
        plugin_manager,
        str(target),
        "--name",
        "X",
        "--country",
        "BR",
        "--languages",
        "en",
        "--no-input",
    )
    assert (target / "plugins" / "local_law.py").exists()
    outcome = generated_pytest(target)
    assert outcome.returncode == 0
    assert "local.br: Incomplete: no mapping for ACCOUNT_COMPROMISE" in outcome.stdout


def test_jurisdiction_plugin_is_used_when_installed(
    plugin_manager, tmp_path, fixture_plugins_path
) -> None:
    target = tmp_path / "ke"
    run_init(
        plugin_manager,
        str(target),
        "--name",
        "X",
        "--country",
        "KE",
        "--languages",
        "en",
        "--plugins-dir",
        str(fixture_plugins_path),
        "--no-input",
    )
    assert (
        tomllib.loads((target / "helpline.toml").read_text())["jurisdiction"]["key"] == "fixture.ke"
    )
    assert not (target / "plugins" / "local_law.py").exists()


BROKEN = {
    "invalid helpline.toml": (
        "helpline.toml",
        lambda text: text.replace('country = "KE"', 'country = "XX"'),
        "'XX' is not an ISO 3166-1 alpha-2 country code",
    ),
    "bad referral row": (
        "referrals.csv",
        lambda text: text + "ke.aid,Aid,legal_aid,KE,sw,,0800,,someday\n",
        "column 'last_verified': 'someday' is not a date",
    ),
    "channel not installed": (
        "helpline.toml",
        lambda text: text.replace('enabled = ["web.form"]', 'enabled = ["web.form", "acme.sms"]'),
        "channel 'acme.sms' in [channels] enabled is not provided",
    ),
}


@pytest.mark.parametrize(
    ("filename", "breaking", "message"), list(BROKEN.values()), ids=list(BROKEN)
)
def test_generated_tests_fail_on_a_broken_deployment(
    plugin_manager, tmp_path, filename, breaking, message, fixture_plugins_path
) -> None:
    target = tmp_path / "broken"
    run_init(
        plugin_manager,
        str(target),
        "--name",
        "X",
        "--country",
        "KE",
        "--languages",
        "en",
        "--plugins-dir",
        str(fixture_plugins_path),
        "--no-input",
    )
    path = target / filename
    path.write_text(breaking(path.read_text()))
    outcome = generated_pytest(target)
    assert outcome.returncode == 1, outcome.stdout
    assert message in outcome.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--country", "XX"], "'XX' is not a country code"),
        (["--country", "PK", "--languages", "english!"], "'english!' is not a language tag"),
        (
            ["--country", "PK", "--languages", "ur-Latn"],
            "Language 'ur-Latn' is not known to CLDR and no installed plugin provides it",
        ),
        (
            ["--country", "PK", "--languages", "en", "--channels", "acme.sms"],
            "Channel 'acme.sms' is not provided",
        ),
        (
            ["--country", "PK", "--languages", "en", "--timezone", "Mars/Base"],
            "'Mars/Base' is not a time zone",
        ),
    ],
)
def test_bad_input_fails_cleanly_and_writes_nothing(
    plugin_manager, tmp_path, options, message
) -> None:
    target = tmp_path / "new"
    result = CliRunner().invoke(
        build_cli(plugin_manager), ["init", str(target), "--name", "X", "--no-input", *options]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary folder left behind either


def test_existing_folder_needs_force_and_force_never_replaces_data(
    plugin_manager, tmp_path
) -> None:
    target = tmp_path / "existing"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    args = [str(target), "--name", "X", "--country", "PK", "--languages", "en", "--no-input"]
    result = CliRunner().invoke(build_cli(plugin_manager), ["init", *args])
    assert result.exit_code == 1 and "already exists and is not empty" in result.output
    assert (target / "notes.txt").read_text() == "mine"
    assert run_init(plugin_manager, *args, "--force").exit_code == 0
    assert (target / "helpline.toml").exists() and not (target / "notes.txt").exists()
    (target / "helpline.db").write_bytes(b"SQLite format 3\x00")
    result = CliRunner().invoke(build_cli(plugin_manager), ["init", *args, "--force"])
    assert result.exit_code == 1 and "holds a database (helpline.db)" in result.output
    assert (target / "helpline.db").exists()


def test_interactive_flow_with_typed_answers(plugin_manager, tmp_path) -> None:
    target = tmp_path / "asked"
    answers = "\n".join(["PK", "Digital Safety Helpline", "en", "en", "web.form", "", ""]) + "\n"
    result = run_init(plugin_manager, str(target), input=answers)
    assert result.exit_code == 0, result.output
    assert "Country (ISO code, e.g. PK)" in result.output
    assert "Timezone [Asia/Karachi]" in result.output
    config = tomllib.loads((target / "helpline.toml").read_text())
    assert config["helpline"]["name"] == "Digital Safety Helpline"
    assert config["helpline"]["timezone"] == "Asia/Karachi"
    assert "keys init" in result.output  # next steps are printed


def test_the_new_deployment_runs_at_once(plugin_manager, tmp_path, monkeypatch) -> None:
    target = tmp_path / "pk"
    run_init(
        plugin_manager,
        str(target),
        "--name",
        "Helpline",
        "--country",
        "PK",
        "--languages",
        "en",
        "--no-input",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "keys-home"))
    for name in ("HELPLINEKIT_KEK", "HELPLINEKIT_INDEX_KEY", "HELPLINEKIT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    cli = build_cli(plugin_manager)
    config = ["--config", str(target / "helpline.toml")]
    runner = CliRunner()
    assert runner.invoke(cli, ["keys", "init", *config]).exit_code == 0
    assert not any((tmp_path / "keys-home").rglob("*")) or not list(target.glob("*.keys.json"))
    simulated = runner.invoke(cli, ["simulate", "Someone hacked my account", *config])
    assert simulated.exit_code == 0, simulated.output
    assert "Opened case HL-" in simulated.output
    assert (target / "helpline.db").exists()
    assert generated_pytest(target).returncode == 0


def test_init_ignores_the_users_cookiecutterrc(plugin_manager, tmp_path, monkeypatch) -> None:
    # Defaults a user might keep for their other projects. Reading them, cookiecutter kept a
    # replay of the answers (the helpline's name) in the user's home folder; no default
    # answer of theirs may reach the generated files either.
    home = tmp_path / "home"
    home.mkdir()
    rc = home / ".cookiecutterrc"
    rc.write_text(
        "default_context:\n"
        "  _timezone: Antarctica/Troll\n"
        "  _name: Someone Else's Helpline\n"
        f"replay_dir: {home / 'replay'}\n"
        f"cookiecutters_dir: {home / 'cache'}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    # cookiecutter finds ~/.cookiecutterrc once, when it is imported; the variable it
    # reads on every run stands in for it here.
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(rc))
    args = ["--name", "Plain", "--country", "PK", "--languages", "en", "--no-input"]
    args += ["--deployment-id", "pk-0123abcd"]
    with_rc = tmp_path / "with-rc"
    assert run_init(plugin_manager, str(with_rc), *args).exit_code == 0
    monkeypatch.delenv("COOKIECUTTER_CONFIG")
    rc.unlink()
    without_rc = tmp_path / "without-rc"
    assert run_init(plugin_manager, str(without_rc), *args).exit_code == 0

    def tree(folder: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }

    generated = tree(with_rc)
    assert generated == tree(without_rc)
    assert not any(b"{{ cookiecutter" in text for text in generated.values())
    assert b"Antarctica/Troll" not in generated["helpline.toml"]
    assert not any(b"Someone Else" in text for text in generated.values())
    assert sorted(p.name for p in home.iterdir()) == []  # no replay, no cache
