"""The deployment's referrals.csv and local plugins folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.config import load_config
from helplinekit.partners import international
from helplinekit.partners.directory import (
    DirectoryError,
    parse_directory,
    render_directory,
)
from helplinekit.plugins import load_local_plugins
from helplinekit.registry import Registries

HEADER = "key,name,services,regions,languages,eligibility,contact,url,last_verified\n"


def test_rendered_directory_reads_back_exactly() -> None:
    partners = international.partners()
    assert parse_directory(render_directory(partners)) == partners


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (
            "Legal Aid,Legal aid,legal_aid,PK,ur,,0800,,",
            "column 'key': 'Legal Aid' is not a namespaced key",
        ),
        ("pk.aid,,legal_aid,PK,ur,,0800,,", "column 'name': is empty"),
        ("pk.aid,Aid,,PK,ur,,0800,,", "column 'services': lists no service"),
        ("pk.aid,Aid,legal aid,PK,ur,,0800,,", "column 'services': 'legal aid' is not a short key"),
        (
            "pk.aid,Aid,legal_aid,Pakistan,ur,,0800,,",
            "column 'regions': 'Pakistan' is not an ISO 3166 code",
        ),
        ("pk.aid,Aid,legal_aid,PK,urdu,,0800,,", "column 'languages': 'urdu' is not a BCP 47 tag"),
        (
            "pk.aid,Aid,legal_aid,PK,ur,,0800,http://aid.pk,",
            "column 'url': 'http://aid.pk' must start with https://",
        ),
        (
            "pk.aid,Aid,legal_aid,PK,ur,,0800,,2026-13-01",
            "column 'last_verified': '2026-13-01' is not a date; write YYYY-MM-DD",
        ),
        (
            "pk.aid,Aid,legal_aid,PK,ur,,0800,,2099-01-01",
            "column 'last_verified': 2099-01-01 is in the future",
        ),
        ("pk.aid,Aid,legal_aid,PK,ur,,,,", "column 'contact': is empty and there is no url"),
        ("pk.aid,Aid,legal_aid,PK", "line 3: 4 columns, expected 9"),
    ],
)
def test_bad_rows_are_named_by_line_and_column(line: str, fragment: str) -> None:
    good = "pk.ok,OK,legal_aid,PK,ur;en,Women,0800-1,https://ok.pk,2026-11-01\n"
    with pytest.raises(DirectoryError) as caught:
        parse_directory(HEADER + good + line + "\n", today=date(2026, 11, 28))
    assert fragment in str(caught.value)
    assert "line 3" in str(caught.value)


def test_duplicate_key_names_the_first_line() -> None:
    row = "pk.ok,OK,legal_aid,PK,ur,,0800,,\n"
    with pytest.raises(
        DirectoryError, match="line 3, column 'key': 'pk.ok' is already used on line 2"
    ):
        parse_directory(HEADER + row + row)


def test_wrong_header_is_refused() -> None:
    with pytest.raises(DirectoryError, match="line 1: the header must be exactly"):
        parse_directory("name,key\n")


def test_directory_entries_replace_plugin_entries(plugin_manager, deployment: Path) -> None:
    (deployment / "referrals.csv").write_text(
        HEADER
        + "intl.stopncii,StopNCII.org,image_hashing,*,en;ur,Adults,Website,https://stopncii.org/,2026-11-20\n"
        + "pk.legal_aid,Legal aid clinic,legal_aid,PK-PB,ur,Women in Punjab,0800-11111,,\n"
    )
    registries = Registries(plugin_manager, load_config(deployment / "helpline.toml"))
    stop = registries.partners.get("intl.stopncii")
    assert stop.last_verified == date(2026, 11, 20) and stop.languages == ("en", "ur")
    assert registries.partners.plugin_of("intl.stopncii").endswith("referrals.csv")
    assert "pk.legal_aid" in registries.partners
    assert "intl.take_it_down" in registries.partners  # plugin entries not in the file remain


def test_bad_directory_stops_config_check_with_the_line(plugin_manager, deployment: Path) -> None:
    (deployment / "referrals.csv").write_text(
        HEADER + "pk.aid,Aid,legal_aid,PK,ur,,0800,,tomorrow\n"
    )
    result = CliRunner().invoke(
        build_cli(plugin_manager),
        ["config", "check", "--config", str(deployment / "helpline.toml")],
    )
    assert result.exit_code == 1
    assert "line 2, column 'last_verified': 'tomorrow' is not a date" in result.output


def test_local_plugins_folder_is_loaded(plugin_manager, deployment: Path) -> None:
    plugins = deployment / "plugins"
    plugins.mkdir()
    (plugins / "local_partner.py").write_text(
        "from helplinekit import hookimpl\n"
        "from helplinekit.domain import ReferralPartner\n\n"
        "@hookimpl\n"
        "def register_referral_partners(register, helpline):\n"
        "    register(ReferralPartner(key='local.shelter', name='Shelter', services=('shelter',),\n"
        "             regions=('PK',), languages=('ur',), contact='0300-0000000'))\n"
    )
    (plugins / "_private.py").write_text(
        "raise SystemExit('helpers starting with _ are not plugins')\n"
    )
    assert load_local_plugins(plugin_manager, plugins) == ["local:local_partner"]
    assert load_local_plugins(plugin_manager, plugins) == []  # never twice
    registries = Registries(plugin_manager, load_config(deployment / "helpline.toml"))
    assert registries.partners.plugin_of("local.shelter") == "local:local_partner"


def test_plugins_command_lists_the_deployments_own_plugins(
    plugin_manager, deployment: Path
) -> None:
    plugins = deployment / "plugins"
    plugins.mkdir()
    (plugins / "shelters.py").write_text(
        "from helplinekit import hookimpl\n\n"
        "@hookimpl\n"
        "def register_referral_partners(register, helpline):\n"
        "    pass\n"
    )
    result = CliRunner().invoke(
        build_cli(plugin_manager), ["plugins", "--config", str(deployment / "helpline.toml")]
    )
    assert result.exit_code == 0, result.output
    assert "local:shelters  [(local)]" in result.output
