"""The command line: version, plugins, config check, keys init, and clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from helplinekit import __version__
from helplinekit.cli import build_cli, main
from helplinekit.plugins import DEFAULT_PLUGINS


def run(pm, *args: str):
    return CliRunner().invoke(build_cli(pm), list(args), catch_exceptions=False)


def test_version(plugin_manager) -> None:
    assert run(plugin_manager, "--version").output == f"helplinekit, version {__version__}\n"


def test_plugins_lists_every_builtin_with_version_and_hooks(plugin_manager) -> None:
    output = run(plugin_manager, "plugins").output
    for name in DEFAULT_PLUGINS:
        assert name in output
    assert f"[helplinekit (built-in) {__version__}]" in output
    assert "hooks: register_channels" in output


def test_plugins_json_and_registered(plugin_manager) -> None:
    data = json.loads(run(plugin_manager, "plugins", "--json", "--registered").output)
    assert {row["name"] for row in data["plugins"]} == set(DEFAULT_PLUGINS)
    registered = {(item["kind"], item["name"]) for item in data["registered"]}
    assert ("channel", "web.form") in registered
    assert ("language", "en") in registered
    assert ("jurisdiction", "intl.baseline") in registered
    assert ("key provider", "local.keyfile") in registered
    assert ("taxonomy code", "NCII_SHARED") in registered


def test_keys_init_then_config_check(plugin_manager, deployment: Path) -> None:
    config = str(deployment / "helpline.toml")
    result = run(plugin_manager, "keys", "init", "--config", config)
    assert result.exit_code == 0
    assert "Back it up" in result.output
    again = run(plugin_manager, "keys", "init", "--config", config)
    assert again.exit_code == 0 and "kept unchanged" in again.output
    checked = run(plugin_manager, "config", "check", "--config", config)
    assert checked.exit_code == 0, checked.output
    assert "OK — Test Helpline (PK)" in checked.output


def test_config_check_without_keys_is_a_problem(plugin_manager, deployment: Path) -> None:
    result = run(plugin_manager, "config", "check", "--config", str(deployment / "helpline.toml"))
    assert result.exit_code == 1
    assert "problem: keys: No key file" in result.output


def test_config_check_names_what_is_not_installed(plugin_manager, deployment: Path) -> None:
    config = deployment / "helpline.toml"
    text = config.read_text().replace('["web.form"]', '["web.form", "twilio.sms"]')
    config.write_text(
        text.replace('["en"]', '["en", "ur-Latn"]').replace('"intl.baseline"', '"pakistan.pk"')
    )
    result = run(plugin_manager, "config", "check", "--config", str(config))
    assert result.exit_code == 1
    assert "channel 'twilio.sms' in [channels] enabled is not provided" in result.output
    # Any language CLDR knows works without a plugin; Roman Urdu is not in CLDR.
    assert "Language 'ur-Latn' is not known to CLDR and no installed plugin" in result.output
    assert "jurisdiction 'pakistan.pk'" in result.output


def test_bad_config_gives_a_message_not_a_traceback(deployment: Path, monkeypatch, capsys) -> None:
    config = deployment / "helpline.toml"
    config.write_text(config.read_text().replace('"PK"', '"XX"'))
    monkeypatch.setattr(sys, "argv", ["helplinekit"])
    try:
        main(["config", "check", "--config", str(config)])
    except SystemExit as done:
        assert done.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "'XX' is not an ISO 3166-1 alpha-2" in err
    assert "Traceback" not in err


def test_console_script_errors_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "HELPLINEKIT_CONFIG": str(tmp_path / "missing.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "helplinekit", "config", "check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert "missing.toml: the file does not exist." in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_and_option_are_usage_errors(plugin_manager) -> None:
    result = CliRunner().invoke(build_cli(plugin_manager), ["pluginz"])
    assert result.exit_code == 2 and "No such command 'pluginz'" in result.output
    result = CliRunner().invoke(build_cli(plugin_manager), ["plugins", "--jsn"])
    assert result.exit_code == 2 and "--jsn" in result.output


def test_config_check_refuses_bad_web_and_retention_values(
    plugin_manager, deployment: Path
) -> None:
    # 'serve' and the retention run refuse these; 'config check' said OK to them before.
    config = deployment / "helpline.toml"
    text = config.read_text()
    for table, line, named in (
        ("retention", 'closed_case_days = "a year"', "'a year'"),
        ("web", "session_idle_minutes = 0", "0 is not a whole number of minutes"),
        ("web", 'exit_url = "javascript:alert(1)"', "'javascript:alert(1)'"),
        ("web", 'rate_limit = "lots"', "'lots'"),
    ):
        config.write_text(f"{text}\n[{table}]\n{line}\n")
        result = run(plugin_manager, "config", "check", "--config", str(config))
        assert result.exit_code == 1, result.output
        assert f"key '{table}.{line.split(' ')[0]}'" in result.output
        assert named in result.output and "e.g." in result.output
        assert "OK" not in result.output
