"""helpline.toml: loading, and errors that name the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from helplinekit.config import ConfigError, find_config, load_config


def _write(folder: Path, text: str) -> Path:
    path = folder / "helpline.toml"
    path.write_text(text, encoding="utf-8")
    return path


VALID = """
[helpline]
name = "Digital Security Helpline"
country = "pk"
timezone = "Asia/Karachi"

[languages]
enabled = ["ur", "en"]
default = "ur"

[channels]
enabled = ["web.form"]

[channels.settings."web.form"]
max_message_chars = 5000

[jurisdiction]
key = "intl.baseline"
"""


def test_valid_config_loads_into_typed_settings(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, VALID))
    assert config.helpline.name == "Digital Security Helpline"
    assert config.helpline.country == "PK"  # normalised
    assert config.languages.enabled == ("ur", "en") and config.languages.default == "ur"
    assert config.channels.settings["web.form"]["max_message_chars"] == 5000
    assert config.keys.provider == "local.keyfile"
    # The embedded default: a SQLite file inside the deployment folder.
    assert config.database_url == f"sqlite:///{tmp_path.absolute() / 'helpline.db'}"
    assert config.directory == tmp_path.absolute()


def test_config_is_found_from_env_then_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, VALID)
    monkeypatch.setenv("HELPLINEKIT_CONFIG", str(path))
    assert find_config() == path
    monkeypatch.delenv("HELPLINEKIT_CONFIG")
    monkeypatch.chdir(tmp_path)
    assert load_config().path == path.absolute()
    assert find_config("elsewhere.toml") == Path("elsewhere.toml")


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        (('country = "pk"', 'country = "XX"'), "helpline.country", "'XX' is not an ISO 3166-1"),
        (
            ('timezone = "Asia/Karachi"', 'timezone = "Mars/Olympus"'),
            "helpline.timezone",
            "Mars/Olympus",
        ),
        (
            ('default = "ur"', 'default = "fr"'),
            "languages.default",
            "'fr' is not one of the enabled",
        ),
        (('enabled = ["ur", "en"]', 'enabled = ["ur", "english"]'), "languages.enabled", "BCP 47"),
        (('enabled = ["ur", "en"]', 'enabled = "ur"'), "languages.enabled", "list of strings"),
        (
            ('enabled = ["web.form"]', 'enabled = ["twilio.sms"]'),
            "channels.settings.web.form",
            "not in [channels] enabled",
        ),
        (('name = "Digital Security Helpline"', 'name = ""'), "helpline.name", "non-empty"),
        (
            ('timezone = "Asia/Karachi"', 'timezone = "Asia/Karachi"\ncolour = "red"'),
            "helpline.colour",
            "not a known setting",
        ),
        (("[jurisdiction]", "[jurisdictions]"), "jurisdictions", "not a known table"),
        (
            ("[jurisdiction]", '[keys]\nkek = "c2VjcmV0"\n[jurisdiction]'),
            "keys.kek",
            "never be written",
        ),
        (
            ("[jurisdiction]", '[database]\nurl = "mysql://x"\n[jurisdiction]'),
            "database.url",
            "'mysql://x'",
        ),
        (
            ("[jurisdiction]", '[opening_hours]\nmonday = "17:00-09:00"\n[jurisdiction]'),
            "opening_hours.monday",
            "'17:00-09:00' is not an opening time",
        ),
        (
            ("[jurisdiction]", '[opening_hours]\nfunday = "closed"\n[jurisdiction]'),
            "opening_hours.funday",
            "not a known setting",
        ),
    ],
)
def test_invalid_values_name_file_key_and_fix(tmp_path: Path, change, key, fragment) -> None:
    path = _write(tmp_path, VALID.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.key == key
    assert fragment in str(error)
    assert str(path.absolute()) in str(error)
    assert error.fix  # every error says how to put it right


def test_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist.*helplinekit init"):
        load_config(tmp_path / "helpline.toml")


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML .*line 3"):
        load_config(_write(tmp_path, "[helpline]\nname = 'x'\ncountry = \n"))


def test_missing_required_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"the \[languages\] table is missing"):
        load_config(_write(tmp_path, '[helpline]\nname = "x"\ncountry = "KE"\n'))


@pytest.mark.parametrize(
    ("table", "key", "value", "fix"),
    [
        ("retention", "closed_case_days", '"a year"', "closed_case_days = 365"),
        ("retention", "backup_days", "0", "backup_days = 30"),
        ("web", "session_idle_minutes", "0", "session_idle_minutes = 30"),
        ("web", "session_idle_minutes", "2000", "session_idle_minutes = 30"),
        ("web", "exit_url", '"javascript:alert(1)"', "https://en.wikipedia.org"),
        ("web", "rate_limit", '"lots"', "rate_limit = 10"),
        ("web", "rate_window_seconds", "-5", "rate_window_seconds = 600"),
    ],
)
def test_web_and_retention_values_are_checked_when_loading(
    tmp_path: Path, table: str, key: str, value: str, fix: str
) -> None:
    # Refused here, so 'config check' refuses what 'serve' and the retention run would.
    path = _write(tmp_path, f"{VALID}\n[{table}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.key == f"{table}.{key}"
    assert value.strip('"') in raised.value.problem
    assert fix in raised.value.fix


@pytest.mark.parametrize("table", ["web", "retention"])
def test_a_misspelt_web_or_retention_setting_is_refused(tmp_path: Path, table: str) -> None:
    path = _write(tmp_path, f"{VALID}\n[{table}]\nexit_ulr = 3\n")
    with pytest.raises(ConfigError, match="has an unknown setting 'exit_ulr'") as raised:
        load_config(path)
    assert raised.value.key == f"{table}.exit_ulr"


def test_web_and_retention_settings_load_typed_with_defaults(tmp_path: Path) -> None:
    config = load_config(
        _write(tmp_path, f'{VALID}\n[web]\nexit_url = "/bye"\nrate_limit = 6\n[retention]\n'
               "closed_case_days = 30\n")
    )  # fmt: skip
    assert (config.web.exit_url, config.web.rate_limit, config.web.session_idle_minutes) == (
        "/bye",
        6,
        30,
    )
    assert (config.retention.closed_case_days, config.retention.backup_days) == (30, 30)
    assert config.extra["web"] == {"exit_url": "/bye", "rate_limit": 6}  # still kept as read
