"""Confidence and review discipline: [U] facts are unverified, checks name what was checked."""

from __future__ import annotations

from datetime import date

import pytest
from helplinekit.contracts import Confidence

import helplinekit_pakistan as plugin
from helplinekit_pakistan import sources


@pytest.fixture(scope="module")
def pakistan():
    return plugin.build()


def provision(pakistan, key: str):
    return pakistan.provision(f"pakistan.{key}")


# -- every [U] fact of the domain notes is shown as unverified --------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "peca2016.s16",  # the s.16 penalty
        "peca2016.s21_2",  # s.21(2) and the higher penalty for a minor
        "peca2016.s13",  # 13 and 14 as the FRAUD_SCAM mapping
        "peca2016.s14",
    ],
)
def test_uncertain_provisions_are_unverified(pakistan, key) -> None:
    fact = provision(pakistan, key).fact
    assert fact.confidence is Confidence.uncertain
    assert fact.reviewed_on is None
    assert fact.is_verified is False


def test_the_minor_penalty_under_s21_lives_only_in_the_uncertain_s21_2(pakistan) -> None:
    for clause in "abcd":
        adult = provision(pakistan, f"peca2016.s21_1_{clause}")
        assert "minor" not in adult.penalty.lower()
    assert "unverified" in provision(pakistan, "peca2016.s21_2").penalty


def test_fraud_mapping_is_marked_unverified(pakistan) -> None:
    refs = pakistan.mappings["FRAUD_SCAM"]
    assert [ref.provision for ref in refs] == ["pakistan.peca2016.s13", "pakistan.peca2016.s14"]
    assert all("unverified" in ref.note for ref in refs)


def test_nccia_portal_address_is_unverified(pakistan) -> None:
    (nccia,) = pakistan.authorities
    assert nccia.key == "pakistan.nccia"
    assert nccia.url == "https://complaint.nccia.gov.pk/"
    assert nccia.phone == "1799"
    assert nccia.fact.confidence is Confidence.uncertain
    assert nccia.fact.is_verified is False
    assert "unverified" in nccia.how_to_report


def test_social_media_authority_handling_removal_is_unverified(pakistan) -> None:
    routes = {route.key: route for route in pakistan.removal_routes}
    smpra = routes["pakistan.smpra_removal"]
    assert smpra.fact.confidence is Confidence.uncertain
    assert smpra.fact.is_verified is False
    assert "unverified" in smpra.steps
    # The Rules 2021 themselves are [C], but nobody checked them: still not verified.
    pta = routes["pakistan.pta_removal"]
    assert pta.fact.confidence is Confidence.confirmed
    assert pta.fact.is_verified is False
    (partner,) = [p for p in plugin.partners() if p.key == "pakistan.content_removal"]
    assert partner.is_verified is False and "unverified" in partner.eligibility


def test_s20_contested_is_never_verified_or_unflagged(pakistan) -> None:
    s20 = provision(pakistan, "peca2016.s20")
    assert s20.is_contested and s20.flag_note
    assert s20.fact.is_verified is False


# -- the confidence marks follow the domain notes ----------------------------------------------


@pytest.mark.parametrize(
    ("key", "confidence"),
    [
        ("peca2016.s3", Confidence.secondary),
        ("peca2016.s4", Confidence.secondary),
        ("peca2016.s11", Confidence.secondary),
        ("peca2016.s20", Confidence.confirmed),
        ("peca2016.s21_1_a", Confidence.confirmed),
        ("peca2016.s22", Confidence.secondary),
        ("peca2016.s24", Confidence.confirmed),
        ("peca2016.s26a", Confidence.confirmed),
        ("peca2016.s37", Confidence.confirmed),
        ("ppc.s509", Confidence.secondary),
        ("ppc.s419", Confidence.secondary),
    ],
)
def test_confidence_marks(pakistan, key, confidence) -> None:
    assert provision(pakistan, key).fact.confidence is confidence


# -- reviewed_on only where a stored copy was read ---------------------------------------------


def test_only_the_provisions_checked_against_a_stored_copy_are_reviewed(pakistan) -> None:
    reviewed = {p.key for p in pakistan.provisions if p.fact.reviewed_on is not None}
    assert reviewed == {"pakistan.ppc.s292a", "pakistan.ppc.s292b", "pakistan.ppc.s292c"}
    for key in reviewed:
        fact = pakistan.provision(key).fact
        assert fact.reviewed_on == date(2026, 11, 28)
        assert sources.GAZETTE_ACT_X_2016_COPY in fact.source_note
        assert fact.is_verified


def test_no_peca_provision_claims_a_check(pakistan) -> None:
    for p in pakistan.provisions:
        if p.key.startswith("pakistan.peca2016."):
            assert p.fact.reviewed_on is None
            assert p.fact.source_note.startswith("Not checked"), p.key


def test_peca_sources_point_at_the_official_texts(pakistan) -> None:
    for p in pakistan.provisions:
        if p.key == "pakistan.peca2016.s26a":
            assert p.fact.source_url == sources.PECA_AMENDMENT_2025_URL
        elif p.key.startswith("pakistan.peca2016."):
            assert p.fact.source_url == sources.PECA_2016_URL
        else:
            assert p.fact.source_url == sources.PPC_URL


def test_nothing_is_reviewed_as_a_whole_yet(pakistan) -> None:
    assert pakistan.reviewed_on is None
    assert all(a.fact.reviewed_on is None for a in pakistan.authorities)
    assert all(r.fact.reviewed_on is None for r in pakistan.removal_routes)
