"""A deployment translates a language with no plugin: `translations init`, then its catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner
from fastapi.testclient import TestClient

from helplinekit.cli import build_cli


def _enable_swahili(deployment: Path) -> Path:
    toml = deployment / "helpline.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('enabled = ["en"]', 'enabled = ["en", "sw"]', 1), "utf-8")
    return toml


def _cli(plugin_manager, *args: str):
    return CliRunner().invoke(build_cli(plugin_manager), list(args))


def _translate(path: Path, translations: dict[str, str]) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_translations_init_starts_a_catalog_the_helpline_then_uses(
    plugin_manager, deployment: Path, keys_env
) -> None:
    toml = _enable_swahili(deployment)
    result = _cli(plugin_manager, "translations", "init", "SW", "--config", str(toml))
    assert result.exit_code == 0, result.output
    catalog = deployment / "locale" / "sw" / "LC_MESSAGES" / "helplinekit.po"
    assert catalog.is_file() and f"Wrote {catalog}" in result.output
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in catalog.read_text(encoding="utf-8")

    again = _cli(plugin_manager, "translations", "init", "sw", "--config", str(toml))
    assert again.exit_code == 1 and "never overwritten" in again.output

    _translate(catalog, {"Send": "Tuma", "Your message": "Ujumbe wako"})
    check = _cli(plugin_manager, "translations", "check", "--config", str(toml))
    assert check.exit_code == 1
    assert "sw: Swahili (Kiswahili)" in check.output and "translated: 2 of" in check.output

    from helplinekit.api import Helpline
    from helplinekit.web.app import create_app

    helpline = Helpline.open(toml, pm=plugin_manager)
    try:
        page = TestClient(create_app(helpline)).get("/form?lang=sw").text
    finally:
        helpline.close()
    assert "Tuma" in page and "Ujumbe wako" in page
    assert "Choose a passphrase" in page  # not translated yet: shown in English
    assert "not translated into" not in page  # it has a translation now, not yet reviewed
    assert "This translation has not yet been reviewed by a native speaker." in page


def test_a_language_no_one_knows_is_refused_by_translations_init(
    plugin_manager, deployment: Path
) -> None:
    result = _cli(
        plugin_manager, "translations", "init", "xx", "--config", str(deployment / "helpline.toml")
    )
    assert result.exit_code == 1
    assert "'xx' is not known to CLDR" in result.output
    assert not (deployment / "locale").exists()


def test_a_broken_deployment_catalog_stops_the_start_naming_the_file(
    plugin_manager, deployment: Path, keys_env
) -> None:
    from helplinekit.api import Helpline
    from helplinekit.bootstrap import StartupError

    toml = _enable_swahili(deployment)
    catalog = deployment / "locale" / "sw" / "LC_MESSAGES" / "helplinekit.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text("Send = Tuma\n", encoding="utf-8")  # not a PO file at all
    with pytest.raises(StartupError, match=r"language 'sw'.*helplinekit\.po"):
        Helpline.open(toml, pm=plugin_manager)
