"""The Urdu pack: conformance, entry point, rendering, and `translations check`."""

from __future__ import annotations

import unicodedata
from importlib.metadata import entry_points

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from click.testing import CliRunner
from helplinekit.cli import build_cli
from helplinekit.contracts import MESSAGE_KEYS
from helplinekit.languages.english import MESSAGES as ENGLISH
from helplinekit.registry import Registries
from helplinekit.testing import (
    assert_language_pack_conforms,
    core_catalog_template,
    make_plugin_manager,
)

import helplinekit_urdu as plugin

VALUES = {
    "case_code": "HL-2026-000123",
    "helpline_name": "Helpline",
    "emergency_numbers": "112",
}


def _with_urdu_entry_point():
    # Only this entry point: another installed plugin must not change these tests.
    pm = make_plugin_manager()
    pm.load_setuptools_entrypoints("helplinekit", name="urdu")
    return pm


def test_language_pack_conforms() -> None:
    # rtl matches the script; every message keeps English's {fields}; the catalog compiles,
    # has Urdu's plural forms and translates every msgid of helplinekit's .pot.
    assert core_catalog_template().exists()
    assert_language_pack_conforms(plugin.build())


def test_names_script_direction_and_fonts() -> None:
    pack = plugin.build()
    assert (pack.tag, pack.english_name, pack.native_name) == ("ur", "Urdu", "اردو")
    assert (pack.script, pack.rtl, pack.direction) == ("Arab", True, "rtl")
    assert pack.font_stack.split(", ")[0] == '"Noto Nastaliq Urdu"'
    assert pack.font_stack.endswith("serif")


def test_plural_forms_are_babels_for_urdu() -> None:
    assert plugin.build().plural_forms == str(get_plural("ur"))
    assert get_plural("ur").num_plurals == 2


def test_not_yet_reviewed() -> None:
    assert plugin.build().reviewed is False


def test_found_through_its_entry_point() -> None:
    (found,) = entry_points(group="helplinekit", name="urdu")
    assert found.value == "helplinekit_urdu"
    registries = Registries(_with_urdu_entry_point())
    assert registries.languages.plugin_of("ur") == "urdu"
    assert registries.languages.get("ur").native_name == "اردو"


def test_hook_registers_the_pack(plugin_manager, register_plugin) -> None:
    with register_plugin(plugin, "urdu"):
        pack = Registries(plugin_manager).languages.get("ur")
    assert pack.reviewed is plugin.REVIEWED


def test_ack_message_contains_the_case_code() -> None:
    text = plugin.build().message("ack.web_form", case_code="HL-2026-000123")
    assert "HL-2026-000123" in text
    assert text != ENGLISH["ack.web_form"].format(case_code="HL-2026-000123")
    assert "کیس کوڈ" in text


def test_messages_come_from_the_catalog() -> None:
    pack = plugin.build()
    for key in MESSAGE_KEYS:
        assert pack.messages[key] == pack.gettext(ENGLISH[key]), key
        rendered = pack.message(key, **VALUES)
        if key != "reply.signature":  # "— {helpline_name}" needs no words
            assert rendered != ENGLISH[key].format_map(VALUES), f"{key} is not translated"
            letters = [c for c in rendered if c.isalpha()]
            arabic = [c for c in letters if unicodedata.name(c, "").startswith("ARABIC")]
            assert len(arabic) > len(letters) / 2, f"{key} is not written in Urdu"


def test_nothing_country_specific() -> None:
    # Urdu is a language, not a country: no country's names or numbers in the texts.
    pack = plugin.build()
    text = " ".join(pack.messages[key] for key in MESSAGE_KEYS)
    for word in ("Pakistan", "پاکستان", "India", "بھارت", "ہندوستان", "1122", "0800"):
        assert word not in text


def test_translations_check_passes_and_says_not_yet_reviewed() -> None:
    result = CliRunner().invoke(
        build_cli(_with_urdu_entry_point()),
        ["translations", "check", "--language", "ur"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "ur: Urdu (اردو), Arab, right to left; from urdu" in result.output
    with core_catalog_template().open("rb") as handle:
        total = sum(1 for message in read_po(handle) if message.id)
    assert f"translated: {total} of {total} strings" in result.output
    assert "not yet reviewed" in result.output
    assert "1 language pack complete." in result.output
