"""The conformance kit passes on the built-ins and fails usefully on broken plugins."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest

from helplinekit.channels.web_form import WebFormChannel
from helplinekit.contracts import (
    Confidence,
    Fact,
    Jurisdiction,
    LanguagePack,
    NoSpecificProvision,
    Provision,
    ProvisionFlag,
    ProvisionRef,
)
from helplinekit.languages import english
from helplinekit.laws import baseline
from helplinekit.partners import international
from helplinekit.registry import Registries
from helplinekit.testing import (
    assert_channel_conforms,
    assert_jurisdiction_conforms,
    assert_language_pack_conforms,
    assert_referral_partner_conforms,
    check_channel,
    check_jurisdiction,
    check_language_pack,
    check_referral_partner,
)

# -- the built-ins pass ----------------------------------------------------------------------


def test_builtin_baseline_jurisdiction_conforms(plugin_manager) -> None:
    assert_jurisdiction_conforms(baseline.build(), plugin_manager)


def test_builtin_baseline_marks_every_code_explicitly(plugin_manager) -> None:
    codes = Registries(plugin_manager).taxonomy.names()
    report = baseline.build().coverage(codes)
    assert report.complete and report.mapped == () and set(report.no_specific) == set(codes)


def test_builtin_english_conforms() -> None:
    assert_language_pack_conforms(english.build())


def test_builtin_web_form_conforms() -> None:
    assert_channel_conforms(WebFormChannel)


@pytest.mark.parametrize("partner", international.partners(), ids=lambda p: p.key)
def test_builtin_partners_conform(partner) -> None:
    assert_referral_partner_conforms(partner)
    assert not partner.is_verified  # nobody has checked them: shown as unverified


def test_every_registered_item_conforms(plugin_manager) -> None:
    registries = Registries(plugin_manager)
    for entry in registries.jurisdictions:
        assert_jurisdiction_conforms(entry.item, plugin_manager)
    for entry in registries.languages:
        assert_language_pack_conforms(entry.item)
    for entry in registries.channels:
        assert_channel_conforms(entry.item)


# -- broken fixtures fail, saying why ----------------------------------------------------------

SOURCE = "https://example.org/act"


def _provision(**changes) -> Provision:
    values = dict(
        key="testland.act.s1",
        act="Test Act",
        act_version="2020 as enacted",
        section="1",
        title="Offence",
        summary="An offence.",
        fact=Fact(SOURCE, Confidence.confirmed, date(2026, 1, 5), "checked the gazette"),
    )
    values.update(changes)
    return Provision(**values)


def _jurisdiction(**changes) -> Jurisdiction:
    values = dict(
        key="testland.tl",
        name="Testland",
        country="TL",
        disclaimer="Not legal advice.",
        provisions=(_provision(),),
        mappings={"THREATS": (ProvisionRef("testland.act.s1"),)},
    )
    values.update(changes)
    return Jurisdiction(**values)


def test_jurisdiction_missing_codes_are_named() -> None:
    problems = check_jurisdiction(_jurisdiction(), ["THREATS", "NCII_SHARED", "FRAUD_SCAM"])
    assert problems == [
        "Incomplete: no mapping for NCII_SHARED, FRAUD_SCAM (map each to provisions, or mark "
        "it NO_SPECIFIC_PROVISION)."
    ]
    with pytest.raises(pytest.fail.Exception, match="'testland.tl' does not conform"):
        assert_jurisdiction_conforms(_jurisdiction())


def test_jurisdiction_dangling_reference_is_named() -> None:
    broken = _jurisdiction(mappings={"THREATS": (ProvisionRef("testland.act.s99"),)})
    assert (
        "cite undefined provisions testland.act.s99" in check_jurisdiction(broken, ["THREATS"])[0]
    )


@pytest.mark.parametrize(
    ("provision", "fragment"),
    [
        (
            _provision(
                fact=Fact(SOURCE, Confidence.confirmed, date.today() + timedelta(days=3), "x")
            ),
            "in the future",
        ),
        (
            _provision(fact=Fact(SOURCE, Confidence.uncertain, date(2026, 1, 1), "x")),
            "marked uncertain [U] but has reviewed_on",
        ),
        (_provision(fact=Fact(SOURCE, Confidence.secondary, date(2026, 1, 1))), "no source_note"),
        (_provision(flags={ProvisionFlag.contested}), "flagged contested without a flag_note"),
        (_provision(act_version=" "), "which text of the Act"),
        (
            _provision(in_force_from=date(2020, 1, 1), in_force_until=date(2019, 1, 1)),
            "stops applying before it starts",
        ),
    ],
)
def test_jurisdiction_fact_problems_are_named(provision, fragment) -> None:
    problems = check_jurisdiction(_jurisdiction(provisions=(provision,)), ["THREATS"])
    assert any(fragment in problem for problem in problems), problems


def test_unsourced_provision_cannot_even_be_built() -> None:
    with pytest.raises(ValueError, match="Provision 'testland.act.s1' has no source"):
        _provision(fact=Fact("", Confidence.confirmed))


def test_no_disclaimer_is_a_problem() -> None:
    problems = check_jurisdiction(_jurisdiction(disclaimer=""), ["THREATS"])
    assert any("no disclaimer" in problem for problem in problems)


def test_no_specific_provision_counts_as_covered() -> None:
    ok = _jurisdiction(mappings={"THREATS": NoSpecificProvision("refer to police")})
    assert check_jurisdiction(ok, ["THREATS"]) == []


def _pack(**changes) -> LanguagePack:
    values = dict(
        tag="ur",
        english_name="Urdu",
        native_name="اردو",
        script="Arab",
        rtl=True,
        messages=dict(english.MESSAGES),
    )
    values.update(changes)
    return LanguagePack(**values)


def test_rtl_flag_must_match_script() -> None:
    assert check_language_pack(_pack(rtl=False)) == [
        "rtl is False but script 'Arab' is written right to left."
    ]
    assert "left to right" in check_language_pack(_pack(tag="sw", script="Latn", rtl=True))[0]


def test_message_templates_must_be_complete_with_the_same_fields() -> None:
    messages = dict(english.MESSAGES)
    del messages["ack.received"]
    messages["ack.web_form"] = "آپ کا کیس کوڈ {code} ہے۔"
    problems = check_language_pack(_pack(messages=messages))
    assert "message templates missing: ack.received." in problems
    assert any(
        "'ack.web_form' uses fields ['code']" in p and "['case_code']" in p for p in problems
    )


POT = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "My queue"
msgstr ""

msgid "Sign in"
msgstr ""

msgid "{n} case"
msgid_plural "{n} cases"
msgstr[0] ""
msgstr[1] ""
"""


def _catalog(folder: Path, body: str, plural_forms: str = "nplurals=2; plural=(n != 1);") -> Path:
    path = folder / "ur" / "LC_MESSAGES" / "helplinekit.po"
    path.parent.mkdir(parents=True)
    header = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {plural_forms}\\n"\n\n'
    )
    path.write_text(header + body, encoding="utf-8")
    return folder


def test_catalog_must_translate_every_template_string(tmp_path: Path) -> None:
    template = tmp_path / "helplinekit.pot"
    template.write_text(POT, encoding="utf-8")
    locale = _catalog(
        tmp_path / "locale",
        'msgid "My queue"\nmsgstr "میری قطار"\n\n'
        '#, fuzzy\nmsgid "{n} case"\nmsgid_plural "{n} cases"\nmsgstr[0] "{n} کیس"\nmsgstr[1] "{n} کیس"\n',
    )
    problems = check_language_pack(_pack(locale_dir=locale), template=template)
    assert "catalog lacks 'Sign in'." in problems
    assert "catalog has no reviewed translation of '{n} case'." in problems
    assert not any("My queue" in problem for problem in problems)


def test_complete_catalog_passes_and_translates(tmp_path: Path) -> None:
    template = tmp_path / "helplinekit.pot"
    template.write_text(POT, encoding="utf-8")
    locale = _catalog(
        tmp_path / "locale",
        'msgid "My queue"\nmsgstr "میری قطار"\n\nmsgid "Sign in"\nmsgstr "سائن ان"\n\n'
        'msgid "{n} case"\nmsgid_plural "{n} cases"\nmsgstr[0] "{n} کیس"\nmsgstr[1] "{n} کیسز"\n',
    )
    pack = _pack(locale_dir=locale)
    assert check_language_pack(pack, template=template) == []
    assert pack.gettext("My queue") == "میری قطار"
    assert pack.translations.ngettext("{n} case", "{n} cases", 3) == "{n} کیسز"


def test_wrong_plural_forms_are_named(tmp_path: Path) -> None:
    locale = _catalog(tmp_path / "locale", "", plural_forms="nplurals=1; plural=0;")
    problems = check_language_pack(_pack(locale_dir=locale), template=tmp_path / "none.pot")
    assert problems == [
        "catalog declares 1 plural forms; Urdu has 2 (fix the Plural-Forms header)."
    ]


def test_missing_catalog_file_is_named(tmp_path: Path) -> None:
    problems = check_language_pack(_pack(locale_dir=tmp_path))
    assert problems and "does not exist" in problems[0]


class _Gullible(WebFormChannel):
    name = "acme.gullible"

    def verify(self, request) -> None:
        return None  # accepts anything: exactly what the kit must catch


class _WrongUrn(WebFormChannel):
    name = "acme.wrongurn"

    @classmethod
    def example(cls):
        return attrs.evolve(super().example(), expected_urns=("web:someone-else",))


def test_channel_that_accepts_forgeries_fails() -> None:
    assert check_channel(_Gullible) == ["accepts a tampered copy of its sample request."]


def test_channel_whose_events_do_not_match_fails() -> None:
    problems = check_channel(_WrongUrn)
    assert any("do not match" in problem for problem in problems)


def test_channel_whose_events_name_another_channel_fails() -> None:
    class Mislabelled(WebFormChannel):
        name = "acme.mislabelled"

        def parse(self, request):
            return [attrs.evolve(event, channel="web.form") for event in super().parse(request)]

    assert check_channel(Mislabelled) == [
        "an event names channel 'web.form', not 'acme.mislabelled'."
    ]


def test_partner_problems_are_named() -> None:
    partner = attrs.evolve(
        international.partners()[0],
        url="http://insecure.example",
        services=(),
        last_verified=date.today() + timedelta(days=1),
    )
    problems = check_referral_partner(partner)
    assert "lists no services." in problems
    assert "url 'http://insecure.example' is not https." in problems
    assert any("in the future" in p for p in problems)
