"""Meta-tests that keep the plugin system honest (after datasette's tests/test_docs.py).

Every hook is documented in docs/plugin_hooks.md under a heading with its exact signature,
and every hook has a ``test_hook_<name>`` test somewhere in the test suite.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from helplinekit import PROJECT_NAME, hookspecs

ROOT = Path(__file__).resolve().parent.parent
HOOK_DOCS = ROOT / "docs" / "plugin_hooks.md"


def _hooks() -> dict[str, str]:
    """Every declared hook and its signature as documented: ``name(arg, arg)``."""
    hooks = {}
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(function, f"{PROJECT_NAME}_spec"):
            parameters = ", ".join(inspect.signature(function).parameters)
            hooks[name] = f"{name}({parameters})"
    return hooks


def test_there_are_hooks() -> None:
    assert "register_channels" in _hooks()


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_hook_is_documented_with_its_exact_signature(hook: str) -> None:
    headings = re.findall(r"^## (\S+\(.*\))$", HOOK_DOCS.read_text(encoding="utf-8"), re.M)
    documented = {heading.split("(")[0]: heading for heading in headings}
    assert hook in documented, f"docs/plugin_hooks.md has no '## {_hooks()[hook]}' section"
    assert documented[hook] == _hooks()[hook]


def test_docs_describe_no_hook_that_does_not_exist() -> None:
    headings = re.findall(r"^## (\w+)\(", HOOK_DOCS.read_text(encoding="utf-8"), re.M)
    assert set(headings) <= set(_hooks()), set(headings) - set(_hooks())


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_hook_has_a_test(hook: str) -> None:
    sources = [
        path.read_text(encoding="utf-8")
        for folder in ("tests", "plugins", "templates")
        for path in (ROOT / folder).rglob("test_*.py")
    ]
    assert any(f"def test_hook_{hook}(" in source for source in sources), (
        f"hook {hook} has no test_hook_{hook} test"
    )
