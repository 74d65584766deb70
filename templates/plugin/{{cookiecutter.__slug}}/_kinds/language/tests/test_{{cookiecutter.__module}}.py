"""The language pack's own tests: ``pytest`` runs them, with helplinekit's conformance kit."""

from __future__ import annotations

from helplinekit.contracts import MESSAGE_KEYS, RTL_SCRIPTS
from helplinekit.registry import Registries
from helplinekit.testing import (
    assert_language_pack_conforms,
    assert_triage_lexicon_conforms,
    check_triage_lexicon,
)

import {{ cookiecutter.__module }} as plugin


def test_language_pack_conforms() -> None:
    # Direction matches the script; every message exists with the same {fields} as English;
    # once locale_dir is set, the catalog compiles and translates every interface string.
    assert_language_pack_conforms(plugin.build())


def test_direction_follows_the_script() -> None:
    assert plugin.build().rtl is (plugin.SCRIPT in RTL_SCRIPTS)


def test_every_message_renders() -> None:
    pack = plugin.build()
    values = {"case_code": "HL-2026-000123", "helpline_name": "Helpline", "emergency_numbers": "1"}
    for key in MESSAGE_KEYS:
        assert pack.message(key, **values).strip(), key


def test_hook_registers_the_pack(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "{{ cookiecutter.__namespace }}"):
        pack = Registries(plugin_manager).languages.get(plugin.TAG)
    assert (pack.english_name, pack.native_name) == (plugin.ENGLISH_NAME, plugin.NATIVE_NAME)
    assert pack.reviewed is plugin.REVIEWED


def test_every_triage_lexicon_conforms() -> None:
    # Each cue's examples match it, its counter-examples do not, its categories exist.
    for lexicon in plugin.triage_lexicons():
        assert_triage_lexicon_conforms(lexicon)


def test_the_example_lexicon_is_a_valid_start() -> None:
    from helplinekit.contracts import TriageLexicon

    example = TriageLexicon.from_toml(plugin.LEXICON_DIR / "lexicon.toml.example")
    assert check_triage_lexicon(example) == []
