"""Plugins written against helplinekit 0.1 keep working: contracts only grow."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helplinekit.contracts import InboundMessage
from helplinekit.domain import CaseStatus, Role, parse_urn
from helplinekit.testing import assert_language_pack_conforms

HERE = Path(__file__).parent
FROZEN = HERE / "language_plugin_0_1"


@pytest.fixture
def amharic(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(FROZEN / "src"))
    module = importlib.import_module("helplinekit_amharic")
    yield module
    sys.modules.pop("helplinekit_amharic", None)


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["language_plugin_0_1", "law_plugin_0_1", "pakistan_0_1"])
def test_a_frozen_plugin_passes_its_own_tests(folder: str) -> None:
    frozen = HERE / folder
    # Its source comes first on the path, before any installed copy (the Pakistan plugin is
    # installed from plugins/ too, as it is today).
    env = {**os.environ, "PYTHONPATH": str(frozen / "src")}
    env.pop("HELPLINEKIT_CONFIG", None)
    module = next((frozen / "src").glob("helplinekit_*")).name
    found = subprocess.run(
        [sys.executable, "-c", f"import {module}; print({module}.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert Path(found.stdout.strip()).is_relative_to(frozen), (
        "the frozen copy is not the one tested"
    )
    outcome = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=frozen,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert outcome.returncode == 0, outcome.stdout + outcome.stderr


def test_the_frozen_pack_conforms_with_the_new_members_at_their_defaults(amharic) -> None:
    pack = amharic.build()
    assert_language_pack_conforms(pack)
    assert pack.triage_lexicons == () and pack.translated is True and pack.fallback is None


@pytest.mark.database
def test_a_helpline_with_the_frozen_pack_starts_and_hands_its_messages_to_a_person(
    amharic, deployment: Path, open_helpline, plugin_manager, staff_member
) -> None:
    plugin_manager.register(amharic, name="amharic")
    toml = deployment / "helpline.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('enabled = ["en"]', 'enabled = ["am", "en"]', 1),
        encoding="utf-8",
    )
    helpline = open_helpline()
    pack = helpline.context.languages.pack("am")
    assert (pack.native_name, pack.translated) == (amharic.NATIVE_NAME, True)  # the plugin's
    supervisor = staff_member(helpline, "sup@h.org", Role.SUPERVISOR).actor
    result = helpline.receive_message(
        InboundMessage(
            channel="web.form",
            urn=parse_urn("web:am1"),
            provider_message_id="am1",
            body="የቀድሞ ባለቤቴ እንደሚገድለኝ ይናገራል",  # "my ex-husband says he will kill me"
            new_contact=True,
        )
    )
    helpline.run_until_idle()
    case = helpline.view_case(supervisor, result.case_id)
    # Its pack has no lexicon, and no other lexicon reads Ethiopic: a person triages it.
    assert case.needs_manual_triage is True and case.status is CaseStatus.NEW
