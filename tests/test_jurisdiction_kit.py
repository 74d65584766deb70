"""The jurisdiction kit catches what an outside developer's plugin got past it.

Each test breaks one thing in a plugin that conforms and asserts the exact message: it names
the plugin's item, the bad value and the fix.
"""

from __future__ import annotations

import re
from datetime import date

import attrs
import pytest

from helplinekit.conformance import COMPLAINT_PLACEHOLDERS
from helplinekit.contracts import (
    Authority,
    ComplaintTemplate,
    Confidence,
    EmergencyNumber,
    Fact,
    Jurisdiction,
    NoSpecificProvision,
    Provision,
    ProvisionRef,
    Region,
    RemovalRoute,
    TimeLimit,
)
from helplinekit.domain import DEFAULT_TAXONOMY, Caller, Case
from helplinekit.services.legal import build_options
from helplinekit.testing import assert_jurisdiction_conforms, check_jurisdiction

CODES = [code.code for code in DEFAULT_TAXONOMY]
ALL_CODES = ", ".join(sorted(CODES))
SOURCE = (
    "https://kenyalaw.org/kl/fileadmin/pdfdownloads/Acts/2018/"
    "ComputerMisuseandCybercrimesActNo5of2018.pdf"
)
ALLOWED = "{reference}, {date}, {categories}, {provisions}, {authority}, {remedies}"
FIX_URL = "give the address where anyone can read the text."


def fact(url: str = SOURCE, **changes: object) -> Fact:
    return Fact(url, Confidence.secondary, **changes)  # type: ignore[arg-type]


def provision(**changes: object) -> Provision:
    values: dict[str, object] = dict(
        key="kenya.ke.cmca2018.s27",
        act="Computer Misuse and Cybercrimes Act",
        act_version="No. 5 of 2018 as enacted",
        section="27",
        title="Cyber harassment",
        summary="Communicating with a person so that they fear for their safety.",
        fact=fact(),
    )
    values.update(changes)
    return Provision(**values)  # type: ignore[arg-type]


def authority(**changes: object) -> Authority:
    values: dict[str, object] = dict(
        key="kenya.ke.police",
        name="National Police Service",
        how_to_report="Report at any police station, with the evidence.",
        fact=fact("https://www.nationalpolice.go.ke/"),
        url="https://www.nationalpolice.go.ke/",
    )
    values.update(changes)
    return Authority(**values)  # type: ignore[arg-type]


def route(**changes: object) -> RemovalRoute:
    values: dict[str, object] = dict(
        key="kenya.ke.ca",
        title="Communications Authority",
        steps="Complain to the Communications Authority.",
        fact=fact("https://www.ca.go.ke/"),
        applies_to={"NCII_SHARED"},
    )
    values.update(changes)
    return RemovalRoute(**values)  # type: ignore[arg-type]


def time_limit(**changes: object) -> TimeLimit:
    values: dict[str, object] = dict(
        description="No time limit to report an offence.", fact=fact(), applies_to={"THREATS"}
    )
    values.update(changes)
    return TimeLimit(**values)  # type: ignore[arg-type]


def template(**changes: object) -> ComplaintTemplate:
    values: dict[str, object] = dict(
        language="en",
        authority="kenya.ke.police",
        text="To {authority}, {date}: case {reference} ({categories}) under {provisions}.",
    )
    values.update(changes)
    return ComplaintTemplate(**values)  # type: ignore[arg-type]


def kenya(**changes: object) -> Jurisdiction:
    mappings: dict[str, object] = {
        code: NoSpecificProvision("Refer to the platform.") for code in CODES
    }
    mappings["THREATS"] = (ProvisionRef("kenya.ke.cmca2018.s27", note="threats by message"),)
    values: dict[str, object] = dict(
        key="kenya.ke",
        name="Kenya",
        country="KE",
        disclaimer="General information, not legal advice.",
        provisions=(provision(),),
        mappings=mappings,
        authorities=(authority(),),
        removal_routes=(route(),),
        time_limits=(time_limit(),),
        complaint_templates=(template(),),
        regions=(Region("KE-30", "Nairobi City"),),
        emergency_numbers=(
            EmergencyNumber("999", "Police", fact("https://www.nationalpolice.go.ke/")),
        ),
        evidence_guidance=("Screenshots with the date and the sender.",),
    )
    values.update(changes)
    return Jurisdiction(**values)  # type: ignore[arg-type]


def problems(jurisdiction: Jurisdiction) -> list[str]:
    return check_jurisdiction(jurisdiction, CODES, today=date(2026, 12, 4))


def test_the_plugin_the_broken_ones_start_from_conforms(plugin_manager) -> None:
    assert problems(kenya()) == []
    assert_jurisdiction_conforms(kenya(), plugin_manager)


# -- 1. leftover TODO markers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            kenya(provisions=(provision(summary="TODO: say what it makes an offence."),)),
            "provision kenya.ke.cmca2018.s27 has a leftover TODO in its summary: "
            "'TODO: say what it makes an offence.'; write the real text, or leave the item "
            "out until it is ready.",
        ),
        (
            kenya(disclaimer="General information, not legal advice. TODO ask the lawyer"),
            "the jurisdiction has a leftover TODO in its disclaimer: "
            "'…, not legal advice. TODO ask the lawyer'; write the real text, or leave the "
            "item out until it is ready.",
        ),
        (
            kenya(name="Kenya (TODO)"),
            "the jurisdiction has a leftover TODO in its name: 'Kenya (TODO)'; write the real "
            "text, or leave the item out until it is ready.",
        ),
        (
            kenya(removal_routes=(route(steps="FIXME: the form's address"),)),
            "removal route kenya.ke.ca has a leftover FIXME in its steps: "
            '"FIXME: the form\'s address"; write the real text, or leave the item out until '
            "it is ready.",
        ),
        (
            kenya(
                mappings={
                    **kenya().mappings,
                    "THREATS": (ProvisionRef("kenya.ke.cmca2018.s27", note="TODO"),),
                }
            ),
            "mapping THREATS has a leftover TODO in its note on kenya.ke.cmca2018.s27: 'TODO'; "
            "write the real text, or leave the item out until it is ready.",
        ),
        (
            kenya(complaint_templates=(template(text="To {authority}: TODO write the letter"),)),
            "complaint template 'en' has a leftover TODO in its text: "
            "'To {authority}: TODO write the letter'; write the real text, or leave the item "
            "out until it is ready.",
        ),
        (
            kenya(regions=(Region("KE-30", "TODO"),)),
            "region 'KE-30' has a leftover TODO in its name: 'TODO'; write the real text, or "
            "leave the item out until it is ready.",
        ),
    ],
    ids=["summary", "disclaimer", "name", "steps", "ref-note", "template", "region"],
)
def test_a_leftover_todo_is_named_with_its_item_and_field(broken, message) -> None:
    assert problems(broken) == [message]


def test_a_long_text_is_quoted_around_its_todo() -> None:
    summary = "Communicating with a person so that they fear for their safety; TODO: check " + (
        "the penalty in the amended text and the courts' reading of it."
    )
    assert problems(kenya(provisions=(provision(summary=summary),))) == [
        "provision kenya.ke.cmca2018.s27 has a leftover TODO in its summary: "
        "'…r for their safety; TODO: check the penalty in the amended text …'; write the real "
        "text, or leave the item out until it is ready."
    ]


def test_todo_inside_a_word_or_in_lower_case_is_not_a_marker() -> None:
    # "todo" is Spanish for "all"; TODOS is a word, not the marker.
    spanish = template(language="es", text="A {authority}: todo lo que pasó (caso {reference}).")
    fine = kenya(complaint_templates=(template(), spanish), name="Kenya TODOS")
    assert problems(fine) == []


def test_the_law_templates_draft_markers_pass() -> None:
    # ``helplinekit new-plugin --kind law`` marks every code NoSpecificProvision("TODO: …"):
    # explicitly marked, so covered; the generated plugin's own tests expect it to conform.
    draft = kenya(
        mappings={
            code: NoSpecificProvision(note=f"TODO: find the law on {code}.") for code in CODES
        }
    )
    assert problems(draft) == []


# -- 2. complaint templates: placeholders -------------------------------------------------


def test_an_unknown_placeholder_is_named_with_the_allowed_ones() -> None:
    broken = kenya(complaint_templates=(template(text="I, {victim_name}, report {reference}."),))
    assert problems(broken) == [
        "complaint template 'en' has the placeholder {victim_name}, which helplinekit does "
        f"not fill, so it would stay in the letter; use only {ALLOWED}, and write a literal "
        "brace as {{ or }}."
    ]


def test_a_stray_brace_is_named() -> None:
    broken = kenya(complaint_templates=(template(text="Case {reference} (see {annex"),))
    assert problems(broken) == [
        "complaint template 'en' cannot be filled in: expected '}' before end of string; "
        "write a literal brace as {{ or }}."
    ]


def test_a_placeholder_with_an_attribute_is_unknown() -> None:
    broken = kenya(complaint_templates=(template(text="Dated {date.year}."),))
    assert problems(broken) == [
        "complaint template 'en' has the placeholder {date.year}, which helplinekit does not "
        f"fill, so it would stay in the letter; use only {ALLOWED}, and write a literal brace "
        "as {{ or }}."
    ]


def test_a_bad_format_spec_is_named() -> None:
    broken = kenya(complaint_templates=(template(text="Dated {date:%d %B}."),))
    assert problems(broken) == [
        "complaint template 'en' cannot be filled in: Invalid format specifier '%d %B' for "
        "object of type 'str'."
    ]


def test_every_allowed_placeholder_is_filled_by_the_core() -> None:
    # If services/legal.py stops filling one, the kit must stop allowing it.
    text = " ".join(f"[{{{name}}}]" for name in COMPLAINT_PLACEHOLDERS)
    law = kenya(complaint_templates=(template(text=text),))
    case = Case(reference="HL-2026-000001", caller_id=Caller().id, categories=("THREATS",))
    draft = build_options(case, law, None, "en").complaint_draft
    assert draft is not None
    assert not re.search(r"\[\{\w+\}\]", draft), draft
    assert "[HL-2026-000001]" in draft and "[National Police Service]" in draft


# -- 3. applies_to names taxonomy codes ---------------------------------------------------


def test_a_removal_route_for_an_unknown_code_is_named() -> None:
    broken = kenya(removal_routes=(route(applies_to={"NCII_SHARED", "REVENGE_PORN"}),))
    assert problems(broken) == [
        "removal route kenya.ke.ca applies to REVENGE_PORN, not in the taxonomy; use its "
        f"codes ({ALL_CODES}), or leave applies_to empty to apply to every case."
    ]


def test_a_time_limit_for_an_unknown_code_is_named() -> None:
    broken = kenya(time_limits=(time_limit(applies_to={"threats", "STALKING"}),))
    assert problems(broken) == [
        "time limit 'No time limit to report an offence.' applies to STALKING, threats, not "
        f"in the taxonomy; use its codes ({ALL_CODES}), or leave applies_to empty to apply to "
        "every case."
    ]


# -- 4. complaint templates: the authority ------------------------------------------------


def test_a_template_to_an_undefined_authority_is_named() -> None:
    broken = kenya(complaint_templates=(template(authority="kenya.ke.dci"),))
    assert problems(broken) == [
        "complaint template 'en' is addressed to authority 'kenya.ke.dci', which the "
        "jurisdiction does not define (kenya.ke.police); use one of its authorities' keys, "
        "or add that authority."
    ]


def test_a_template_when_there_are_no_authorities_says_so() -> None:
    broken = kenya(authorities=())
    assert problems(broken) == [
        "complaint template 'en' is addressed to authority 'kenya.ke.police', which the "
        "jurisdiction does not define (it defines none); use one of its authorities' keys, "
        "or add that authority."
    ]


# -- 5. regions are ISO 3166-2 codes of the country ---------------------------------------


@pytest.mark.parametrize(
    ("region", "message"),
    [
        (
            Region("30", "Nairobi"),
            "region '30' (Nairobi) is not an ISO 3166-2 code of KE; use 'KE-30'.",
        ),
        (
            Region("NBO", "Nairobi City"),
            "region 'NBO' (Nairobi City) is not an ISO 3166-2 code of KE; use 'KE-30'.",
        ),
        (
            Region("PK-PB", "Punjab"),
            "region 'PK-PB' (Punjab) is not an ISO 3166-2 code of KE; use one of ISO "
            "3166-2:KE's codes, e.g. KE-01, KE-02, KE-03.",
        ),
    ],
    ids=["no-prefix", "by-name", "other-country"],
)
def test_a_bad_region_code_is_named_with_a_fix(region, message) -> None:
    assert problems(kenya(regions=(region,))) == [message]


# -- 6. the country matches the key -------------------------------------------------------


def test_a_country_that_does_not_match_the_key_is_named() -> None:
    assert problems(kenya(country="PK", regions=())) == [
        "key 'kenya.ke' does not end in its country's code: country is 'PK', so the key's "
        "last part must be 'pk'; rename the key kenya.pk, or set country to 'KE' if the law "
        "is that country's."
    ]


def test_a_key_not_ending_in_a_country_code_is_named() -> None:
    assert problems(kenya(key="kenya.law")) == [
        "key 'kenya.law' does not end in its country's code: country is 'KE', so the key's "
        "last part must be 'ke'; rename the key kenya.ke."
    ]


def test_a_country_that_does_not_exist_is_named() -> None:
    assert problems(kenya(key="kenya.xk", country="XK", regions=())) == [
        "country 'XK' is not an ISO 3166-1 alpha-2 country code; use the country's two "
        "capital letters, e.g. 'PK' for Pakistan."
    ]


def test_no_country_needs_no_country_code_in_the_key() -> None:
    assert problems(kenya(key="intl.baseline", country=None)) == []


# -- 7. a source URL nobody else can open -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://TODO", "is a TODO placeholder"),
        ("https://kenyalaw.org/TODO", "is a TODO placeholder"),
        ("https://example.com/act", "names example.com, a domain reserved for examples"),
        ("https://laws.example.net/act", "names laws.example.net, a domain reserved for examples"),
        (
            "http://localhost:8000/act.pdf",
            "names the host 'localhost', which has no dot, so nobody else can open it",
        ),
        (
            "https://intranet/act",
            "names the host 'intranet', which has no dot, so nobody else can open it",
        ),
        (
            "https://gazette.test/act",
            "names gazette.test, whose .test ending reaches no public site",
        ),
        (
            "http://127.0.0.1/act",
            "names 127.0.0.1, a private or local address nobody else can open",
        ),
        (
            "http://192.168.1.10/act",
            "names 192.168.1.10, a private or local address nobody else can open",
        ),
    ],
)
def test_a_placeholder_source_url_is_named(url, reason) -> None:
    broken = kenya(provisions=(provision(fact=fact(url)),))
    assert problems(broken) == [
        f"provision kenya.ke.cmca2018.s27's source URL {url!r} {reason}; {FIX_URL}"
    ]


def test_every_fact_owner_is_named() -> None:
    bad = fact("https://TODO")
    broken = kenya(
        authorities=(authority(fact=bad),),
        removal_routes=(route(fact=bad),),
        time_limits=(time_limit(fact=bad),),
        emergency_numbers=(EmergencyNumber("999", "Police", bad),),
    )
    assert problems(broken) == [
        f"{owner}'s source URL 'https://TODO' is a TODO placeholder; {FIX_URL}"
        for owner in (
            "authority kenya.ke.police",
            "removal route kenya.ke.ca",
            "time limit 'No time limit to report an offence.'",
            "emergency number '999'",
        )
    ]


def test_an_authoritys_placeholder_portal_is_named() -> None:
    broken = kenya(authorities=(authority(url="https://example.com/report"),))
    assert problems(broken) == [
        "authority kenya.ke.police's portal URL 'https://example.com/report' names "
        "example.com, a domain reserved for examples; give the portal's public address, or "
        "url=None if it has none."
    ]


# -- 8. a fact without a source fails at import, naming its item --------------------------


@pytest.mark.parametrize(
    ("build", "owner"),
    [
        (lambda f: provision(fact=f), "Provision 'kenya.ke.cmca2018.s27'"),
        (lambda f: authority(fact=f), "Authority 'kenya.ke.police'"),
        (lambda f: route(fact=f), "Removal route 'kenya.ke.ca'"),
        (lambda f: time_limit(fact=f), "Time limit 'No time limit to report an offence.'"),
        (lambda f: EmergencyNumber("999", "Police", f), "Emergency number '999'"),
    ],
    ids=["provision", "authority", "route", "time-limit", "emergency"],
)
@pytest.mark.parametrize("url", ["", "TODO", "www.kenyalaw.org", "ftp://kenyalaw.org/act"])
def test_a_fact_without_a_source_fails_naming_its_item(build, owner, url) -> None:
    with pytest.raises(ValueError) as raised:
        build(fact(url))
    assert str(raised.value) == (
        f"{owner} has no source: its fact's source_url is {url!r}, not a web address. Set it "
        "to the http:// or https:// address where anyone can read the text, e.g. "
        'Fact(source_url="https://…", confidence=Confidence.uncertain).'
    )


def test_a_fact_on_its_own_takes_any_string_and_an_evolved_item_is_checked_again() -> None:
    assert Fact("", Confidence.uncertain).source_url == ""
    with pytest.raises(ValueError, match="^Provision 'kenya.ke.cmca2018.s27' has no source"):
        attrs.evolve(provision(), fact=fact(""))
