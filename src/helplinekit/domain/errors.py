"""Errors raised by the domain layer.

Every domain rule that fails raises a subclass of :class:`DomainError`, so the faces (CLI, web,
API) can turn any of them into a message for the user without catching unrelated exceptions.
Messages name the problem, the value and the way out; they never contain survivor content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Self

from helplinekit.domain.markers import N_


class HelplinekitError(Exception):
    """Root of every error helplinekit raises on purpose.

    Its message is fit for the person who caused it: it names the problem, the value and the
    way out, and never holds an internal id, a policy name or survivor content. The faces map
    this root (and the kinds below) to a response, so a new error needs no new handler.
    """


class DomainError(HelplinekitError):
    """Base class of every error a domain rule raises (the web answers 400).

    One made with :meth:`translatable` keeps its English ``template`` (marked ``N_``) and its
    ``params``, so a face shows it in the reader's language
    (:func:`helplinekit.web.text.explain`); its message is the English, filled in.
    """

    template: str | None = None
    params: Mapping[str, str] | None = None

    @classmethod
    def translatable(cls, template: str, **params: object) -> Self:
        """The error with ``template % params`` as its message, kept for translation.

        ``template`` is written ``N_("... %(name)s ...")`` where it is raised, so extraction
        finds it; each value is turned into text.
        """
        values = {name: str(value) for name, value in params.items()}
        error = cls(template % values)
        error.template, error.params = template, values
        return error


class NotFound(DomainError, LookupError):
    """No such thing, or not one the actor may see (the web answers 404)."""


class AccessDenied(HelplinekitError, PermissionError):
    """The actor may not do this (the web answers 403); the message says who may."""


class Conflict(DomainError):
    """The request clashes with what is stored: a duplicate, a stale change (409)."""


class ConfigurationError(HelplinekitError):
    """The deployment's set-up is wrong: configuration, keys or plugins; the operator fixes it."""


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
        template: The English message, as marked for translation (see :class:`UnsafeCharacter`).
        params: The values for :attr:`template`.
    """

    template = N_("Unknown category '%(code)s'; use one of the taxonomy's codes: %(known)s.")

    def __init__(self, code: str, known: Iterable[str]) -> None:
        self.code = code
        self.known = tuple(known)
        self.params: Mapping[str, str] = {
            "code": code,
            "known": ", ".join(self.known) if self.known else "none",
        }
        super().__init__(self.template % self.params)

    def __str__(self) -> str:
        # KeyError.__str__ quotes its argument as a repr; show the plain message instead.
        return str(self.args[0])

    def __reduce__(self) -> tuple[type[UnknownCategory], tuple[object, ...]]:
        return (type(self), (self.code, self.known))


class InvalidURN(InvalidValue):
    """Text that cannot be read as a contact URN (``scheme:path``).

    The message may quote the text: it is shown to the person who typed it, so they can fix it.
    """


class UnsafeCharacter(InvalidURN):
    """A contact point holds a character that could make it pass for another one.

    A URN, a phone number or an email address is something staff act on (they call it, they
    write to it), so it may hold only visible characters: no invisible text-direction
    controls (U+202E RIGHT-TO-LEFT OVERRIDE shows ``+92300`` as ``00329+``), no other
    invisible format characters (U+200B ZERO WIDTH SPACE), no control characters (NUL), and
    nothing that cannot be stored as UTF-8 (a lone surrogate, or the U+FFFD a browser sends
    in its place). The message names the character, never the rest of the text.

    Attributes:
        character: The offending character.
        kind: ``"direction"``, ``"invisible"``, ``"control"`` or ``"unreadable"``.
        template: The English message, with a ``%(character)s`` placeholder, as marked for
            translation; a face translates it and fills in :attr:`params`.
        params: The values for :attr:`template` (``character``: ``"U+202E RIGHT-TO-LEFT
            OVERRIDE"``).
    """

    def __init__(self, character: str, kind: str, template: str, description: str) -> None:
        self.character = character
        self.kind = kind
        self.template = template
        self.params: Mapping[str, str] = {"character": description}
        super().__init__(template % self.params)

    def __reduce__(self) -> tuple[type[UnsafeCharacter], tuple[object, ...]]:
        return (type(self), (self.character, self.kind, self.template, self.params["character"]))


class UnknownScheme(InvalidURN):
    """A contact point names a scheme this helpline cannot reach anyone on.

    Attributes:
        scheme: The scheme that was written (already checked to be a well-formed scheme).
        allowed: The schemes the helpline accepts, sorted.
        template: The English message, as marked for translation (see :class:`UnsafeCharacter`).
        params: The values for :attr:`template`.
    """

    def __init__(self, scheme: str, allowed: Iterable[str], template: str) -> None:
        self.scheme = scheme
        self.allowed = tuple(sorted(allowed))
        self.template = template
        self.params: Mapping[str, str] = {
            "scheme": f"{scheme}:",
            "allowed": ", ".join(f"{name}:" for name in self.allowed),
        }
        super().__init__(template % self.params)

    def __reduce__(self) -> tuple[type[UnknownScheme], tuple[object, ...]]:
        return (type(self), (self.scheme, self.allowed, self.template))
