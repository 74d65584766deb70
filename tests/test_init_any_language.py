"""`helplinekit init` works for any language CLDR knows, with no language plugin installed.

Each deployment passes its own tests, and its public form renders in the chosen language's
direction, saying plainly that the page is shown in English until it is translated.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from helplinekit.cli import build_cli


def init(plugin_manager, target: Path, country: str, languages: str):
    return CliRunner().invoke(
        build_cli(plugin_manager),
        [
            "init",
            str(target),
            "--country",
            country,
            "--languages",
            languages,
            "--name",
            "Digital Safety Helpline",
            "--no-input",
        ],
    )


def run_own_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPLINEKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("country", "languages", "first", "direction", "native"),
    [
        ("KE", "sw,en", "sw", "ltr", "Kiswahili"),
        ("BD", "bn,en", "bn", "ltr", "বাংলা"),
        ("NP", "ne", "ne", "ltr", "नेपाली"),
        ("IQ", "CKB,en", "ckb", "rtl", "کوردیی ناوەندی"),  # any case; right to left from CLDR
    ],
)
def test_init_with_a_language_no_plugin_provides(
    plugin_manager, tmp_path: Path, keys_env, country, languages, first, direction, native
) -> None:
    target = tmp_path / country.lower()
    result = init(plugin_manager, target, country, languages)
    assert result.exit_code == 0, result.output
    assert "no installed language plugin" not in result.output
    assert f'default = "{first}"' in (target / "helpline.toml").read_text(encoding="utf-8")
    # The requirements point only at folders that exist in the helplinekit source.
    requirements = (target / "requirements.txt").read_text(encoding="utf-8")
    assert "/plugins/" not in requirements

    own = run_own_tests(target)
    assert own.returncode == 0, own.stdout + own.stderr

    from helplinekit.api import Helpline
    from helplinekit.web.app import create_app

    helpline = Helpline.open(target / "helpline.toml", pm=plugin_manager)
    try:
        client = TestClient(create_app(helpline))
        page = client.get("/form").text
    finally:
        helpline.close()
    assert f'<html lang="{first}" dir="{direction}">' in page
    assert '<main lang="en" dir="ltr">' in page  # the English it falls back to is marked
    assert "This page is not translated into" in page and "yet, so it is shown in" in page
    assert native in page
    assert "Your message" in page  # the English fallback, not an empty or broken page


def test_the_language_switcher_marks_what_is_not_translated_or_reviewed(
    plugin_manager, tmp_path: Path, keys_env
) -> None:
    import helplinekit_urdu

    plugin_manager.register(helplinekit_urdu, name="urdu")
    target = tmp_path / "pk"
    result = init(plugin_manager, target, "PK", "ur,en,sd")
    assert result.exit_code == 0, result.output

    from helplinekit.api import Helpline
    from helplinekit.web.app import create_app

    helpline = Helpline.open(target / "helpline.toml", pm=plugin_manager)
    try:
        client = TestClient(create_app(helpline))
        urdu = client.get("/form?lang=ur").text
        english = client.get("/form?lang=en").text
    finally:
        helpline.close()
    # Urdu is translated but not yet reviewed by a native speaker; Sindhi is not translated.
    assert "اس ترجمے کا ابھی کسی اہلِ زبان نے جائزہ نہیں لیا۔" in urdu
    switcher = english.split('<nav class="languages"')[1].split("</nav>")[0]
    assert "اردو</a> <small><bdi>(not yet reviewed)</bdi></small>" in switcher
    assert "سنڌي</a> <small><bdi>(not translated yet)</bdi></small>" in switcher
    assert "This translation has not yet been reviewed" not in english  # English is reviewed
