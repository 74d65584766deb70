"""The case and referral state machines, checked pair by pair against literal tables."""

from __future__ import annotations

import itertools
import pickle

import pytest

from helplinekit.domain import (
    CASE_TRANSITIONS,
    REFERRAL_TRANSITIONS,
    CaseStatus,
    DomainError,
    InvalidTransition,
    ReferralStatus,
    allowed_transitions,
    check_referral_transition,
    check_transition,
)

# Written out from DOMAIN.md's lifecycle table, in its order; "erased" is handled apart.
EXPECTED_CASE_MOVES: dict[str, tuple[str, ...]] = {
    "new": ("triaged", "closed"),
    "triaged": ("in_progress", "referred", "closed"),
    "in_progress": ("waiting_on_caller", "referred", "resolved", "closed"),
    "waiting_on_caller": ("in_progress", "resolved", "closed"),
    "referred": ("in_progress", "resolved"),
    "resolved": ("closed", "in_progress"),
    "closed": ("in_progress",),
    "erased": (),
}

EXPECTED_REFERRAL_MOVES: dict[str, tuple[str, ...]] = {
    "proposed": ("sent", "withdrawn"),
    "sent": ("accepted", "declined", "withdrawn"),
    "accepted": ("completed", "withdrawn"),
    "declined": (),
    "completed": (),
    "withdrawn": (),
}

CASE_STATUSES = list(EXPECTED_CASE_MOVES)
REFERRAL_STATUSES = list(EXPECTED_REFERRAL_MOVES)


def test_status_vocabularies_are_exactly_the_documented_ones() -> None:
    assert [s.value for s in CaseStatus] == CASE_STATUSES
    assert [s.value for s in ReferralStatus] == REFERRAL_STATUSES


def _allowed_text(current: str) -> str:
    return ", ".join(EXPECTED_CASE_MOVES[current]) or "none"


@pytest.mark.parametrize(
    ("current", "requested"), list(itertools.product(CASE_STATUSES, CASE_STATUSES))
)
def test_case_transition_without_erase(current: str, requested: str) -> None:
    if requested in EXPECTED_CASE_MOVES[current]:
        check_transition(CaseStatus(current), CaseStatus(requested))
        return
    with pytest.raises(InvalidTransition) as caught:
        check_transition(CaseStatus(current), CaseStatus(requested))
    error = caught.value
    assert str(error).startswith(
        f"Cannot move case from '{current}' to '{requested}'; "
        f"allowed from '{current}': {_allowed_text(current)}."
    )
    assert (error.entity, error.current, error.requested) == ("case", current, requested)
    assert error.allowed == EXPECTED_CASE_MOVES[current]
    if requested == "erased" and current != "erased":
        assert "Only the erasure service may erase a case." in str(error)


@pytest.mark.parametrize(
    ("current", "requested"), list(itertools.product(CASE_STATUSES, CASE_STATUSES))
)
def test_case_transition_with_erase_permission(current: str, requested: str) -> None:
    # erase=True opens the way to "erased" only; it grants no other move.
    valid = (requested == "erased" and current != "erased") or (
        requested in EXPECTED_CASE_MOVES[current]
    )
    if valid:
        check_transition(current, requested, erase=True)
    else:
        with pytest.raises(InvalidTransition, match=f"from '{current}' to '{requested}'"):
            check_transition(current, requested, erase=True)


def test_nothing_leaves_erased_and_the_message_says_none_is_allowed() -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition("erased", "in_progress", erase=True)
    assert str(caught.value) == (
        "Cannot move case from 'erased' to 'in_progress'; allowed from 'erased': none."
    )


@pytest.mark.parametrize("current", CASE_STATUSES)
def test_allowed_transitions_are_listed_in_table_order_without_erased(current: str) -> None:
    assert allowed_transitions(current) == EXPECTED_CASE_MOVES[current]


def test_case_transitions_mapping_includes_erasure_from_every_live_status() -> None:
    expected = {
        current: set(moves) | ({"erased"} if current != "erased" else set())
        for current, moves in EXPECTED_CASE_MOVES.items()
    }
    assert {str(k): {str(v) for v in vs} for k, vs in CASE_TRANSITIONS.items()} == expected


def test_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="archived"):
        check_transition("new", "archived")


@pytest.mark.parametrize(
    ("current", "requested"), list(itertools.product(REFERRAL_STATUSES, REFERRAL_STATUSES))
)
def test_referral_transition(current: str, requested: str) -> None:
    if requested in EXPECTED_REFERRAL_MOVES[current]:
        check_referral_transition(ReferralStatus(current), ReferralStatus(requested))
        return
    with pytest.raises(InvalidTransition) as caught:
        check_referral_transition(ReferralStatus(current), ReferralStatus(requested))
    allowed = ", ".join(EXPECTED_REFERRAL_MOVES[current]) or "none"
    assert str(caught.value) == (
        f"Cannot move referral from '{current}' to '{requested}'; "
        f"allowed from '{current}': {allowed}."
    )
    assert caught.value.entity == "referral"
    assert caught.value.allowed == EXPECTED_REFERRAL_MOVES[current]


def test_referral_transitions_mapping_matches_the_table() -> None:
    assert {str(k): {str(v) for v in vs} for k, vs in REFERRAL_TRANSITIONS.items()} == {
        k: set(v) for k, v in EXPECTED_REFERRAL_MOVES.items()
    }


def test_invalid_transition_is_a_domain_error_that_survives_pickling() -> None:
    with pytest.raises(DomainError) as caught:
        check_transition("new", "resolved")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value)
    assert copy.allowed == ("triaged", "closed")
