"""Error messages that staff and plugin authors read, and the kinds the faces map."""

from __future__ import annotations

import pickle

from helplinekit.domain import (
    DomainError,
    InvalidTransition,
    InvalidURN,
    InvalidValue,
    UnknownCategory,
)


def test_invalid_transition_message_names_both_states_and_the_allowed_ones() -> None:
    error = InvalidTransition("case", "new", "resolved", ("triaged", "closed"))
    assert str(error) == (
        "Cannot move case from 'new' to 'resolved'; allowed from 'new': triaged, closed."
    )
    assert error.allowed == ("triaged", "closed")


def test_invalid_transition_says_none_when_nothing_is_allowed() -> None:
    error = InvalidTransition("referral", "completed", "sent", ())
    assert str(error).endswith("allowed from 'completed': none.")


def test_unknown_category_reads_as_a_sentence_not_a_quoted_key() -> None:
    error = UnknownCategory("BLACKMAIL", ("THREATS", "FRAUD_SCAM"))
    assert isinstance(error, KeyError)
    assert isinstance(error, DomainError)
    assert str(error) == (
        "Unknown category 'BLACKMAIL'; use one of the taxonomy's codes: THREATS, FRAUD_SCAM."
    )
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_value_errors_are_domain_errors_and_value_errors() -> None:
    assert issubclass(InvalidValue, DomainError)
    assert issubclass(InvalidValue, ValueError)
    assert issubclass(InvalidURN, DomainError)
    assert issubclass(InvalidURN, ValueError)


def test_every_kind_descends_from_the_root_and_keeps_the_builtin_it_stands_for() -> None:
    from helplinekit.domain.errors import (
        AccessDenied,
        ConfigurationError,
        Conflict,
        HelplinekitError,
        NotFound,
    )

    for kind in (DomainError, NotFound, AccessDenied, Conflict, ConfigurationError, InvalidValue):
        assert issubclass(kind, HelplinekitError)
    assert issubclass(NotFound, LookupError) and issubclass(NotFound, DomainError)
    assert issubclass(AccessDenied, PermissionError)
    # A refusal and a broken set-up are not a broken domain rule: the web answers 403 and
    # the operator fixes the configuration, neither is a 400 for the user's input.
    assert not issubclass(AccessDenied, DomainError)
    assert not issubclass(ConfigurationError, DomainError)
