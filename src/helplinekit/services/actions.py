"""The catalogue of service actions, so the policy matrix test can enumerate them.

Every service function that acts for a person is decorated with :func:`service_action`,
naming the policy action it checks. A new service without a row in the policy matrix test
fails that test. While a decorated service runs, :func:`current_action` names its action,
so the case skeleton (:mod:`helplinekit.services.case_access`) checks the action the
decorator declares rather than a second copy of it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from helplinekit.security.policy import Action

__all__ = ["SERVICE_ACTIONS", "F", "current_action", "service_action"]

F = TypeVar("F", bound=Callable[..., Any])

#: service function name -> the policy action it requires.
SERVICE_ACTIONS: dict[str, Action] = {}

#: The action of the innermost decorated service running in this context (thread, task).
_running: ContextVar[Action | None] = ContextVar("helplinekit_service_action", default=None)


def service_action(action: Action) -> Callable[[F], F]:
    """Declare the policy action a service checks, and catalogue the service under its name."""

    def register(function: F) -> F:
        @functools.wraps(function)
        def acting(*args: Any, **kwargs: Any) -> Any:
            token = _running.set(action)
            try:
                return function(*args, **kwargs)
            finally:
                _running.reset(token)

        SERVICE_ACTIONS[function.__name__] = action
        acting.policy_action = action  # type: ignore[attr-defined]
        return cast(F, acting)

    return register


def current_action() -> Action:
    """The action declared by the service running now.

    :raises RuntimeError: no service decorated with :func:`service_action` is running (a
        programming error: say the action explicitly, or decorate the service).
    """
    action = _running.get()
    if action is None:
        raise RuntimeError(
            "No @service_action service is running; decorate the service with "
            "@service_action(Action....) or pass action= explicitly."
        )
    return action
