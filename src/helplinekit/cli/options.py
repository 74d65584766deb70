"""Options shared by several commands, defined once."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="HELPLINEKIT_CONFIG",
    default=None,
    help="The deployment's helpline.toml [default: ./helpline.toml; env HELPLINEKIT_CONFIG].",
)

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


class LazyChoice(click.Choice[str]):
    """A choice whose values are loaded when first needed (not when ``--help`` starts up).

    :param load: returns the allowed values, e.g. the members of a domain enum.
    """

    def __init__(self, load: Callable[[], Iterable[str]], case_sensitive: bool = False) -> None:
        self._load = load
        self._loaded: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded

    @choices.setter
    def choices(self, value: Iterable[str]) -> None:
        self._loaded = tuple(value)


def enum_values(module: str, name: str) -> Callable[[], list[str]]:
    """A loader for :class:`LazyChoice`: the values of enum ``module.name``."""

    def load() -> list[str]:
        import importlib

        return [member.value for member in getattr(importlib.import_module(module), name)]

    return load
