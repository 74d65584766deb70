"""Errors raised by the domain layer.

Every domain rule that fails raises a subclass of :class:`DomainError`, so the faces (CLI, web,
API) can turn any of them into a message for the user without catching unrelated exceptions.
Messages name the problem, the value and the way out; they never contain survivor content.
"""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base class of every error a domain rule raises."""


class InvalidValue(DomainError, ValueError):
    """A value breaks an invariant of a domain class (format, range, consistency).

    It is also a ``ValueError``, so code that validates input generically still catches it.
    """


class InvalidTransition(DomainError):
    """A lifecycle change that the state machine does not allow.

    Attributes:
        entity: What was being moved, e.g. ``"case"`` or ``"referral"``.
        current: The status the entity is in.
        requested: The status that was asked for.
        allowed: The statuses reachable from ``current`` (empty when it is terminal).
        reason: An extra explanation appended to the message, or ``None``.
    """

    def __init__(
        self,
        entity: str,
        current: str,
        requested: str,
        allowed: Iterable[str],
        reason: str | None = None,
    ) -> None:
        self.entity = entity
        # str() turns StrEnum members into their plain values, so the message and the
        # attributes read the same whichever enum the caller passed.
        self.current = str(current)
        self.requested = str(requested)
        self.allowed = tuple(str(status) for status in allowed)
        self.reason = reason
        choices = ", ".join(self.allowed) if self.allowed else "none"
        message = (
            f"Cannot move {entity} from '{self.current}' to '{self.requested}'; "
            f"allowed from '{self.current}': {choices}."
        )
        if reason:
            message = f"{message} {reason}"
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InvalidTransition], tuple[object, ...]]:
        # Exceptions are pickled from ``args`` by default, which holds only the message;
        # workers that pass errors between processes need the full constructor arguments.
        return (
            type(self),
            (self.entity, self.current, self.requested, self.allowed, self.reason),
        )


class ConsentRequired(DomainError):
    """An action needs a consent the caller has not recorded (referral, statistics)."""


class CaseOnLegalHold(DomainError):
    """A case under legal hold cannot be erased until the hold is lifted."""


class UnknownCategory(DomainError, KeyError):
    """A taxonomy code that the active taxonomy does not define.

    It is a ``KeyError`` because it is raised by a look-up by key.

    Attributes:
        code: The code that was not found.
        known: The codes the taxonomy does define, in order.
    """

    def __init__(self, code: str, known: Iterable[str]) -> None:
        self.code = code
        self.known = tuple(known)
        listing = ", ".join(self.known) if self.known else "none"
        super().__init__(f"Unknown category '{code}'; use one of the taxonomy's codes: {listing}.")

    def __str__(self) -> str:
        # KeyError.__str__ quotes its argument as a repr; show the plain message instead.
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[UnknownCategory], tuple[object, ...]]:
        return (type(self), (self.code, self.known))


class InvalidURN(InvalidValue):
    """Text that cannot be read as a contact URN (``scheme:path``).

    The message may quote the text: it is shown to the person who typed it, so they can fix it.
    """
