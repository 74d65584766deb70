"""Police 15 and Rescue 1122: sourced, honestly marked, and shown on the public form."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from helplinekit.contracts import Confidence, EmergencyNumber, Fact
from helplinekit.testing import check_jurisdiction

import helplinekit_pakistan as plugin
from helplinekit_pakistan import sources


@pytest.fixture(scope="module")
def pakistan():
    return plugin.build()


def numbers(pakistan) -> dict[str, EmergencyNumber]:
    return {entry.number: entry for entry in pakistan.emergency_numbers}


def test_police_15_and_rescue_1122_in_that_order(pakistan) -> None:
    assert [entry.number for entry in pakistan.emergency_numbers] == ["15", "1122"]
    assert numbers(pakistan)["15"].service == "Police"
    rescue = numbers(pakistan)["1122"].service
    assert rescue.startswith("Rescue")
    # Rescue 1122 is not everywhere: the service says where it works.
    assert "Punjab" in rescue and "Khyber Pakhtunkhwa" in rescue and "other provinces" in rescue


@pytest.mark.parametrize("number", ["15", "1122"])
def test_each_number_has_a_source_url(pakistan, number) -> None:
    fact = numbers(pakistan)[number].fact
    assert fact.source_url.startswith("https://")
    assert fact.source_url in {sources.ISLAMABAD_POLICE_15_URL, sources.RESCUE_1122_URL}
    assert fact.source_note.strip()


@pytest.mark.parametrize("number", ["15", "1122"])
def test_each_number_is_shown_publicly_but_no_better_than_secondary(pakistan, number) -> None:
    # A wrong emergency number is worse than none: only [C] and [S] reach the public form.
    # Neither was confirmed across Pakistan, so neither claims more than [S].
    entry = numbers(pakistan)[number]
    assert entry.fact.confidence is Confidence.secondary
    assert entry.shown_publicly


def test_only_police_15_was_checked_against_official_pages(pakistan) -> None:
    police, rescue = numbers(pakistan)["15"].fact, numbers(pakistan)["1122"].fact
    assert police.reviewed_on == date(2026, 11, 28) == sources.CHECKED_ON
    assert sources.ISLAMABAD_POLICE_15_URL in police.source_note
    assert sources.PUNJAB_POLICE_15_URL in police.source_note
    assert "not checked" in police.source_note  # the other provinces
    assert rescue.reviewed_on is None and not rescue.is_verified
    assert "Not checked" in rescue.source_note


def test_numbers_pass_the_conformance_kit(pakistan) -> None:
    problems = check_jurisdiction(pakistan, pakistan.mappings.keys())
    assert [p for p in problems if "emergency" in p] == []


# -- the conformance kit refuses a malformed emergency number ---------------------------------

SOURCE = Fact("https://example.org/emergency", Confidence.secondary)


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        (EmergencyNumber("", "Police", SOURCE), "not a number to dial"),
        (EmergencyNumber("15 ", "Police", SOURCE), "not a number to dial"),
        (EmergencyNumber("11-22", "Rescue", SOURCE), "not a number to dial"),
        (EmergencyNumber("call 15", "Police", SOURCE), "not a number to dial"),
        (EmergencyNumber("+92+15", "Police", SOURCE), "not a number to dial"),
        (EmergencyNumber("15", " ", SOURCE), "does not say which service"),
        (EmergencyNumber("15", "Police", None), "has no fact"),  # type: ignore[arg-type]
        (
            EmergencyNumber(
                "15", "Police", Fact("https://x.example", Confidence.uncertain, date(2026, 1, 1))
            ),
            "marked uncertain [U] but has reviewed_on",
        ),
        (
            EmergencyNumber(
                "15", "Police", Fact("https://x.example", Confidence.secondary, date(2026, 1, 1))
            ),
            "no source_note",
        ),
    ],
)
def test_the_kit_names_a_bad_emergency_number(pakistan, entry, fragment) -> None:
    broken = attrs.evolve(pakistan, emergency_numbers=(entry,))
    problems = check_jurisdiction(broken, pakistan.mappings.keys())
    assert any(fragment in problem for problem in problems), problems


def test_the_kit_refuses_a_number_listed_twice_and_a_stray_value(pakistan) -> None:
    police = numbers(pakistan)["15"]
    twice = attrs.evolve(pakistan, emergency_numbers=(police, police))
    assert any("listed twice" in p for p in check_jurisdiction(twice, pakistan.mappings.keys()))
    stray = attrs.evolve(pakistan, emergency_numbers=("15",))
    problems = check_jurisdiction(stray, pakistan.mappings.keys())
    assert any("expected EmergencyNumber" in p for p in problems), problems


def test_an_international_number_with_a_plus_is_accepted(pakistan) -> None:
    entry = EmergencyNumber("+923001234567", "A helpline", SOURCE)
    fine = attrs.evolve(pakistan, emergency_numbers=(entry,))
    assert check_jurisdiction(fine, pakistan.mappings.keys()) == []
