"""The catalogue of service actions, so the policy matrix test can enumerate them.

Every service function that acts for a person is decorated with :func:`service_action`,
naming the policy action it checks. A new service without a row in the policy matrix test
fails that test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from helplinekit.security.policy import Action

F = TypeVar("F", bound=Callable[..., Any])

#: service function name -> the policy action it requires.
SERVICE_ACTIONS: dict[str, Action] = {}


#: Modules whose services act for a person (imported by :func:`all_service_actions`).
SERVICE_MODULES = (
    "helplinekit.services.casework",
    "helplinekit.services.erasure",
    "helplinekit.services.break_glass",
    "helplinekit.services.legal",
    "helplinekit.services.case_page",
)


def all_service_actions() -> dict[str, Action]:
    """Every service that acts for a person, with its policy action (imports them all)."""
    import importlib

    for module in SERVICE_MODULES:
        importlib.import_module(module)
    return dict(SERVICE_ACTIONS)


def service_action(action: Action) -> Callable[[F], F]:
    def register(function: F) -> F:
        SERVICE_ACTIONS[function.__name__] = action
        function.policy_action = action  # type: ignore[attr-defined]
        return function

    return register
