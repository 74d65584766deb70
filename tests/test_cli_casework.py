"""The command line on a real deployment: db upgrade, keys, staff, simulate, cases, worker.

Staff are added with a password and two-factor sign-in, and every command that shows case
content asks for the acting account's password and a code. The tests control the clock (so
each sign-in uses a fresh TOTP step) and the authenticator secret (so the confirmation code
can be typed in advance through CliRunner's ``input=``).
"""

from __future__ import annotations

import getpass
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pyotp
import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.security import passwords

pytestmark = pytest.mark.database

PASSWORD = "a long and memorable passphrase"
SECRET = pyotp.random_base32()
RECOVERY_CODE = re.compile(r"^  ([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})$", re.M)


@attrs.define
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def next_code(self) -> str:
        """Move to the next 30-second step and return its code: each code works once."""
        self.now += timedelta(seconds=30)
        return pyotp.TOTP(SECRET).at(self.now)


@attrs.define
class Cli:
    runner: CliRunner
    plugin_manager: object
    config: Path
    clock: Clock

    def __call__(self, *args: str, expect: int = 0, input: str | None = None) -> str:
        return self.result(*args, expect=expect, input=input).output

    def result(self, *args: str, expect: int = 0, input: str | None = None):
        result = self.runner.invoke(
            build_cli(self.plugin_manager), [*args, "--config", str(self.config)], input=input
        )
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result

    def add_staff(self, email: str, *options: str, expect: int = 0) -> str:
        """``staff add`` answering the password twice and the confirmation code."""
        typed = f"{PASSWORD}\n{PASSWORD}\n{self.clock.next_code()}\n"
        return self("staff", "add", email, *options, expect=expect, input=typed)

    def signed_in(self, email: str, password: str = PASSWORD, code: str | None = None) -> str:
        """What to type when a command signs in as ``email``."""
        return f"{password}\n{code or self.clock.next_code()}\n"

    def as_staff(self, email: str, *args: str, expect: int = 0) -> str:
        return self(*args, "--as", email, expect=expect, input=self.signed_in(email))

    def json_as(self, email: str, *args: str) -> dict:
        result = self.result(*args, "--json", "--as", email, input=self.signed_in(email))
        return json.loads(result.stdout)  # the prompts went to stderr


@pytest.fixture
def cli(plugin_manager, deployment: Path, database_url: str, monkeypatch) -> Cli:
    config = deployment / "helpline.toml"
    config.write_text(config.read_text() + f'\n[database]\nurl = "{database_url}"\n')
    start = datetime.now(UTC).replace(microsecond=0)
    clock = Clock(start - timedelta(seconds=start.second % 30))
    # The CLI opens the helpline with the default clock; the tests move it.
    monkeypatch.setattr("helplinekit.services.context.utc_now", clock)
    monkeypatch.setattr(passwords, "new_totp_secret", lambda: SECRET)
    run = Cli(CliRunner(), plugin_manager, config, clock)
    run("db", "upgrade")
    run("keys", "init")
    return run


def test_simulate_then_list_and_show_as_staff(cli) -> None:
    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    cli.add_staff("sup@h.org", "--role", "supervisor")
    cli.add_staff("counsellor@h.org", "--role", "counsellor", "--specialism", "counselling")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing me with my photos")
    assert "Opened case HL-" in out and "Medium risk" in out
    assert "Categories suggested: Sextortion or blackmail" in out  # titles, not codes
    reference = out.split("Opened case ")[1].split(":")[0]

    # The supervisor sees the case and its assignments, not its messages.
    listing = cli.json_as("sup@h.org", "cases", "list")
    assert listing["total"] == 1 and listing["cases"][0]["reference"] == reference
    assert listing["cases"][0]["risk"] == "medium"  # --json keeps the values, for scripts
    table = cli.as_staff("sup@h.org", "cases", "list")
    assert "Medium risk" in table and "Triaged" in table  # a person reads words
    assert " medium " not in table and " triaged " not in table
    shown = cli.as_staff("sup@h.org", "cases", "show", reference)
    assert "not shown (your role does not read this case's messages)" in shown
    assert "blackmailing" not in shown

    # The assigned lawyer reads the timeline.
    lawyer_view = cli.as_staff("lawyer@h.org", "cases", "show", reference)
    assert "He is blackmailing me with my photos" in lawyer_view


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_cases_show_names_the_staff_on_the_case(cli) -> None:
    cli.add_staff(
        "lawyer@h.org", "--name", "Amina Qureshi", "--role", "lawyer", "--specialism", "legal"
    )
    cli.add_staff("sup@h.org", "--role", "supervisor")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing me with my photos")
    reference = out.split("Opened case ")[1].split(":")[0]

    shown = cli.as_staff("sup@h.org", "cases", "show", reference)
    assert "assigned: Amina Qureshi (Legal)" in shown
    assert UUID.search(shown) is None  # an id means nothing to the person reading


def test_cases_show_says_the_victims_facts_in_words(cli) -> None:
    from datetime import date

    from helplinekit.api import Helpline
    from helplinekit.domain import CaseAttributes, Gender, VictimAgeBand, VictimRelation

    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing my sister")
    reference = out.split("Opened case ")[1].split(":")[0]
    unknown = cli.as_staff("lawyer@h.org", "cases", "show", reference)
    assert "  victim: not recorded" in unknown and "  incident date: not recorded" in unknown

    with Helpline.open(cli.config, pm=cli.plugin_manager) as helpline:
        helpline.triage_case(
            helpline.system(),
            reference,
            attributes=CaseAttributes(
                victim=VictimRelation.OTHER_RELATIVE,
                victim_gender=Gender.NON_BINARY,
                victim_age_band=VictimAgeBand.AGE_14_15,
                offender_gender=Gender.MAN,
                incident_date=date(2026, 3, 14),
            ),
        )
    shown = cli.as_staff("lawyer@h.org", "cases", "show", reference)
    assert "  victim: Another relative of the caller" in shown
    assert "  victim's gender: Non-binary" in shown
    assert "  victim's age: 14 or 15" in shown
    assert "  victim is a minor: not recorded" in shown  # the band says so; not recorded
    assert "  offender's gender: Man or boy" in shown
    assert "  incident date: 2026-03-14" in shown
    for raw in ("other_relative", "non_binary", "14_15"):
        assert raw not in shown


def test_unassigned_specialist_sees_nothing(cli) -> None:
    cli.add_staff("ds@h.org", "--role", "digital_security", "--specialism", "digital_security")
    out = cli("simulate", "I need legal advice")
    reference = out.split("Opened case ")[1].split(":")[0]
    assert cli.json_as("ds@h.org", "cases", "list")["total"] == 0
    denied = cli.as_staff("ds@h.org", "cases", "show", reference, expect=1)
    # The refusal says what the person may do and whom to ask; no policy name, no id.
    assert "Error: You can open the cases assigned to you" in denied
    assert "ask a supervisor to assign you" in denied
    assert "case.view" not in denied and "staff " not in denied


def test_clear_errors_for_bad_input(cli) -> None:
    assert "Say who you are acting as" in cli("cases", "list", expect=2)
    assert "Error: Wrong email, password or code." in cli.as_staff(
        "ghost@h.org", "cases", "list", expect=1
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
    cli.add_staff("sup@h.org", "--role", "supervisor")
    assert "There is no case 'HL-2026-999999'" in cli.as_staff(
        "sup@h.org", "cases", "show", "HL-2026-999999", expect=1
    )
    assert "invalid email" in cli("staff", "add", "not-an-email", "--role", "intake", expect=1)
    assert "already exists" in cli("staff", "add", "sup@h.org", "--role", "intake", expect=1)


def test_staff_add_shows_the_secret_uri_and_recovery_codes_once(cli) -> None:
    out = cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    assert f"Secret: {SECRET}" in out
    assert f"otpauth://totp/Test%20Helpline:lawyer%40h.org?secret={SECRET}" in out
    codes = RECOVERY_CODE.findall(out)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Two-factor sign-in is confirmed." in out
    assert PASSWORD not in out  # typed hidden, never echoed
    listing = cli("staff", "list")
    assert "lawyer@h.org" in listing and "2FA on" in listing

    # A recovery code signs in once instead of a code from the app.
    typed = cli.signed_in("lawyer@h.org", code=codes[0])
    cli("cases", "list", "--as", "lawyer@h.org", input=typed)
    again = cli("cases", "list", "--as", "lawyer@h.org", input=typed, expect=1)
    assert "Error: Wrong email, password or code." in again


def test_a_wrong_password_gives_a_clean_error(cli) -> None:
    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    wrong = cli(
        "cases",
        "list",
        "--as",
        "lawyer@h.org",
        input=cli.signed_in("lawyer@h.org", password="not the password"),
        expect=1,
    )
    assert "Error: Wrong email, password or code." in wrong
    # A replayed code is refused the same way.
    code = cli.clock.next_code()
    cli("cases", "list", "--as", "lawyer@h.org", input=cli.signed_in("x", code=code))
    replay = cli(
        "cases", "list", "--as", "lawyer@h.org", input=cli.signed_in("x", code=code), expect=1
    )
    assert "Error: Wrong email, password or code." in replay


def test_sign_ins_and_reads_are_audited_with_account_and_os_user(cli, plugin_manager) -> None:
    from helplinekit.api import Helpline

    cli.add_staff("sup@h.org", "--role", "supervisor")
    cli("simulate", "hello")
    cli.json_as("sup@h.org", "cases", "list")
    cli("cases", "list", "--as", "sup@h.org", input=cli.signed_in("x", password="nope"), expect=1)
    with Helpline.open(cli.config, pm=plugin_manager) as helpline:
        staff = helpline.actor("sup@h.org")
        with helpline.context.database.uow(read_only=True) as uow:
            entries = list(uow.audit.entries())
    by_action = {entry.action: entry for entry in entries}
    user = getpass.getuser()
    for action in ("login.ok", "case.list"):
        assert by_action[action].actor_id == staff.id, action
        assert by_action[action].os_user == user, action
    failed = by_action["login.failed"]
    assert failed.actor_id is None and failed.os_user == user
    assert all("sup@h.org" not in repr(entry) for entry in entries)


def test_password_rules_and_confirmation_at_staff_add(cli) -> None:
    # Too short: the prompt says why and asks again.
    typed = f"short\n{PASSWORD}\n{PASSWORD}\n{cli.clock.next_code()}\n"
    out = cli("staff", "add", "a@h.org", "--role", "intake", input=typed)
    assert "at least 8 characters" in out and "passphrase" in out
    # From stdin (scripts): one line, checked the same way, a clean error when too short.
    out = cli(
        "staff",
        "add",
        "b@h.org",
        "--role",
        "intake",
        "--password-stdin",
        input="short\n",
        expect=1,
    )
    assert "Error: A password needs at least 8 characters" in out
    # Three wrong confirmation codes: the account exists, but cannot sign in until enrolled.
    out = cli(
        "staff",
        "add",
        "c@h.org",
        "--role",
        "intake",
        "--password-stdin",
        input=f"{PASSWORD}\n000000\n111111\n222222\n",
        expect=1,
    )
    assert "not confirmed" in out and "staff enrol-totp c@h.org" in out
    assert re.search(r"c@h\.org .* 2FA pending", cli("staff", "list"))
    cli("staff", "enrol-totp", "c@h.org", input=f"{cli.clock.next_code()}\n")
    cli.as_staff("c@h.org", "cases", "list")


def test_disable_enable_and_set_password(cli) -> None:
    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    assert "Disabled lawyer@h.org" in cli("staff", "disable", "lawyer@h.org")
    assert re.search(r"lawyer@h\.org .*\(disabled\)", cli("staff", "list"))
    assert "Wrong email, password or code." in cli.as_staff(
        "lawyer@h.org", "cases", "list", expect=1
    )
    cli("staff", "enable", "lawyer@h.org")
    cli.as_staff("lawyer@h.org", "cases", "list")
    new = "another long passphrase"
    cli("staff", "set-password", "lawyer@h.org", input=f"{new}\n{new}\n")
    cli.as_staff("lawyer@h.org", "cases", "list", expect=1)  # the old password
    cli("cases", "list", "--as", "lawyer@h.org", input=cli.signed_in("x", password=new))
    assert "No staff member has the email" in cli("staff", "disable", "ghost@h.org", expect=1)


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


def test_cases_erase_needs_a_signed_in_supervisor(cli) -> None:
    cli.add_staff("sup@h.org", "--role", "supervisor")
    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    out = cli("simulate", "--from", "tel:+923001234567", "please erase me later")
    reference = out.split("Opened case ")[1].split(":")[0]
    assert "Say who you are acting as" in cli("cases", "erase", reference, "--yes", expect=2)
    denied = cli.as_staff("lawyer@h.org", "cases", "erase", reference, "--yes", expect=1)
    assert "Only a supervisor can erase a case" in denied
    assert "case.erase" not in denied
    erased = cli.as_staff("sup@h.org", "cases", "erase", reference, "--yes")
    assert f"Erased {reference}" in erased
    listing = cli.json_as("sup@h.org", "cases", "list")
    assert listing["cases"][0]["status"] == "erased"


def test_staff_add_without_a_code_says_how_to_finish(cli) -> None:
    out = cli(
        "staff",
        "add",
        "late@h.org",
        "--role",
        "intake",
        "--password-stdin",
        expect=1,
        input=f"{PASSWORD}\n",
    )
    assert "was not confirmed" in out and "helplinekit staff enrol-totp late@h.org" in out


def test_staff_add_can_leave_the_authenticator_to_the_first_console_sign_in(cli) -> None:
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    out = cli(
        "staff", "add", "intake@h.org", "--role", "intake", "--totp-at-first-sign-in", input=typed
    )
    assert "first sign-in to the console" in out and "Secret:" not in out
    assert "2FA" in cli("staff", "list")
    # Until the staff member sets it up in the console, the command line refuses them.
    refused = cli("cases", "list", "--as", "intake@h.org", input=cli.signed_in("x"), expect=1)
    assert "Error: Wrong email, password or code." in refused


def test_a_new_password_or_authenticator_from_the_command_line_forgets_known_devices(
    cli,
) -> None:
    from helplinekit.api import Helpline
    from helplinekit.services.auth import SignInClient, sign_in

    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")

    def remember_a_browser(password: str) -> None:
        with Helpline.open(cli.config, pm=cli.plugin_manager) as helpline:
            signed = sign_in(
                helpline.context,
                "lawyer@h.org",
                password,
                cli.clock.next_code(),
                SignInClient(address="198.51.100.7"),
            )
            assert signed.device_cookie is not None

    def known_devices() -> int:
        with Helpline.open(cli.config, pm=cli.plugin_manager) as helpline:
            with helpline.context.database.uow(read_only=True) as uow:
                staff = uow.staff.by_email("lawyer@h.org")
                assert staff is not None
                return len(uow.staff.devices(staff.id))

    remember_a_browser(PASSWORD)
    assert known_devices() == 1
    new = "another long passphrase"
    cli("staff", "set-password", "lawyer@h.org", input=f"{new}\n{new}\n")
    assert known_devices() == 0

    remember_a_browser(new)
    assert known_devices() == 1
    cli("staff", "enrol-totp", "lawyer@h.org", input=f"{cli.clock.next_code()}\n")
    assert known_devices() == 0


def test_an_admin_reads_no_case_content_on_the_command_line(cli) -> None:
    """Access control review: an admin cannot read case content by any path, the CLI too."""
    cli.add_staff("admin@h.org", "--role", "admin")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing me with my photos")
    reference = out.split("Opened case ")[1].split(":")[0]
    assert cli.json_as("admin@h.org", "cases", "list")["total"] == 0
    for command in (("cases", "show", reference), ("cases", "legal", reference)):
        refused = cli.as_staff("admin@h.org", *command, expect=1)
        assert "blackmailing" not in refused and "Traceback" not in refused
    erased = cli.as_staff("admin@h.org", "cases", "erase", reference, expect=1)
    assert "Traceback" not in erased
    # Nor can the admin give themselves a role: that is the operator's command, and it is
    # run on the server, not as a staff account.
    assert "--as" not in cli("staff", "roles", "--help")


def test_cases_show_and_list_print_category_titles_and_json_keeps_codes(cli) -> None:
    cli.add_staff("lawyer@h.org", "--role", "lawyer", "--specialism", "legal")
    out = cli("simulate", "--from", "tel:+923001234567", "He is blackmailing me with my photos")
    reference = out.split("Opened case ")[1].split(":")[0]

    listing = cli.json_as("lawyer@h.org", "cases", "list")
    codes = listing["cases"][0]["categories"]
    assert "SEXTORTION_BLACKMAIL" in codes  # machine-readable: the stored codes

    shown = cli.as_staff("lawyer@h.org", "cases", "show", reference)
    assert "categories: " in shown and "Sextortion or blackmail" in shown
    # Statuses, risks and specialisms by their labels too, not their stored values.
    assert "[Triaged]  Medium risk" in shown and "(Legal)" in shown
    assert "— Web form on" in shown
    listed = cli.as_staff("lawyer@h.org", "cases", "list")
    assert "Sextortion or blackmail" in listed
    legal = cli.as_staff("lawyer@h.org", "cases", "legal", reference)
    for text in (shown, listed, legal):
        assert not [code for code in codes if code in text], text
