"""Converters for attrs fields that hold collections.

``field(converter=tuple)`` works at run time, but mypy's attrs plugin types the argument from
``tuple``'s generic constructor and then rejects every caller (``expected "Iterable[_T_co]"``).
These converters say what they accept; each field's validator still checks the elements.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    """Any iterable, as a tuple (the field's validator checks what it holds)."""
    return tuple(values)


def as_frozenset(values: Iterable[Any]) -> frozenset[Any]:
    """Any iterable, as a frozenset (the field's validator checks what it holds)."""
    return frozenset(values)


def as_list(values: Iterable[Any]) -> list[Any]:
    """Any iterable, as a new list (the field's validator checks what it holds)."""
    return list(values)
