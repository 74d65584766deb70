"""`helplinekit init` for any country: the time zone it chooses, and what it suggests."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.deployment import DeploymentRequest, validate_request
from helplinekit.registry import Registries

OPTIONS = ["--name", "Digital Safety Helpline", "--languages", "en", "--no-input"]


def init(plugin_manager, target: Path, *args: str, answers: str | None = None):
    interactive = [] if answers is not None else OPTIONS
    return CliRunner().invoke(
        build_cli(plugin_manager), ["init", str(target), *args, *interactive], input=answers
    )


def written_timezone(target: Path) -> str:
    lines = (target / "helpline.toml").read_text().splitlines()
    return next(line for line in lines if line.startswith("timezone = ")).split('"')[1]


@pytest.mark.parametrize(
    ("country", "zone"), [("ID", "Asia/Jakarta"), ("MX", "America/Mexico_City")]
)
def test_a_country_with_several_zones_gets_the_most_populous(
    plugin_manager, tmp_path: Path, country: str, zone: str
) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", country)
    assert result.exit_code == 0, result.output
    assert written_timezone(tmp_path / "h") == zone


def test_init_says_which_zone_it_chose_and_how_to_choose_another(
    plugin_manager, tmp_path: Path
) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "ID")
    assert (
        "Indonesia has several time zones; using Asia/Jakarta, where most people live. "
        "Pass --timezone to choose another: Asia/Jayapura, Asia/Makassar or Asia/Pontianak "
        "(e.g. --timezone Asia/Jayapura)."
    ) in result.output


def test_a_country_with_many_zones_gives_an_example_not_the_list(
    plugin_manager, tmp_path: Path
) -> None:
    output = init(plugin_manager, tmp_path / "h", "--country", "MX").output
    assert "Mexico has several time zones; using America/Mexico_City" in output
    assert "Pass --timezone to choose another (11 more), e.g. --timezone America/" in output
    assert "America/Tijuana" not in output


def test_the_prompt_says_it_too_and_enter_keeps_the_choice(plugin_manager, tmp_path: Path) -> None:
    # Country, name, languages, default language, channels, time zone: Enter for the rest.
    result = init(plugin_manager, tmp_path / "h", answers="ID\n\nen\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Indonesia has several time zones; using Asia/Jakarta" in result.output
    assert "Type another at the prompt to choose it: Asia/Jayapura" in result.output
    assert "Timezone [Asia/Jakarta]:" in result.output
    assert written_timezone(tmp_path / "h") == "Asia/Jakarta"


def test_a_passed_timezone_is_used_without_a_note(plugin_manager, tmp_path: Path) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "ID", "--timezone", "Asia/Makassar")
    assert result.exit_code == 0, result.output
    assert "several time zones" not in result.output
    assert written_timezone(tmp_path / "h") == "Asia/Makassar"


def test_a_country_with_one_zone_gets_it_without_a_note(plugin_manager, tmp_path: Path) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "KE")
    assert result.exit_code == 0, result.output
    assert "time zone" not in result.output
    assert written_timezone(tmp_path / "h") == "Africa/Nairobi"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Pakistan", "PK (Pakistan)"),
        ("pakistan", "PK (Pakistan)"),
        ("PAK", "PK (Pakistan)"),
        ("Pakistn", "PK (Pakistan)"),
        ("Türkiye", "TR (Türkiye)"),
        ("Turkey", "TR (Türkiye)"),
        ("Kenya", "KE (Kenya)"),
        ("Korea", "KP (North Korea) or KR (South Korea)"),
    ],
)
def test_a_country_name_is_refused_with_its_code(
    plugin_manager, tmp_path: Path, typed: str, meant: str
) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", typed)
    assert result.exit_code == 2
    assert f"{typed!r} is not a country code; did you mean {meant}?" in result.output
    assert not (tmp_path / "h").exists()


def test_a_country_init_cannot_place_names_the_format(plugin_manager, tmp_path: Path) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "Atlantis")
    assert result.exit_code == 2
    assert "'Atlantis' is not a country code; use ISO 3166-1 alpha-2, e.g. PK" in result.output


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Nairobi", "Africa/Nairobi"),
        ("nairobi", "Africa/Nairobi"),
        ("New York", "America/New_York"),
        ("asia/karachi", "Asia/Karachi"),
        ("Asia/Karchi", "Asia/Karachi"),
        ("Karchi", "Asia/Karachi"),
    ],
)
def test_a_timezone_is_never_guessed_silently(
    plugin_manager, tmp_path: Path, typed: str, meant: str
) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "KE", "--timezone", typed)
    assert result.exit_code == 2
    assert f"{typed!r} is not a time zone; did you mean {meant}?" in result.output
    assert not (tmp_path / "h").exists()


def test_a_timezone_with_nothing_close_names_the_format(plugin_manager, tmp_path: Path) -> None:
    result = init(plugin_manager, tmp_path / "h", "--country", "KE", "--timezone", "Mars/Olympus")
    assert result.exit_code == 2
    assert "'Mars/Olympus' is not a time zone; use an IANA name such as Asia/Karachi" in (
        result.output
    )


def test_the_prompt_offers_the_suggestions_to_confirm(plugin_manager, tmp_path: Path) -> None:
    # "Pakistan", Enter to take PK; then at the time zone "Nairobi", Enter to take the zone.
    answers = "Pakistan\n\nHelpline\nen\n\n\nNairobi\n\n\n"
    result = init(plugin_manager, tmp_path / "h", answers=answers)
    assert result.exit_code == 0, result.output
    assert "'Pakistan' is not a country code; did you mean PK (Pakistan)?" in result.output
    assert "'Nairobi' is not a time zone; did you mean Africa/Nairobi?" in result.output
    assert "Timezone [Africa/Nairobi]:" in result.output
    assert written_timezone(tmp_path / "h") == "Africa/Nairobi"
    assert 'country = "PK"' in (tmp_path / "h" / "helpline.toml").read_text()


def test_several_suggestions_are_not_offered_as_one(plugin_manager, tmp_path: Path) -> None:
    # "Korea" could be either: the prompt asks again with no default, so Enter is not enough.
    result = init(plugin_manager, tmp_path / "h", answers="Korea\n\nKR\nHelpline\nen\n\n\n\n\n")
    assert result.exit_code == 0, result.output
    assert "did you mean KP (North Korea) or KR (South Korea)?" in result.output
    assert 'country = "KR"' in (tmp_path / "h" / "helpline.toml").read_text()


def test_the_api_names_the_suggestions_too(plugin_manager) -> None:
    request = DeploymentRequest(
        name="Helpline",
        country="Pakistan",
        languages=("en",),
        default_language="en",
        channels=("web.form",),
        timezone="Nairobi",
    )
    problems = validate_request(request, Registries(plugin_manager))
    assert "'Pakistan' is not a country code; did you mean PK (Pakistan)?" in problems
    assert "'Nairobi' is not a time zone; did you mean Africa/Nairobi?" in problems
