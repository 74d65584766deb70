"""The plugin conforms, is found through its entry point, and registers what it should."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pycountry
import pytest
from click.testing import CliRunner
from helplinekit.cli import build_cli
from helplinekit.domain import DEFAULT_TAXONOMY
from helplinekit.plugins import get_plugin_manager
from helplinekit.registry import Registries
from helplinekit.testing import assert_jurisdiction_conforms, assert_referral_partner_conforms

import helplinekit_pakistan as plugin


def test_jurisdiction_conforms(plugin_manager) -> None:
    # Every taxonomy code mapped (or explicitly marked), every fact sourced, a disclaimer,
    # reviewed_on only with a note and never on a [U] fact, every flag explained.
    assert_jurisdiction_conforms(plugin.build(), plugin_manager)


@pytest.mark.parametrize("partner", plugin.partners(), ids=lambda p: p.key)
def test_referral_partner_conforms(partner) -> None:
    assert_referral_partner_conforms(partner)


def test_every_category_is_mapped_and_every_reference_resolves() -> None:
    jurisdiction = plugin.build()
    report = jurisdiction.coverage(code.code for code in DEFAULT_TAXONOMY)
    assert report.complete, report.describe()
    assert report.no_specific == ("INFO_REQUEST",)


def test_found_through_its_entry_point() -> None:
    pm = get_plugin_manager()  # loads the helplinekit entry-point group
    module = pm.get_plugin("pakistan")
    assert module is plugin
    registries = Registries(pm)
    assert registries.jurisdictions.get(plugin.KEY).country == "PK"
    assert registries.jurisdictions.plugin_of(plugin.KEY) == "pakistan"


def test_listed_by_helplinekit_plugins() -> None:
    result = CliRunner().invoke(build_cli(get_plugin_manager()), ["plugins"])
    assert result.exit_code == 0, result.output
    assert "pakistan  [helplinekit-pakistan 0.1.0]" in result.output
    listed = result.output.split("pakistan  [helplinekit-pakistan 0.1.0]", 1)[1]
    assert "register_jurisdictions, register_referral_partners" in listed.splitlines()[1]


def test_listed_by_the_installed_console_script() -> None:
    script = shutil.which("helplinekit", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the helplinekit console script is not installed next to this Python")
    result = subprocess.run(
        [script, "plugins", "--registered"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "helplinekit-pakistan" in result.stdout
    assert "pakistan.pk" in result.stdout
    assert "pakistan.nccia" in result.stdout


def test_hook_register_jurisdictions(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "pakistan"):
        registries = Registries(plugin_manager)
    jurisdiction = registries.jurisdictions.get("pakistan.pk")
    assert (jurisdiction.name, jurisdiction.country) == ("Pakistan", "PK")
    assert registries.jurisdictions.plugin_of("pakistan.pk") == "pakistan"


def _helpline(country: str) -> SimpleNamespace:
    # register_referral_partners reads only helpline.helpline.country.
    return SimpleNamespace(helpline=SimpleNamespace(country=country))


@pytest.mark.parametrize(
    ("helpline", "expected"),
    [
        (None, {"pakistan.nccia", "pakistan.content_removal", "pakistan.drf_helpline"}),
        (_helpline("PK"), {"pakistan.nccia", "pakistan.content_removal", "pakistan.drf_helpline"}),
        (_helpline("KE"), set()),
    ],
    ids=["outside-a-deployment", "pakistani-helpline", "kenyan-helpline"],
)
def test_hook_register_referral_partners(helpline, expected) -> None:
    registered = []
    plugin.register_referral_partners(register=registered.append, helpline=helpline)
    assert {partner.key for partner in registered} == expected


def test_partners_serve_pakistan_and_are_not_marked_verified() -> None:
    for partner in plugin.partners():
        assert partner.regions == ("PK",)
        assert partner.last_verified is None and not partner.is_verified


def test_partners_reach_the_registry_through_the_hook(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "pakistan"):
        registries = Registries(plugin_manager)
    assert registries.partners.plugin_of("pakistan.nccia") == "pakistan"
    assert "intl.stopncii" in registries.partners  # the built-in directory is still there


def test_regions_are_the_iso_3166_2_subdivisions_of_pakistan() -> None:
    regions = {region.code: region.name for region in plugin.build().regions}
    expected = {
        subdivision.code: subdivision.name
        for subdivision in pycountry.subdivisions.get(country_code="PK")
    }
    assert regions == expected
    assert set(regions) == {"PK-PB", "PK-SD", "PK-KP", "PK-BA", "PK-IS", "PK-GB", "PK-JK"}


def test_evidence_guidance_keeps_evidence_first_and_never_pays() -> None:
    guidance = plugin.build().evidence_guidance
    assert "URL" in guidance[0] and "date and time" in guidance[0]
    assert any("Never advise paying a blackmailer" in item for item in guidance)


def test_disclaimer_says_not_legal_advice_and_names_the_numbering() -> None:
    disclaimer = plugin.build().disclaimer
    assert "not legal advice" in disclaimer
    assert "Act XL of 2016" in disclaimer
