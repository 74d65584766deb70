"""Checks that this deployment is ready: run with `pytest` in this folder."""

import warnings
from pathlib import Path

import pytest

from helplinekit.bootstrap import check_against, languages_of
from helplinekit.config import load_config
from helplinekit.partners.directory import load_directory
from helplinekit.plugins import get_plugin_manager, load_local_plugins
from helplinekit.registry import Registries
from helplinekit.testing import (
    assert_channel_conforms,
    assert_jurisdiction_conforms,
    assert_language_pack_conforms,
    assert_referral_partner_conforms,
)

HERE = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def config():
    return load_config(HERE / "helpline.toml")


@pytest.fixture(scope="module")
def registries(config):
    pm = get_plugin_manager()  # the installed plugins
    load_local_plugins(pm, HERE / "plugins")  # and this deployment's own
    return Registries(pm, config)


def test_config_is_valid(config):
    assert config.helpline.name.strip()


def test_enabled_channels_languages_and_jurisdiction_are_installed(config, registries):
    problems = [p for p in check_against(config, registries) if "key provider" not in p]
    assert problems == [], "\n".join(problems)


def test_referral_directory_is_valid(registries):
    partners = load_directory(HERE)
    assert partners is not None, "referrals.csv is missing"
    for partner in partners:
        assert_referral_partner_conforms(partner)


def test_enabled_plugins_conform(config, registries):
    # A language with no plugin is served from CLDR (and this folder's locale/ catalogs).
    languages = languages_of(config, registries)
    for tag in config.languages.enabled:
        assert_language_pack_conforms(languages.pack(tag))
    for name in config.channels.enabled:
        assert_channel_conforms(registries.channels.get(name))


def test_jurisdiction_covers_the_taxonomy(config, registries):
    jurisdiction = registries.jurisdictions.get(config.jurisdiction)
    report = jurisdiction.coverage(registries.taxonomy.names())
    if config.jurisdiction.startswith("local."):
        # The local law stub is a start, not a failure: say what is missing.
        if not report.complete:
            warnings.warn(f"{config.jurisdiction}: {report.describe()}", stacklevel=1)
        return
    assert_jurisdiction_conforms(jurisdiction)
