"""What triage plugins return: risk signals, and the candidates a router chooses from."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from helplinekit.domain import RiskLevel, Specialism, Specialist

__all__ = ["Candidate", "RiskSignal"]


# Typed converters: ``converter=tuple`` would leave the constructor's parameter as an
# unsolved ``Iterable[_T_co]`` for the type checker.
def _codes(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _specialisms(values: Iterable[Specialism]) -> frozenset[Specialism]:
    return frozenset(values)


@frozen
class RiskSignal:
    """One plugin's reading of a message.

    Attributes:
        level: the risk this signal indicates; the case takes the highest of all signals.
        reason: a short label for staff (``"threat of violence"``), never a quote of the
            message.
        categories: taxonomy codes the message suggests.
        specialisms: kinds of help it suggests the case needs.
        signal: the kind of risk, one of
            :data:`helplinekit.contracts.lexicon.RISK_SIGNALS`, when the plugin knows it.
    """

    level: RiskLevel
    reason: str
    categories: tuple[str, ...] = field(default=(), converter=_codes)
    specialisms: frozenset[Specialism] = field(factory=frozenset, converter=_specialisms)
    signal: str | None = None


@frozen
class Candidate:
    """A staff member a router may assign, with their current load.

    Attributes:
        specialist: the staff member (active, with the role for the work).
        open_cases: how many open cases they hold now.
    """

    specialist: Specialist
    open_cases: int

    @property
    def spare(self) -> int:
        return self.specialist.capacity - self.open_cases
