"""Any language CLDR knows can be chosen, with or without a plugin; packs are chosen by
RFC 4647 lookup, never across scripts; untranslated strings fall back."""

from __future__ import annotations

import pytest

from helplinekit.contracts import LanguagePack
from helplinekit.contracts.messages import ENGLISH_MESSAGES
from helplinekit.i18n.languages import (
    Languages,
    UnknownLanguage,
    cldr_pack,
    normalise_tag,
    script_of,
)
from helplinekit.registry import Registry


def _registry(*packs: LanguagePack) -> Registry[LanguagePack]:
    registry: Registry[LanguagePack] = Registry("language", lambda item, plugin: item.tag)
    register = registry.register_for("test")
    for pack in packs:
        register(pack)
    return registry


def _pack(tag: str, script: str = "Latn", *, rtl: bool = False) -> LanguagePack:
    return LanguagePack(
        tag=tag,
        english_name=f"Pack {tag}",
        native_name=f"Pack {tag}",
        script=script,
        rtl=rtl,
        messages=ENGLISH_MESSAGES,
    )


ENGLISH = _pack("en")


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("EN", "en"),
        ("es-mx", "es-MX"),
        ("ES_MX", "es-MX"),
        ("ur-latn", "ur-Latn"),
        ("pa_Arab", "pa-Arab"),
        (" sw ", "sw"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
    ],
)
def test_tags_are_read_case_insensitively(typed: str, canonical: str) -> None:
    assert normalise_tag(typed) == canonical


@pytest.mark.parametrize("typed", ["", "english", "e", "en--US", "en-Latin-X", "12"])
def test_a_text_that_is_no_tag_is_refused_with_examples(typed: str) -> None:
    with pytest.raises(UnknownLanguage, match="not a language tag.*sw, bn"):
        normalise_tag(typed)


@pytest.mark.parametrize(
    ("tag", "english", "native", "script", "rtl"),
    [
        ("sw", "Swahili", "Kiswahili", "Latn", False),
        ("bn", "Bangla", "বাংলা", "Beng", False),
        ("ne", "Nepali", "नेपाली", "Deva", False),
        ("zu", "Zulu", "isiZulu", "Latn", False),
        ("ckb", "Central Kurdish", "کوردیی ناوەندی", "Arab", True),
        ("sd", "Sindhi", "سنڌي", "Arab", True),
        ("es-MX", "Spanish (Mexico)", "español (México)", "Latn", False),
    ],
)
def test_a_language_with_no_plugin_comes_from_cldr(tag, english, native, script, rtl) -> None:
    pack = Languages(_registry(ENGLISH)).pack(tag)
    assert (pack.tag, pack.english_name, pack.native_name) == (tag, english, native)
    assert (pack.script, pack.rtl, pack.direction) == (script, rtl, "rtl" if rtl else "ltr")
    assert pack.translated is False and pack.reviewed is False
    # Its interface and messages are the fallback's (English) until someone translates them.
    assert pack.gettext("Send") == "Send"
    assert pack.message("ack.received") == ENGLISH_MESSAGES["ack.received"]


def test_cldr_gives_the_plural_rule_and_a_font_for_the_script() -> None:
    bengali = cldr_pack("bn")
    assert bengali.plural_forms == "nplurals=2; plural=(n > 1);"
    assert "Bengali" in bengali.font_stack


def test_rfc_4647_lookup_takes_the_broader_pack_of_the_same_script() -> None:
    languages = Languages(_registry(ENGLISH, _pack("es"), _pack("ur", "Arab", rtl=True)))
    assert languages.plugin_tag_for("es-MX") == "es"
    assert languages.plugin_tag_for("ur-PK") == "ur"
    assert languages.pack("es-MX").native_name == "Pack es"


def test_lookup_never_crosses_scripts() -> None:
    languages = Languages(
        _registry(ENGLISH, _pack("ur", "Arab", rtl=True), _pack("ur-Latn", "Latn"))
    )
    assert languages.plugin_tag_for("ur") == "ur"
    assert languages.plugin_tag_for("ur-Latn") == "ur-Latn"
    only_roman = Languages(_registry(ENGLISH, _pack("ur-Latn", "Latn")))
    # Urdu is written in the Arabic script: Roman Urdu is no answer for "ur".
    assert only_roman.plugin_tag_for("ur") is None
    assert only_roman.pack("ur").script == "Arab"  # CLDR's Urdu, right to left
    only_nastaliq = Languages(_registry(ENGLISH, _pack("ur", "Arab", rtl=True)))
    assert only_nastaliq.plugin_tag_for("ur-Latn") is None


def test_a_bare_tag_takes_the_single_regional_pack() -> None:
    languages = Languages(_registry(ENGLISH, _pack("es-MX")))
    assert languages.plugin_tag_for("es") == "es-MX"


def test_with_several_regional_packs_the_fallback_decides() -> None:
    registry = _registry(ENGLISH, _pack("es-MX"), _pack("es-ES"))
    assert Languages(registry).plugin_tag_for("es") is None
    assert Languages(registry, fallback="es-ES").plugin_tag_for("es") == "es-ES"


def test_a_tag_cldr_lacks_is_accepted_only_from_a_plugin() -> None:
    assert not Languages(_registry(ENGLISH)).knows("ur-Latn")
    with pytest.raises(UnknownLanguage, match="'ur-Latn' is not known to CLDR.*sw, bn"):
        Languages(_registry(ENGLISH)).pack("ur-Latn")
    assert Languages(_registry(ENGLISH, _pack("ur-Latn"))).knows("ur-Latn")


def test_untranslated_strings_fall_back_to_the_configured_language() -> None:
    from helplinekit_urdu import build as urdu

    # A Punjabi (Shahmukhi) helpline with no Punjabi catalog can fall back to Urdu.
    languages = Languages(_registry(ENGLISH, urdu()), fallback="ur")
    punjabi = languages.pack("pa-Arab")
    assert punjabi.translated is False and punjabi.rtl is True
    assert punjabi.gettext("Send") == urdu().gettext("Send") != "Send"
    assert punjabi.message("reply.signature", helpline_name="H") == urdu().message(
        "reply.signature", helpline_name="H"
    )


def test_scripts_come_from_the_tag_or_cldr() -> None:
    assert script_of("pa-Arab") == "Arab"
    assert script_of("pa") == "Guru"
    assert script_of("ur") == "Arab"
    assert script_of("sr-Latn") == "Latn"
