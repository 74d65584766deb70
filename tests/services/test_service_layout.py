"""The shape of the service layer: the case skeleton, the Helpline's methods, the old names.

Casework once lived in one module and the Helpline found its services through
``__getattr__``; the services now live by concern and the Helpline has a typed method for
each. These tests keep both promises: every name reachable before is callable the same way,
and the skeleton every case change runs saves, audits and commits, or leaves nothing.
"""

from __future__ import annotations

import importlib
import inspect
import uuid

import attrs
import pytest

from helplinekit.api import Helpline
from helplinekit.domain import Role, Specialism, Specialist
from helplinekit.domain.errors import NotFound
from helplinekit.security.policy import AccessDenied, Action, Actor
from helplinekit.services.actions import SERVICE_ACTIONS, current_action, service_action
from helplinekit.services.case_access import case_change, case_reading

#: Every name ``Helpline.__getattr__`` answered (the services in SERVICE_ACTIONS found in
#: casework, erasure, break_glass, legal and case_page), plus ``list_cases``, a method already.
HELPLINE_SERVICES = (
    "add_note",
    "assign",
    "break_glass",
    "change_roles",
    "change_status",
    "close_case",
    "complete_task",
    "confirm_safe_contact",
    "create_task",
    "erase_caller",
    "erase_case",
    "legal_options",
    "list_break_glass",
    "list_cases",
    "list_referrals",
    "list_tasks",
    "open_case_from_contact",
    "open_case_page",
    "propose_referral",
    "queue_reply",
    "read_notes",
    "read_timeline",
    "record_consent",
    "record_contact",
    "review_break_glass",
    "save_staff",
    "set_legal_hold",
    "triage_case",
    "update_referral",
    "view_case",
)

#: Where the services live now.
SERVICE_MODULES = (
    "helplinekit.services.case_reading",
    "helplinekit.services.contacts",
    "helplinekit.services.case_changes",
    "helplinekit.services.referrals",
    "helplinekit.services.staff",
    "helplinekit.services.case_page",
    "helplinekit.services.legal",
    "helplinekit.services.erasure",
    "helplinekit.services.break_glass",
)

#: Every public name ``helplinekit.services.casework`` defined before it became a facade.
CASEWORK_NAMES = (
    "NotFound",
    "Page",
    "TimelineEntry",
    *(
        name
        for name in HELPLINE_SERVICES
        if name
        not in (
            "break_glass",
            "erase_caller",
            "erase_case",
            "legal_options",
            "list_break_glass",
            "open_case_page",
            "review_break_glass",
        )
    ),
    "refuse_role_pairs",
    "safe_contacts_shown",
)

#: Every name ``helplinekit.services.auth.__all__`` listed before it was split.
AUTH_NAMES = (
    "ACCOUNT_FREE_FAILURES",
    "ATTACK_THRESHOLD",
    "ATTACK_WINDOW",
    "CLIENT_FREE_FAILURES",
    "COMMAND_LINE",
    "FAILURES_FORGOTTEN_AFTER",
    "FIRST_SIGN_IN_DAYS",
    "FREE_FAILURES",
    "MAX_WAIT_SECONDS",
    "AuthenticationFailed",
    "EnrolmentCodeRejected",
    "LoginThrottled",
    "SignInClient",
    "SignedIn",
    "TotpEnrolment",
    "UnderAttack",
    "accounts_under_attack",
    "allow_first_sign_in",
    "authenticate",
    "begin_first_sign_in",
    "begin_totp_enrolment",
    "client_network",
    "confirm_first_sign_in",
    "confirm_totp_enrolment",
    "disable_staff",
    "enable_staff",
    "first_sign_in_secret",
    "set_password",
    "sign_in",
    "throttle_key",
    "wait_after",
)


def service_function(name: str):
    modules = [importlib.import_module(module) for module in SERVICE_MODULES]
    return next(getattr(module, name) for module in modules if hasattr(module, name))


def shape(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults: what a caller's arguments are matched against."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


# -- the Helpline's methods ----------------------------------------------------------------


@pytest.mark.database
def test_every_service_reachable_before_is_a_method_with_the_same_signature(helpline) -> None:
    for name in HELPLINE_SERVICES:
        method = getattr(helpline, name)
        assert callable(method), name
        assert name in type(helpline).__dict__ or any(
            name in base.__dict__ for base in type(helpline).__mro__[1:]
        ), f"{name} is not a method of Helpline"
        assert method.__doc__, f"Helpline.{name} has no docstring"
        function = service_function(name)
        assert name in SERVICE_ACTIONS, name
        service = shape(inspect.signature(function))[1:]  # without the context
        if name == "list_cases":
            # The Python API never offered with_attributes (a console page's shortcut).
            service = [p for p in service if p[0] != "with_attributes"]
        assert shape(inspect.signature(method)) == service, name


@pytest.mark.database
def test_unknown_names_raise_attribute_error(helpline) -> None:
    # Helpers of the services were never the Helpline's, nor is anything misspelt.
    for name in ("no_such_service", "safe_contacts_shown", "refuse_role_pairs", "with_grants"):
        with pytest.raises(AttributeError):
            getattr(helpline, name)
    assert not hasattr(Helpline, "__getattr__")


@pytest.mark.database
def test_a_method_calls_its_service_with_the_helplines_context(helpline) -> None:
    with pytest.raises(NotFound, match="HL-2026-999999"):
        helpline.view_case(helpline.system(), "HL-2026-999999")


# -- the old import paths ------------------------------------------------------------------


def test_casework_still_offers_every_name_it_had() -> None:
    casework = importlib.import_module("helplinekit.services.casework")
    for name in CASEWORK_NAMES:
        assert hasattr(casework, name), name
        if name in HELPLINE_SERVICES:
            assert getattr(casework, name) is service_function(name), name
    assert casework.NotFound is NotFound
    assert issubclass(NotFound, LookupError)


def test_auth_and_staff_checks_still_offer_every_name_they_had() -> None:
    auth = importlib.import_module("helplinekit.services.auth")
    staff = importlib.import_module("helplinekit.services.staff")
    for name in AUTH_NAMES:
        assert hasattr(auth, name), name
    # Account management moved to services/staff.py; auth offers the same objects.
    moved = ("set_password", "begin_totp_enrolment", "confirm_totp_enrolment")
    for name in (*moved, "allow_first_sign_in", "disable_staff", "enable_staff"):
        assert getattr(auth, name) is getattr(staff, name), name
    checks = importlib.import_module("helplinekit.services.staff_checks")
    assert checks.check_staff is staff.check_staff
    assert checks.StaffFindings is staff.StaffFindings


def test_dead_code_is_gone() -> None:
    actions = importlib.import_module("helplinekit.services.actions")
    triage = importlib.import_module("helplinekit.services.triage")
    assert not hasattr(actions, "all_service_actions")
    assert not hasattr(actions, "SERVICE_MODULES")
    assert not hasattr(triage, "message_for")


# -- the skeleton --------------------------------------------------------------------------


def case_on_record(helpline) -> uuid.UUID:
    intake = Specialist(
        email="skeleton@helpline.test",
        display_name="skeleton",
        roles=frozenset({Role.INTAKE}),
        specialisms=frozenset(),
        languages=("en",),
        capacity=5,
    )
    helpline.save_staff(helpline.system(), intake)
    return helpline.open_case_from_contact(Actor(intake), summary="A call").id


def entries(helpline, action: str) -> list:
    with helpline.context.database.uow(read_only=True) as uow:
        return [entry for entry in uow.audit.entries() if entry.action == action]


def test_the_skeleton_checks_the_action_its_service_declares() -> None:
    @service_action(Action.CASE_CLOSE)
    def outer() -> Action:
        @service_action(Action.NOTE_READ)
        def inner() -> Action:
            return current_action()

        assert inner() is Action.NOTE_READ
        return current_action()

    assert outer() is Action.CASE_CLOSE
    with pytest.raises(RuntimeError, match="service_action"):
        current_action()


@pytest.mark.database
def test_case_change_saves_audits_in_order_and_commits(helpline) -> None:
    case_id = case_on_record(helpline)
    system = helpline.system()
    with case_change(helpline.context, system, case_id, action=Action.CASE_LEGAL_HOLD) as change:
        change.after = attrs.evolve(change.case, legal_hold=True)
        change.audit("case.legal_hold", hold=True)
        change.audit("case.close", previous="new")  # a second entry, to check the order
    assert helpline.view_case(system, case_id).legal_hold
    with helpline.context.database.uow(read_only=True) as uow:
        tail = [(e.action, e.object_id) for e in uow.audit.entries()][-3:]
    assert tail[:2] == [("case.legal_hold", str(case_id)), ("case.close", str(case_id))]


@pytest.mark.database
def test_case_change_leaves_nothing_when_its_body_fails(helpline) -> None:
    case_id = case_on_record(helpline)
    system = helpline.system()
    with (
        pytest.raises(ZeroDivisionError),
        case_change(helpline.context, system, case_id, action=Action.CASE_LEGAL_HOLD) as change,
    ):
        change.after = attrs.evolve(change.case, legal_hold=True)
        change.audit("case.legal_hold", hold=True)
        _ = 1 / 0
    assert not helpline.view_case(system, case_id).legal_hold
    assert entries(helpline, "case.legal_hold") == []


@pytest.mark.database
def test_case_change_refused_is_audited_and_the_body_never_runs(helpline) -> None:
    case_id = case_on_record(helpline)
    counsellor = Specialist(
        email="counsellor@helpline.test",
        display_name="counsellor",
        roles=frozenset({Role.COUNSELLOR}),
        specialisms=frozenset({Specialism.COUNSELLING}),
        languages=("en",),
        capacity=5,
    )
    helpline.save_staff(helpline.system(), counsellor)
    ran = []
    with (
        pytest.raises(AccessDenied),
        case_change(helpline.context, Actor(counsellor), case_id, action=Action.CASE_LEGAL_HOLD),
    ):
        ran.append(True)
    assert ran == []
    refused = entries(helpline, "access.denied")
    assert [(e.object_id, e.details["attempted"]) for e in refused] == [
        (str(case_id), Action.CASE_LEGAL_HOLD.value)
    ]


@pytest.mark.database
def test_case_reading_audits_after_the_read_and_not_on_failure(helpline) -> None:
    case_id = case_on_record(helpline)
    system = helpline.system()
    with case_reading(helpline.context, system, case_id, action=Action.TASK_MANAGE) as reading:
        reading.audit("task.list", task_count=0)
    with (
        pytest.raises(ZeroDivisionError),
        case_reading(helpline.context, system, case_id, action=Action.TASK_MANAGE) as reading,
    ):
        reading.audit("task.list", task_count=1)
        _ = 1 / 0
    assert [e.details for e in entries(helpline, "task.list")] == [{"task_count": 0}]
