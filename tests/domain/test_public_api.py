"""Names other parts of helplinekit import from the domain package and its modules."""

from __future__ import annotations

import importlib

import pytest

import helplinekit.domain as domain

# Module → names the rest of the package imports from it, written out by hand.
REQUIRED: dict[str, tuple[str, ...]] = {
    "errors": ("DomainError", "InvalidTransition", "ConsentRequired"),
    "taxonomy": ("TaxonomyCode", "DEFAULT_TAXONOMY", "Taxonomy", "UnknownCategory"),
    "lifecycle": (
        "CaseStatus",
        "CASE_TRANSITIONS",
        "allowed_transitions",
        "check_transition",
        "ReferralStatus",
        "REFERRAL_TRANSITIONS",
        "check_referral_transition",
    ),
    "urns": ("URN", "parse_urn", "InvalidURN"),
    "people": (
        "Role",
        "Specialism",
        "NoteSection",
        "SECTION_FOR_SPECIALISM",
        "Gender",
        "AgeBand",
        "Consent",
        "SafeContactMethod",
        "Caller",
        "Specialist",
    ),
    "conversation": ("Direction", "Attachment", "Message", "ContactKind", "Contact"),
    "case": (
        "RiskLevel",
        "max_risk",
        "PerpetratorRelation",
        "AtRiskIdentity",
        "CaseAttributes",
        "CASE_REFERENCE_RE",
        "format_case_reference",
        "parse_case_reference",
        "Assignment",
        "Case",
    ),
    "notes": ("Note",),
    "referral": ("ReferralPartner", "Referral"),
    "tasks": ("TaskKind", "Task"),
}


@pytest.mark.parametrize("module", list(REQUIRED))
def test_module_exposes_its_names_and_the_package_re_exports_them(module: str) -> None:
    mod = importlib.import_module(f"helplinekit.domain.{module}")
    for name in REQUIRED[module]:
        assert getattr(mod, name) is getattr(domain, name), name
        assert name in domain.__all__, name


def test_all_lists_only_real_names() -> None:
    missing = [name for name in domain.__all__ if not hasattr(domain, name)]
    assert missing == []
    assert len(set(domain.__all__)) == len(domain.__all__)
