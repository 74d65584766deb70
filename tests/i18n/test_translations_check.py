"""`helplinekit translations check`: complete packs pass, incomplete ones fail naming why."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from helplinekit import hookimpl
from helplinekit.cli import build_cli
from helplinekit.contracts import MESSAGE_KEYS, LanguagePack
from helplinekit.i18n import TEMPLATE_PATH, catalog_messages, check_pack
from helplinekit.languages.english import MESSAGES as ENGLISH
from helplinekit.testing import check_language_pack

EMERGENCY = ENGLISH["notice.emergency"]
WEB_FORM = ENGLISH["ack.web_form"]


def _template_ids() -> list[str]:
    with TEMPLATE_PATH.open("rb") as handle:
        return [message.id for message in read_po(handle) if message.id]


def _write_catalog(
    locale_dir: Path,
    *,
    plural_forms: str = "nplurals=2; plural=(n != 1);",
    drop: tuple[str, ...] = (),
    fuzzy: tuple[str, ...] = (),
    empty: tuple[str, ...] = (),
    replace: dict[str, str] | None = None,
) -> Path:
    """A Swahili stand-in catalog of helplinekit's own template, broken as asked."""
    with TEMPLATE_PATH.open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale="sw", domain="helplinekit", fuzzy=False)
    for message in template:
        if not message.id or message.id in drop:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = "" if key in empty else (replace or {}).get(key, f"[sw] {key}")
        if not isinstance(message.id, str):  # a plural message: one text per plural form
            text = ("", "") if key in empty else (text, f"[sw] {message.id[1]}")
        catalog.add(message.id, text, flags=("fuzzy",) if key in fuzzy else ())
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True)
    # Babel writes Swahili's own Plural-Forms; a broken pack needs a broken header.
    text = buffer.getvalue().decode("utf-8")
    text = text.replace(
        '"Plural-Forms: nplurals=2; plural=(n != 1);', f'"Plural-Forms: {plural_forms}'
    )
    path = locale_dir / "sw" / "LC_MESSAGES" / "helplinekit.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return locale_dir


def _swahili(locale_dir: Path | None, **changes: object) -> LanguagePack:
    values: dict[str, object] = dict(
        tag="sw",
        english_name="Swahili",
        native_name="Kiswahili",
        script="Latn",
        rtl=False,
        messages=catalog_messages(locale_dir, "sw") if locale_dir else dict(ENGLISH),
        locale_dir=locale_dir,
        reviewed=False,
    )
    values.update(changes)
    return LanguagePack(**values)  # type: ignore[arg-type]


class _PackPlugin:
    def __init__(self, pack: LanguagePack) -> None:
        self.pack = pack

    @hookimpl
    def register_languages(self, register: Callable[[LanguagePack], None]) -> None:
        register(self.pack)


def _check(plugin_manager, register_plugin, pack: LanguagePack, *args: str):
    with register_plugin(_PackPlugin(pack), "fixture_sw"):
        return CliRunner().invoke(
            build_cli(plugin_manager), ["translations", "check", *args], catch_exceptions=False
        )


# -- complete packs pass ---------------------------------------------------------------------


def test_the_template_holds_every_message_template() -> None:
    assert set(ENGLISH.values()) <= set(_template_ids())


def test_english_alone_is_complete(plugin_manager) -> None:
    result = CliRunner().invoke(build_cli(plugin_manager), ["translations", "check"])
    assert result.exit_code == 0, result.output
    assert (
        "en: English, Latn, left to right; from helplinekit.default_plugins.english"
        in result.output
    )
    assert "source language" in result.output
    assert "not yet reviewed" not in result.output
    assert result.output.rstrip().endswith("1 language pack complete.")


def test_complete_pack_passes_and_is_flagged_not_yet_reviewed(
    plugin_manager, register_plugin, tmp_path: Path
) -> None:
    pack = _swahili(_write_catalog(tmp_path))
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 0, result.output
    total = len(_template_ids())
    assert f"translated: {total} of {total} strings" in result.output
    assert "not yet reviewed by a native speaker" in result.output
    assert "2 language packs complete." in result.output
    assert pack.message("ack.web_form", case_code="HL-1") == "[sw] " + WEB_FORM.format(
        case_code="HL-1"
    )


def test_reviewed_pack_is_not_flagged(plugin_manager, register_plugin, tmp_path: Path) -> None:
    result = _check(
        plugin_manager, register_plugin, _swahili(_write_catalog(tmp_path), reviewed=True)
    )
    assert result.exit_code == 0, result.output
    assert "not yet reviewed" not in result.output


# -- incomplete packs fail, naming the string ----------------------------------------------------


def test_missing_string_fails_naming_the_msgid(
    plugin_manager, register_plugin, tmp_path: Path
) -> None:
    pack = _swahili(_write_catalog(tmp_path, drop=(EMERGENCY,)))
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 1
    assert f"    missing: catalog lacks {EMERGENCY!r}." in result.output
    total = len(_template_ids())
    assert f"translated: {total - 1} of {total} strings" in result.output
    assert "INCOMPLETE" in result.output
    assert "Error: 1 of 2 language packs incomplete: sw." in result.output


def test_wrong_number_of_plural_forms_fails(
    plugin_manager, register_plugin, tmp_path: Path
) -> None:
    pack = _swahili(_write_catalog(tmp_path, plural_forms="nplurals=1; plural=0;"))
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 1
    assert (
        "    plurals: catalog declares 1 plural forms; Swahili has 2 (fix the Plural-Forms "
        "header)." in result.output
    )


def test_wrong_plural_rule_fails(plugin_manager, register_plugin, tmp_path: Path) -> None:
    # Two forms, as Swahili has, but "n > 1" puts 0 in the singular: wrong for Swahili.
    pack = _swahili(
        _write_catalog(tmp_path, plural_forms="nplurals=2; plural=(n > 1);"),
        plural_forms="nplurals=2; plural=(n > 1);",
    )
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 1
    assert "does not pick the forms Swahili's rule" in result.output
    assert "e.g. for n=0" in result.output


def test_pack_plural_forms_must_match_its_catalog(tmp_path: Path) -> None:
    pack = _swahili(_write_catalog(tmp_path), plural_forms="nplurals=1; plural=0;")
    problems = check_language_pack(pack)
    assert len(problems) == 1
    assert "the pack's plural_forms 'nplurals=1; plural=0;' disagrees" in problems[0]


def test_fuzzy_and_untranslated_strings_fail(
    plugin_manager, register_plugin, tmp_path: Path
) -> None:
    pack = _swahili(_write_catalog(tmp_path, fuzzy=(EMERGENCY,), empty=(WEB_FORM,)))
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 1
    assert f"    fuzzy: catalog has no reviewed translation of {EMERGENCY!r}." in result.output
    assert f"    untranslated: catalog leaves {WEB_FORM!r} untranslated." in result.output
    # Like gettext, the message falls back to English until the string is translated.
    assert pack.messages["notice.emergency"] == EMERGENCY


def test_changed_placeholder_fails(plugin_manager, register_plugin, tmp_path: Path) -> None:
    broken = {WEB_FORM: "[sw] Your case code is {code}."}
    pack = _swahili(_write_catalog(tmp_path, replace=broken))
    result = _check(plugin_manager, register_plugin, pack)
    assert result.exit_code == 1
    assert (
        f"placeholders: translation of {WEB_FORM!r} uses fields ['code']; the source uses "
        "['case_code']" in result.output
    )
    # The message template read from the catalog is caught by the template check too.
    assert "message 'ack.web_form' uses fields ['code']" in result.output


def test_pack_without_a_catalog_is_incomplete(plugin_manager, register_plugin) -> None:
    result = _check(plugin_manager, register_plugin, _swahili(None))
    assert result.exit_code == 1
    assert "has no catalog (locale_dir is None)" in result.output
    # The conformance kit does not ask for one: a new pack may start with messages only.
    assert check_language_pack(_swahili(None)) == []


def test_missing_catalog_file_fails(plugin_manager, register_plugin, tmp_path: Path) -> None:
    result = _check(plugin_manager, register_plugin, _swahili(tmp_path))
    assert result.exit_code == 1
    assert "catalog: catalog" in result.output and "does not exist." in result.output


# -- --language --------------------------------------------------------------------------------


def test_language_option_checks_one_pack(plugin_manager, register_plugin, tmp_path: Path) -> None:
    pack = _swahili(_write_catalog(tmp_path, drop=(EMERGENCY,)))
    only_english = _check(plugin_manager, register_plugin, pack, "--language", "en")
    assert only_english.exit_code == 0, only_english.output
    assert "sw:" not in only_english.output
    only_swahili = _check(plugin_manager, register_plugin, pack, "--language", "sw")
    assert only_swahili.exit_code == 1
    assert "en:" not in only_swahili.output
    assert "1 of 1 language packs incomplete: sw." in only_swahili.output


def test_unknown_language_is_a_clean_error(plugin_manager) -> None:
    result = CliRunner().invoke(
        build_cli(plugin_manager), ["translations", "check", "--language", "xx"]
    )
    assert result.exit_code == 2
    assert "no language pack 'xx' is installed (installed: en)" in result.output


# -- one implementation for the command and the conformance kit ---------------------------------


def test_check_language_pack_and_the_command_agree(tmp_path: Path) -> None:
    pack = _swahili(_write_catalog(tmp_path, drop=(EMERGENCY,), fuzzy=(WEB_FORM,)))
    report = check_pack(pack)
    assert [problem.text for problem in report.problems] == check_language_pack(pack)
    assert {problem.msgid for problem in report.problems} == {EMERGENCY, WEB_FORM}
    assert not report.complete


@pytest.mark.parametrize("key", sorted(MESSAGE_KEYS))
def test_catalog_messages_read_each_template_from_the_catalog(tmp_path: Path, key: str) -> None:
    pack = _swahili(_write_catalog(tmp_path))
    assert pack.messages[key] == f"[sw] {ENGLISH[key]}"
