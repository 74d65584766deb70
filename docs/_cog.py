"""Generators for the reference parts of the docs, run by cog (cogapp).

The pages hold ``[[[cog ... ]]]`` blocks that call these functions; regenerate them with::

    cog -r docs/cli.md docs/api.md docs/writing-a-jurisdiction-plugin.md

and ``tests/test_generated_docs.py`` fails when a page no longer matches the code. This
module lives beside the pages, not in ``src/``, so it never ships in the wheel.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import click

#: The width click wraps help text to in the reference (the CLI's own max_content_width).
HELP_WIDTH = 100


# -- the command line ------------------------------------------------------------------------


def _built_in_cli() -> click.Group:
    """The root group with the built-in commands only: an installed plugin changes no page."""
    from helplinekit.cli import build_cli
    from helplinekit.plugins import get_plugin_manager

    return build_cli(get_plugin_manager(load_entrypoints=False))


def _commands(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    """The command and every subcommand below it, depth first, in alphabetical order."""
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
            yield from _commands(sub, sub_ctx)


def cli_reference() -> str:
    """Every command's ``--help`` as click renders it, under a heading with its full name."""
    root = _built_in_cli()
    # The root's own settings (``-h/--help``, its width), at a fixed terminal width so the
    # page does not depend on the terminal cog runs in; subcommands inherit both.
    settings = {**root.context_settings, "terminal_width": HELP_WIDTH}
    settings.setdefault("max_content_width", HELP_WIDTH)
    ctx = click.Context(root, info_name="helplinekit", **settings)
    sections = []
    for command, command_ctx in _commands(root, ctx):
        help_text = command.get_help(command_ctx).rstrip()
        sections.append(f"## {command_ctx.command_path}\n\n```text\n{help_text}\n```\n")
    return "\n".join(sections)


# -- the Python API --------------------------------------------------------------------------


def _service_actions() -> dict[str, str]:
    """Service name -> the policy action it checks, from every ``@service_action``."""
    import helplinekit.services
    from helplinekit.services.actions import SERVICE_ACTIONS

    for module in pkgutil.walk_packages(
        helplinekit.services.__path__, prefix="helplinekit.services."
    ):
        importlib.import_module(module.name)
    return {name: str(getattr(action, "value", action)) for name, action in SERVICE_ACTIONS.items()}


#: Sphinx cross-references (``:func:`x```) and literals (````x````) as Markdown code.
_RST_ROLE = re.compile(r":(?:func|meth|class|attr|mod|data|exc):`~?([^`]+)`")
_RST_LITERAL = re.compile(r"``([^`]+)``")


def _first_line(function: Callable[..., Any]) -> str:
    """The docstring's summary (its first paragraph, on one line), in Markdown."""
    doc = inspect.getdoc(function) or ""
    summary = doc.split("\n\n", 1)[0].replace("\n", " ").strip()
    return _RST_LITERAL.sub(r"`\1`", _RST_ROLE.sub(r"`\1`", summary))


def _call(name: str, function: Callable[..., Any], *, drop: int = 0) -> str:
    """``name(actor, ref, *, hold)``: the parameters a caller passes, without types."""
    parameters = list(inspect.signature(function).parameters.values())[drop:]
    shown: list[str] = []
    star = False
    for parameter in parameters:
        if parameter.name in ("self", "cls"):
            continue
        if parameter.kind is parameter.VAR_POSITIONAL:
            shown.append(f"*{parameter.name}")
            star = True
        elif parameter.kind is parameter.VAR_KEYWORD:
            shown.append(f"**{parameter.name}")
        else:
            if parameter.kind is parameter.KEYWORD_ONLY and not star:
                shown.append("*")
                star = True
            shown.append(parameter.name)
    return f"{name}({', '.join(shown)})"


def _reachable_through_getattr(helpline_class: type) -> dict[str, tuple[Callable[..., Any], int]]:
    """Services a ``Helpline.__getattr__`` forwards to, as (service function, leading args).

    Only while ``Helpline`` still forwards by name: the forwarded function is the closure's
    ``function``, which takes the helpline's context first (dropped from the signature).
    """
    if "__getattr__" not in vars(helpline_class):
        return {}
    bare: Any = object.__new__(helpline_class)
    reachable: dict[str, tuple[Callable[..., Any], int]] = {}
    for name in _service_actions():
        if name.startswith("_") or name in vars(helpline_class):
            continue
        try:
            bound = getattr(bare, name)
        except AttributeError:
            continue
        function = inspect.getclosurevars(bound).nonlocals.get("function", bound)
        reachable[name] = (function, 1 if function is not bound else 0)
    return reachable


def api_table() -> str:
    """A Markdown table of ``Helpline``'s public methods: call, summary and policy action."""
    from helplinekit.api import Helpline

    actions = _service_actions()
    rows: dict[str, tuple[str, str]] = {}
    for name, member in inspect.getmembers(Helpline):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            rows[name] = (f"`{name}`", _first_line(member.fget) if member.fget else "")
        elif callable(member):
            rows[name] = (f"`{_call(name, member)}`", _first_line(member))
    for name, (function, drop) in _reachable_through_getattr(Helpline).items():
        rows[name] = (f"`{_call(name, function, drop=drop)}`", _first_line(function))
    lines = ["| method | what it does | policy action |", "| --- | --- | --- |"]
    for name in sorted(rows):
        call, summary = rows[name]
        action = f"`{actions[name]}`" if name in actions else ""
        summary = summary.replace("|", "\\|")  # a pipe would end the table cell
        lines.append(f"| {call} | {summary} | {action} |")
    return "\n".join(lines) + "\n"


# -- the case facts a jurisdiction's conditions may use -----------------------------------------


def case_facts_table() -> str:
    """The facts ``ProvisionRef.when`` may test, with their allowed values, from the code."""
    from helplinekit.contracts.conditions import CASE_FACTS

    rows = ["| fact | what it is | values |", "| --- | --- | --- |"]
    for fact in CASE_FACTS.values():
        values = ", ".join(f"`{value!r}`" for value in fact.values)
        rows.append(f"| `{fact.name}` | {fact.description} | {values} |")
    return "\n".join(rows) + "\n"


def provision_flags_table() -> str:
    """What each ``ProvisionFlag`` does in the legal options, from the code."""
    from helplinekit.contracts.jurisdiction import ProvisionFlag
    from helplinekit.services.legal_evaluation import FLAG_CONDITIONS

    effects = {
        ProvisionFlag.contested: "shown as contested with its `flag_note`; never in a complaint "
        "draft",
        ProvisionFlag.repealed: "offered only for an incident before `in_force_until` (never "
        "without that date)",
    }
    rows = ["| flag | what it does |", "| --- | --- |"]
    for flag in ProvisionFlag:
        if flag in FLAG_CONDITIONS:
            condition = ", ".join(f"`{k}` = `{v!r}`" for k, v in FLAG_CONDITIONS[flag].items())
            effect = (
                f"a condition: {condition}; dropped when the case's facts say otherwise, "
                '"applies if…" when they are not recorded'
            )
        else:
            effect = effects[flag]
        rows.append(f"| `{flag.value}` | {effect} |")
    return "\n".join(rows) + "\n"
