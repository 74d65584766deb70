"""One root for the errors helplinekit raises on purpose, with messages fit for the user.

Each error class sits under the kind the faces map (not found, access denied, a domain rule,
configuration); the few that nobody is shown stay outside the root. A refusal says what the
person may do instead and whom to ask, never an id or a policy name.
"""

from __future__ import annotations

import gettext
import pickle
import uuid

import click
import pytest
from click.testing import CliRunner

from helplinekit import hookimpl
from helplinekit.api import StartupError
from helplinekit.cli import build_cli
from helplinekit.cli.errors import run_without_traceback
from helplinekit.config import ConfigError
from helplinekit.contracts.channel import ChannelError, VerificationFailed
from helplinekit.contracts.keys import KeyUnavailable
from helplinekit.deployment import InitError
from helplinekit.domain import Role, Specialist
from helplinekit.errors import (
    AccessDenied,
    ConfigurationError,
    DomainError,
    HelplinekitError,
    InvalidValue,
    NotFound,
)
from helplinekit.i18n import CatalogError
from helplinekit.partners.directory import DirectoryError
from helplinekit.plugins import LocalPluginError
from helplinekit.registry import RegistrationError
from helplinekit.security import policy
from helplinekit.security.audit import CheckpointError
from helplinekit.security.crypto import DecryptionError
from helplinekit.security.keyfile import AuditKeyExists
from helplinekit.security.passwords import PasswordRejected
from helplinekit.security.refusals import REFUSALS
from helplinekit.services.auth import AuthenticationFailed, EnrolmentCodeRejected
from helplinekit.services.backup import BackupError
from helplinekit.services.devices import NoSuchDevice
from helplinekit.services.erasure import ErasureIncomplete
from helplinekit.services.retention import RetentionConfigError
from helplinekit.services.rotation import RotationError
from helplinekit.services.survivor_access import MalformedCaseCode
from helplinekit.services.triage import TriageFailed
from helplinekit.web.text import explain

KINDS = [
    # configuration, keys, plugins: the operator's to fix
    (ConfigError, ConfigurationError),
    (StartupError, ConfigurationError),
    (LocalPluginError, ConfigurationError),
    (RegistrationError, ConfigurationError),
    (CatalogError, ConfigurationError),
    (KeyUnavailable, ConfigurationError),
    (AuditKeyExists, ConfigurationError),
    (DecryptionError, ConfigurationError),
    (RotationError, ConfigurationError),
    (DirectoryError, ConfigurationError),
    (policy.PolicyError, ConfigurationError),
    (RetentionConfigError, ConfigurationError),
    # bad values
    (InitError, InvalidValue),
    (PasswordRejected, InvalidValue),
    (EnrolmentCodeRejected, InvalidValue),
    (CheckpointError, InvalidValue),
    (MalformedCaseCode, InvalidValue),
    # missing
    (NoSuchDevice, NotFound),
    # refused
    (policy.AccessDenied, AccessDenied),
    # other domain rules
    (AuthenticationFailed, DomainError),
    (BackupError, DomainError),
    (ErasureIncomplete, DomainError),
]


@pytest.mark.parametrize(("error", "kind"), KINDS, ids=[error.__name__ for error, _ in KINDS])
def test_every_error_is_under_the_root_in_its_kind(error, kind) -> None:
    assert issubclass(error, kind)
    assert issubclass(error, HelplinekitError)


def test_the_old_bases_stay_for_code_that_catches_them() -> None:
    assert issubclass(RetentionConfigError, ValueError)
    assert issubclass(MalformedCaseCode, ValueError)
    assert issubclass(NoSuchDevice, LookupError)
    assert issubclass(policy.AccessDenied, PermissionError)
    assert issubclass(AuditKeyExists, KeyUnavailable)


@pytest.mark.parametrize("error", [ChannelError, VerificationFailed, TriageFailed])
def test_errors_nobody_is_shown_stay_outside_the_root(error) -> None:
    # Their messages may quote a provider's request or a plugin's failure: never printed.
    assert not issubclass(error, HelplinekitError)


def test_every_action_has_a_refusal_in_plain_words() -> None:
    assert set(REFUSALS) == set(policy.Action)
    for action, message in REFUSALS.items():
        assert action.value not in message
        assert "may not" not in message
        assert "ask " in message  # whom to ask
        assert "%" not in message  # filled in with no params, so no placeholder to trip on


def _lawyer() -> policy.Actor:
    staff = Specialist(
        email="lawyer@h.org", display_name="Amina", roles=frozenset({Role.LAWYER}), capacity=5
    )
    return policy.Actor(staff)


def test_a_refusal_keeps_the_detail_for_the_audit_log_and_out_of_its_message() -> None:
    actor = _lawyer()
    error = policy.AccessDenied(policy.Action.CASE_LEGAL_OPTIONS, actor, "section legal")
    assert str(error) == (
        "You can see the legal options of cases assigned to you; ask a supervisor to assign you."
    )
    assert str(actor.id) not in str(error)
    assert "section legal" not in str(error)
    assert (error.action, error.actor, error.why) == (
        policy.Action.CASE_LEGAL_OPTIONS,
        actor,
        "section legal",
    )
    copied = pickle.loads(pickle.dumps(error))
    assert (copied.action, copied.why, str(copied)) == (error.action, error.why, str(error))


def test_the_policy_refuses_with_the_message_of_its_action() -> None:
    with pytest.raises(policy.AccessDenied) as caught:
        policy.Policy().require(_lawyer(), policy.Action.CASE_ERASE)
    assert str(caught.value) == REFUSALS[policy.Action.CASE_ERASE]


class _Translations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return {REFUSALS[policy.Action.CASE_CLOSE]: "Tafsiri ya kukataa."}.get(message, message)


def test_a_refusal_is_shown_in_the_readers_language() -> None:
    error = policy.AccessDenied(policy.Action.CASE_CLOSE, _lawyer())
    assert explain(error, _Translations()) == "Tafsiri ya kukataa."


class _NewError(DomainError):
    """An error class no face has heard of: mapped through the root all the same."""


class _Raises:
    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command()
        def fail() -> None:
            raise _NewError("Nothing to do here; try 'helplinekit --help'.")


def test_the_cli_maps_the_root_not_a_list_of_classes(
    plugin_manager, register_plugin, capsys
) -> None:
    with register_plugin(_Raises(), "raises"):
        assert run_without_traceback(lambda: build_cli(plugin_manager), ["fail"]) == 1
        result = CliRunner().invoke(build_cli(plugin_manager), ["fail"])
    assert capsys.readouterr().err == "Error: Nothing to do here; try 'helplinekit --help'.\n"
    assert result.exit_code == 1
    assert result.output == "Error: Nothing to do here; try 'helplinekit --help'.\n"


def test_the_cli_hides_the_message_of_an_error_that_is_not_ours(
    plugin_manager, register_plugin, capsys
) -> None:
    class RaisesOther:
        @hookimpl
        def register_commands(self, cli: click.Group) -> None:
            @cli.command()
            def fail() -> None:
                raise ChannelError("the body held: survivor text")

    with register_plugin(RaisesOther(), "raises-other"):
        assert run_without_traceback(lambda: build_cli(plugin_manager), ["fail"]) == 70
    err = capsys.readouterr().err
    assert "ChannelError" in err and "survivor text" not in err


def test_no_refusal_quotes_the_actor_or_the_detail() -> None:
    # Whatever was refused and whatever the caller passed as detail, the text is the table's.
    for action in policy.Action:
        actor = policy.Actor(
            Specialist(
                id=uuid.uuid4(),
                email="x@h.org",
                display_name="X",
                roles=frozenset({Role.INTAKE}),
                capacity=1,
            )
        )
        assert str(actor.id) not in str(policy.AccessDenied(action, actor, f"{actor.id}"))
