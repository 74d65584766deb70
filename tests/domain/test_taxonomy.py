"""The harassment taxonomy."""

from __future__ import annotations

import re

import pytest

from helplinekit.domain import (
    DEFAULT_TAXONOMY,
    InvalidValue,
    Taxonomy,
    TaxonomyCode,
    UnknownCategory,
)

DOMAIN_MD_CODES = (
    "ACCOUNT_COMPROMISE",
    "DEVICE_SURVEILLANCE",
    "IMPERSONATION",
    "NCII_SHARED",
    "SEXTORTION_BLACKMAIL",
    "DOXING_PRIVATE_INFO",
    "CYBERSTALKING",
    "SEXUAL_HARASSMENT_MSG",
    "THREATS",
    "DEFAMATION_SMEAR",
    "HATE_IDENTITY",
    "CHILD_SEXUAL_ABUSE",
    "FRAUD_SCAM",
    "COORDINATED_CAMPAIGN",
    "OFFLINE_GBV",
    "INFO_REQUEST",
)


def test_default_taxonomy_is_domain_md_table_in_order() -> None:
    assert tuple(code.code for code in DEFAULT_TAXONOMY) == DOMAIN_MD_CODES
    assert all(code.title.strip() and code.description.strip() for code in DEFAULT_TAXONOMY)


def test_default_taxonomy_stays_neutral_about_law() -> None:
    # Jurisdiction plugins map codes to law; the core names no statute.
    text = " ".join(f"{c.title} {c.description}" for c in DEFAULT_TAXONOMY)
    for word in ("PECA", "PPC", "section", "Act"):
        assert not re.search(rf"\b{word}\b", text)


@pytest.mark.parametrize(
    "code", ["ncii_shared", "A", "1ABC", "_ABC", "NCII-SHARED", "NCII SHARED", "A" * 65, ""]
)
def test_code_format_is_enforced(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        TaxonomyCode(code, "Title")
    assert repr(code) in str(caught.value)
    assert "upper-case" in str(caught.value)


@pytest.mark.parametrize("code", ["AB", "A" + "B" * 63, "X9_2"])
def test_code_format_boundaries_accepted(code: str) -> None:
    assert TaxonomyCode(code, "Title").code == code


def test_blank_title_is_refused() -> None:
    with pytest.raises(InvalidValue, match="title"):
        TaxonomyCode("THREATS", "  ")


@pytest.fixture
def taxonomy() -> Taxonomy:
    return Taxonomy(DEFAULT_TAXONOMY)


def test_duplicate_code_is_refused_naming_it() -> None:
    with pytest.raises(InvalidValue, match="'THREATS' is defined twice"):
        Taxonomy([*DEFAULT_TAXONOMY, TaxonomyCode("THREATS", "Other threats")])


def test_membership_by_string_and_by_code(taxonomy: Taxonomy) -> None:
    assert "THREATS" in taxonomy
    assert DEFAULT_TAXONOMY[0] in taxonomy
    assert "MADE_UP" not in taxonomy
    assert TaxonomyCode("MADE_UP", "Made up") not in taxonomy
    assert 42 not in taxonomy


def test_iteration_length_and_codes_keep_order(taxonomy: Taxonomy) -> None:
    assert len(taxonomy) == 16
    assert tuple(taxonomy) == DEFAULT_TAXONOMY
    assert taxonomy.codes() == DOMAIN_MD_CODES


def test_plugin_codes_extend_the_default() -> None:
    extended = Taxonomy([*DEFAULT_TAXONOMY, TaxonomyCode("SIM_SWAP", "SIM swap")])
    assert extended.codes()[-1] == "SIM_SWAP"
    assert extended.get("SIM_SWAP").title == "SIM swap"


def test_get_unknown_code_names_it_and_lists_known_ones(taxonomy: Taxonomy) -> None:
    with pytest.raises(KeyError) as caught:
        taxonomy.get("BLACKMAIL")
    assert isinstance(caught.value, UnknownCategory)
    message = str(caught.value)
    assert "'BLACKMAIL'" in message
    assert "SEXTORTION_BLACKMAIL" in message and "INFO_REQUEST" in message


def test_validate_deduplicates_in_order(taxonomy: Taxonomy) -> None:
    assert taxonomy.validate(["THREATS", "NCII_SHARED", "THREATS"]) == ("THREATS", "NCII_SHARED")


def test_validate_refuses_unknown_codes(taxonomy: Taxonomy) -> None:
    with pytest.raises(UnknownCategory, match="'threats'"):
        taxonomy.validate(["NCII_SHARED", "threats"])


def test_validate_refuses_a_bare_string(taxonomy: Taxonomy) -> None:
    with pytest.raises(TypeError, match=r"\['THREATS'\]"):
        taxonomy.validate("THREATS")


def test_taxonomy_is_read_only(taxonomy: Taxonomy) -> None:
    with pytest.raises(AttributeError, match="read-only"):
        taxonomy._by_code = {}  # type: ignore[misc]


def test_only_taxonomy_codes_are_accepted() -> None:
    with pytest.raises(TypeError, match="TaxonomyCode"):
        Taxonomy(["THREATS"])  # type: ignore[list-item]
