"""Every flag is applied, conditions are checked at start-up, age thresholds and in-force
dates choose the law (the jurisdiction contract does what it says)."""

from __future__ import annotations

from datetime import date

import pytest

from helplinekit.contracts import (
    AllOf,
    AnyOf,
    Confidence,
    Fact,
    Jurisdiction,
    Provision,
    ProvisionFlag,
    ProvisionRef,
)
from helplinekit.contracts.conditions import check_conditions
from helplinekit.domain import Caller, Case, CaseAttributes, Gender, VictimAgeBand
from helplinekit.services.legal import evaluate

SOURCE = "https://law.example.org/act"


def provision(key: str, **extra) -> Provision:
    flags = extra.pop("flags", ())
    return Provision(
        key=key,
        act="Test Act",
        act_version="2020 as enacted",
        section=key.rsplit(".", 1)[1],
        title=key,
        summary="x",
        fact=Fact(SOURCE, Confidence.confirmed, date(2026, 1, 1), "checked"),
        flags=flags,
        flag_note="why" if flags else "",
        **extra,
    )


def law(*provisions: Provision, **mappings) -> Jurisdiction:
    return Jurisdiction(
        key="test.tl",
        name="Testland",
        country="TL",
        disclaimer="Not legal advice.",
        provisions=provisions,
        mappings={code: tuple(refs) for code, refs in mappings.items()},
    )


def options(jurisdiction: Jurisdiction, **facts) -> dict[str, tuple[str, ...]]:
    case = Case(
        reference="HL-2026-000001",
        caller_id=Caller().id,
        categories=tuple(jurisdiction.mappings),
        attributes=CaseAttributes(**facts),
    )
    return {p.provision.key: p.applies_if for p in evaluate(case, jurisdiction)[0]}


CHILD_LAW = law(
    provision("test.act.s22", flags={ProvisionFlag.minor_victim_only}),
    NCII_SHARED=[ProvisionRef("test.act.s22")],
)
MEN_ONLY = law(
    provision("test.act.s509", flags={ProvisionFlag.offender_must_be_man}),
    SEXUAL_HARASSMENT_MSG=[ProvisionRef("test.act.s509")],
)


def test_an_adult_victim_is_never_told_a_minors_only_provision_applies() -> None:
    assert "test.act.s22" not in options(CHILD_LAW, victim_is_minor=False)
    assert "test.act.s22" not in options(CHILD_LAW, victim_age=30)
    assert "test.act.s22" not in options(CHILD_LAW, victim_age_band=VictimAgeBand.ADULT)
    assert options(CHILD_LAW, victim_age=15)["test.act.s22"] == ()
    assert options(CHILD_LAW)["test.act.s22"] == ("the victim is under 18",)


def test_an_offender_must_be_a_man_provision_depends_on_the_recorded_gender() -> None:
    assert options(MEN_ONLY)["test.act.s509"] == ("the offender is a man",)
    assert options(MEN_ONLY, offender_gender=Gender.MAN)["test.act.s509"] == ()
    assert "test.act.s509" not in options(MEN_ONLY, offender_gender=Gender.WOMAN)
    # "Undisclosed" tells nothing: still "applies if".
    undisclosed = options(MEN_ONLY, offender_gender=Gender.UNDISCLOSED)
    assert undisclosed["test.act.s509"] == ("the offender is a man",)


def test_age_thresholds_use_the_age_or_the_band() -> None:
    under_16 = law(
        provision("test.act.s377b", victim_age_under=16),
        CHILD_SEXUAL_ABUSE=[ProvisionRef("test.act.s377b")],
    )
    assert options(under_16, victim_age=15)["test.act.s377b"] == ()
    assert "test.act.s377b" not in options(under_16, victim_age=16)
    assert options(under_16, victim_age_band=VictimAgeBand.AGE_14_15)["test.act.s377b"] == ()
    assert "test.act.s377b" not in options(under_16, victim_age_band=VictimAgeBand.AGE_16_17)
    # A minor, but under 16? Not known.
    assert options(under_16, victim_is_minor=True)["test.act.s377b"] == ("the victim is under 16",)
    assert "test.act.s377b" not in options(under_16, victim_is_minor=False)


def test_a_list_of_values_is_any_of_them_and_any_of_combines_conditions() -> None:
    either = law(
        provision("test.act.s1"),
        provision("test.act.s2"),
        THREATS=[
            ProvisionRef("test.act.s1", when={"victim_gender": ["woman", "non_binary"]}),
            ProvisionRef(
                "test.act.s2",
                when=AnyOf({"victim_is_minor": True}, {"ai_generated_content": True}),
            ),
        ],
    )
    assert options(either, victim_gender=Gender.NON_BINARY)["test.act.s1"] == ()
    assert "test.act.s1" not in options(either, victim_gender=Gender.MAN)
    assert options(either)["test.act.s1"] == ("the victim is a woman / the victim is non-binary",)
    assert options(either, ai_generated_content=True)["test.act.s2"] == ()
    assert "test.act.s2" not in options(either, victim_is_minor=False, ai_generated_content=False)
    assert options(either, victim_is_minor=False)["test.act.s2"] == (
        "the material is AI-generated or morphed",
    )
    both = law(
        provision("test.act.s3"),
        THREATS=[
            ProvisionRef(
                "test.act.s3",
                when=AnyOf(AllOf({"victim_is_minor": True}, {"victim_gender": "woman"})),
            )
        ],
    )
    assert options(both, victim_is_minor=True, victim_gender=Gender.WOMAN)["test.act.s3"] == ()
    assert "test.act.s3" not in options(both, victim_is_minor=True, victim_gender=Gender.MAN)


def test_the_law_in_force_on_the_incident_date_is_offered_with_the_other_named() -> None:
    old = provision("old.code.s354", in_force_until=date(2024, 7, 1))
    new = provision("new.code.s75", in_force_from=date(2024, 7, 1), replaces=("old.code.s354",))
    codes = law(old, new, SEXUAL_HARASSMENT_MSG=[ProvisionRef("new.code.s75")])
    case = Case(
        reference="HL-2026-000001",
        caller_id=Caller().id,
        categories=("SEXUAL_HARASSMENT_MSG",),
        attributes=CaseAttributes(incident_date=date(2024, 6, 30)),
    )
    [before] = evaluate(case, codes)[0]
    assert before.provision.key == "old.code.s354"
    assert [p.key for p in before.replaced_by] == ["new.code.s75"]
    [after] = evaluate(
        Case(
            reference="HL-2026-000002",
            caller_id=Caller().id,
            categories=("SEXUAL_HARASSMENT_MSG",),
            attributes=CaseAttributes(incident_date=date(2024, 7, 1)),
        ),
        codes,
    )[0]
    assert after.provision.key == "new.code.s75"
    assert [p.key for p in after.replaces] == ["old.code.s354"]
    # No incident date: the law in force today.
    [today] = evaluate(
        Case(
            reference="HL-2026-000003", caller_id=Caller().id, categories=("SEXUAL_HARASSMENT_MSG",)
        ),
        codes,
    )[0]
    assert today.provision.key == "new.code.s75"


def test_a_repealed_provision_is_not_offered_for_an_incident_after_its_repeal() -> None:
    repealed = law(
        provision("test.act.s9", flags={ProvisionFlag.repealed}, in_force_until=date(2020, 1, 1)),
        THREATS=[ProvisionRef("test.act.s9")],
    )
    assert options(repealed, incident_date=date(2019, 5, 1))["test.act.s9"] == ()
    assert "test.act.s9" not in options(repealed, incident_date=date(2021, 5, 1))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            {"victim_is_minr": True},
            "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
            "test.act.s1: 'victim_is_minr' is not a case fact; use one of victim_is_minor, "
            "victim_age_under, victim_gender, offender_gender, victim, perpetrator_relation, "
            "ai_generated_content.",
        ),
        (
            {"victim_gender": "female"},
            "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
            "test.act.s1: victim_gender = 'female' is not allowed; use 'woman', 'man', "
            "'non_binary', 'other'.",
        ),
        (
            {"victim_is_minor": "yes"},
            "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
            "test.act.s1: victim_is_minor = 'yes' is not allowed; use True, False.",
        ),
        (
            {"victim_age_under": 13},
            "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
            "test.act.s1: victim_age_under = 13 is not allowed; use 12, 14, 16, 18.",
        ),
        (
            AnyOf(),
            "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
            "test.act.s1: an empty AnyOf(); give it conditions.",
        ),
    ],
)
def test_conditions_are_checked_naming_the_plugin_the_provision_and_the_allowed_values(
    when, message
) -> None:
    bad = law(provision("test.act.s1"), THREATS=[ProvisionRef("test.act.s1", when=when)])
    assert check_conditions(bad, "acme") == [message]


def test_a_bad_threshold_or_replacement_on_a_provision_is_named() -> None:
    bad = law(
        provision("test.act.s1", victim_age_under=15, replaces=("test.act.s0",)),
        THREATS=[ProvisionRef("test.act.s1")],
    )
    assert check_conditions(bad, "acme") == [
        "plugin 'acme', jurisdiction 'test.tl': provision test.act.s1 has victim_age_under=15; "
        "use one of 12, 14, 16, 18.",
        "plugin 'acme', jurisdiction 'test.tl': provision test.act.s1 replaces 'test.act.s0', "
        "which the jurisdiction does not define; add it or remove it from replaces.",
    ]


def test_a_helpline_with_a_misspelt_condition_does_not_start(
    deployment, keys_env, plugin_manager
) -> None:
    from helplinekit import hookimpl
    from helplinekit.api import Helpline
    from helplinekit.bootstrap import StartupError

    bad = law(
        provision("test.act.s1"), THREATS=[ProvisionRef("test.act.s1", when={"victim_age": 16})]
    )

    class BadLaw:
        @hookimpl
        def register_jurisdictions(self, register):
            register(bad)

    plugin_manager.register(BadLaw(), name="badlaw")
    toml = deployment / "helpline.toml"
    toml.write_text(toml.read_text().replace('"intl.baseline"', '"test.tl"'))
    with pytest.raises(StartupError, match="'victim_age' is not a case fact; use one of"):
        Helpline.open(toml, pm=plugin_manager)


def test_the_conformance_kit_reports_a_bad_condition_too() -> None:
    from helplinekit.testing import check_jurisdiction

    bad = law(provision("test.act.s1"), THREATS=[ProvisionRef("test.act.s1", when={"age": 1})])
    assert (
        "jurisdiction 'test.tl': the mapping of THREATS to provision test.act.s1: 'age' is not a "
        "case fact; use one of victim_is_minor, victim_age_under, victim_gender, "
        "offender_gender, victim, perpetrator_relation, ai_generated_content."
    ) in check_jurisdiction(bad, ["THREATS"])


def test_a_mapping_that_could_never_apply_is_named() -> None:
    bad = law(
        provision("test.act.s22", flags={ProvisionFlag.minor_victim_only}),
        THREATS=[ProvisionRef("test.act.s22", when={"victim_is_minor": False})],
    )
    assert check_conditions(bad, "acme") == [
        "plugin 'acme', jurisdiction 'test.tl': the mapping of THREATS to provision "
        "test.act.s22: can never apply: the condition wants victim_is_minor = False, but the "
        "provision is flagged minor_victim_only."
    ]


def test_the_kit_runs_the_flags_on_cases_they_rule_out() -> None:
    from helplinekit.conformance.jurisdiction import _flag_behaviour_problems

    honest = law(
        provision("test.act.s22", flags={ProvisionFlag.minor_victim_only}),
        provision("test.act.s509", flags={ProvisionFlag.offender_must_be_man}),
        NCII_SHARED=[ProvisionRef("test.act.s22"), ProvisionRef("test.act.s509")],
    )
    assert _flag_behaviour_problems(honest) == []
