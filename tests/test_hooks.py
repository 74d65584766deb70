"""One test per hook, each through a throwaway plugin (tests/test_docs.py checks the list)."""

from __future__ import annotations

from datetime import date

import click
from click.testing import CliRunner

from helplinekit import hookimpl
from helplinekit.channels.web_form import WebFormChannel
from helplinekit.cli import build_cli
from helplinekit.config import load_config
from helplinekit.contracts import (
    Jurisdiction,
    LanguagePack,
    NoSpecificProvision,
)
from helplinekit.domain import ReferralPartner, TaxonomyCode
from helplinekit.languages.english import MESSAGES
from helplinekit.registry import Registries
from helplinekit.security.keyfile import KeyFileProvider


def test_hook_register_taxonomy(plugin_manager, register_plugin) -> None:
    class AddsCode:
        @hookimpl
        def register_taxonomy(self, register):
            register(TaxonomyCode("SIM_SWAP", "SIM swap", "A phone number taken over."))

    with register_plugin(AddsCode(), "adds_code"):
        registries = Registries(plugin_manager)
    taxonomy = registries.build_taxonomy()
    assert "SIM_SWAP" in taxonomy
    assert registries.taxonomy.plugin_of("SIM_SWAP") == "adds_code"
    # A new code is a gap in every jurisdiction until it maps it.
    baseline = registries.jurisdictions.get("intl.baseline")
    assert baseline.coverage(taxonomy.codes()).missing == ("SIM_SWAP",)


def test_hook_register_channels(plugin_manager, register_plugin) -> None:
    class AcmeForm(WebFormChannel):
        name = "acme.form"
        title = "Acme"

    class AddsChannel:
        @hookimpl
        def register_channels(self, register):
            register(AcmeForm)

    with register_plugin(AddsChannel(), "acme"):
        registries = Registries(plugin_manager)
    assert registries.channels.get("acme.form") is AcmeForm
    assert registries.channels.plugin_of("acme.form") == "acme"


def test_hook_register_languages(plugin_manager, register_plugin) -> None:
    pack = LanguagePack(
        tag="sw",
        english_name="Swahili",
        native_name="Kiswahili",
        script="Latn",
        rtl=False,
        messages=MESSAGES,
    )

    class AddsLanguage:
        @hookimpl
        def register_languages(self, register):
            register(pack)

    with register_plugin(AddsLanguage(), "swahili"):
        registries = Registries(plugin_manager)
    assert registries.languages.get("sw") is pack
    assert not registries.languages.get("sw").reviewed


def test_hook_register_jurisdictions(plugin_manager, register_plugin) -> None:
    jurisdiction = Jurisdiction(
        key="kenya.ke",
        name="Kenya",
        country="KE",
        disclaimer="Not legal advice.",
        mappings={"INFO_REQUEST": NoSpecificProvision("advice only")},
    )

    class AddsJurisdiction:
        @hookimpl
        def register_jurisdictions(self, register):
            register(jurisdiction)

    with register_plugin(AddsJurisdiction(), "kenya"):
        registries = Registries(plugin_manager)
    assert registries.jurisdictions.get("kenya.ke") is jurisdiction
    assert "intl.baseline" in registries.jurisdictions


def test_hook_register_referral_partners(plugin_manager, register_plugin, deployment) -> None:
    seen = []

    class AddsPartner:
        @hookimpl
        def register_referral_partners(self, register, helpline):
            seen.append(helpline)
            if helpline is None or helpline.helpline.country == "PK":
                register(
                    ReferralPartner(
                        key="pk_test.legal_aid",
                        name="Legal aid clinic",
                        services=("legal_aid",),
                        regions=("PK",),
                        languages=("ur",),
                        eligibility="Women in Pakistan.",
                        contact="0800-00000",
                        url=None,
                        last_verified=date(2026, 11, 1),
                    )
                )

    helpline = load_config(deployment / "helpline.toml")
    with register_plugin(AddsPartner(), "pk_test"):
        for_pakistan = Registries(plugin_manager, helpline)
        outside = Registries(plugin_manager, None)
    assert seen == [helpline, None]
    assert "pk_test.legal_aid" in for_pakistan.partners
    # The built-in international plugin filters by the deployment's country too.
    assert "intl.stopncii" in for_pakistan.partners
    assert "intl.revenge_porn_helpline_uk" not in for_pakistan.partners
    assert "intl.revenge_porn_helpline_uk" in outside.partners


def test_hook_register_key_providers(plugin_manager, register_plugin, deployment) -> None:
    class VaultProvider(KeyFileProvider):
        name = "acme.vault"

        def key_encryption_key(self, version=None):
            return 1, b"k" * 32

        def blind_index_key(self):
            return b"i" * 32

    class AddsProvider:
        @hookimpl
        def register_key_providers(self, register):
            register(VaultProvider)

    config = deployment / "helpline.toml"
    config.write_text(config.read_text() + '\n[keys]\nprovider = "acme.vault"\n')
    with register_plugin(AddsProvider(), "acme_vault"):
        result = CliRunner().invoke(
            build_cli(plugin_manager), ["config", "check", "--config", str(config)]
        )
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_hook_register_commands(plugin_manager, register_plugin) -> None:
    class AddsCommand:
        @hookimpl
        def register_commands(self, cli):
            @cli.command()
            @click.argument("name")
            def greet(name):
                """Say hello."""
                click.echo(f"hello {name}")

    with register_plugin(AddsCommand(), "greeter"):
        cli = build_cli(plugin_manager)
    runner = CliRunner()
    assert runner.invoke(cli, ["greet", "staff"]).output == "hello staff\n"
    assert "greet" in runner.invoke(cli, ["--help"]).output
