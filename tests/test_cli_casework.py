"""The command line on a real deployment: db upgrade, keys, staff, simulate, cases, worker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli

pytestmark = pytest.mark.database


@pytest.fixture
def cli(plugin_manager, deployment: Path, database_url: str):
    config = deployment / "helpline.toml"
    config.write_text(config.read_text() + f'\n[database]\nurl = "{database_url}"\n')
    runner = CliRunner()

    def run(*args: str, expect: int = 0):
        result = runner.invoke(build_cli(plugin_manager), [*args, "--config", str(config)])
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result.output

    run("db", "upgrade")
    run("keys", "init")
    return run


def test_simulate_then_list_and_show_as_staff(cli) -> None:
    cli("staff", "add", "lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    cli("staff", "add", "sup@h.org", "--role", "supervisor")
    cli("staff", "add", "counsellor@h.org", "--role", "counsellor", "--specialism", "counselling")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing me with my photos")
    assert "Opened case HL-" in out and "risk medium" in out
    reference = out.split("Opened case ")[1].split(":")[0]

    # The supervisor sees the case and its assignments, not its messages.
    listing = json.loads(cli("cases", "list", "--json", "--as", "sup@h.org"))
    assert listing["total"] == 1 and listing["cases"][0]["reference"] == reference
    shown = cli("cases", "show", reference, "--as", "sup@h.org")
    assert "not shown (your role does not read this case's messages)" in shown
    assert "blackmailing" not in shown

    # The assigned lawyer reads the timeline.
    lawyer_view = cli("cases", "show", reference, "--as", "lawyer@h.org")
    assert "He is blackmailing me with my photos" in lawyer_view


def test_unassigned_specialist_sees_nothing(cli) -> None:
    cli(
        "staff", "add", "ds@h.org", "--role", "digital_security", "--specialism", "digital_security"
    )
    out = cli("simulate", "I need legal advice")
    reference = out.split("Opened case ")[1].split(":")[0]
    assert json.loads(cli("cases", "list", "--json", "--as", "ds@h.org"))["total"] == 0
    denied = cli("cases", "show", reference, "--as", "ds@h.org", expect=1)
    assert "may not case.view" in denied


def test_clear_errors_for_bad_input(cli) -> None:
    assert "Say who you are acting as" in cli("cases", "list", expect=2)
    assert "No staff member has the email 'ghost@h.org'" in cli(
        "cases", "list", "--as", "ghost@h.org", expect=1
    )
    assert "is not enabled in this deployment" in cli(
        "simulate", "--channel", "twilio.sms", "hi", expect=2
    )
    assert "not a phone number" in cli(
        "simulate", "--channel", "web.form", "--from", "tel:hello", "hi", expect=2
    )
    assert "'xx' is not one of this helpline's languages" in cli(
        "staff", "add", "a@h.org", "--role", "intake", "--language", "xx", expect=2
    )
    cli("staff", "add", "sup@h.org", "--role", "supervisor")
    assert "There is no case 'HL-2026-999999'" in cli(
        "cases", "show", "HL-2026-999999", "--as", "sup@h.org", expect=1
    )
    assert "invalid email" in cli("staff", "add", "not-an-email", "--role", "intake", expect=1)


def test_keys_init_refuses_when_data_exists(cli, deployment: Path, tmp_path, monkeypatch) -> None:
    cli("simulate", "hello")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))  # the key file is "lost"
    out = cli("keys", "init", expect=1)
    assert "already holds data" in out and "Restore the key file" in out
    assert not (tmp_path / "elsewhere").exists()


def test_worker_once_runs_pending_jobs(cli, deployment: Path) -> None:
    cli("simulate", "hello")  # simulate already drains; the worker finds nothing
    cli("worker", "--once")


def test_db_current_reports_the_revision(cli) -> None:
    assert "up to date" in cli("db", "current")
