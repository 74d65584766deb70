"""The plugin manager: built-ins as plugins, entry points, disabling, tracing, start-up checks."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pluggy
import pytest

from helplinekit import hookimpl
from helplinekit.plugins import DEFAULT_PLUGINS, get_plugin_manager, plugin_info
from helplinekit.registry import Registries


def test_builtins_are_registered_like_any_plugin() -> None:
    pm = get_plugin_manager(load_entrypoints=False)
    names = {pm.get_name(plugin) for plugin in pm.get_plugins()}
    assert names == set(DEFAULT_PLUGINS)


def test_misspelt_hook_fails_at_start_up() -> None:
    class Misspelt:
        @hookimpl
        def register_chanels(self, register):  # the typo is the point
            pass

    with pytest.raises(pluggy.PluginValidationError, match="register_chanels"):
        get_plugin_manager(load_entrypoints=False, extra_plugins=[(Misspelt(), "misspelt")])


def test_wrong_hook_arguments_fail_at_start_up() -> None:
    class WrongArgs:
        @hookimpl
        def register_channels(self, register, surprise):
            pass

    with pytest.raises(pluggy.PluginValidationError, match="surprise"):
        get_plugin_manager(load_entrypoints=False, extra_plugins=[(WrongArgs(), "wrong")])


@pytest.mark.parametrize(
    "name",
    # The built-ins' module paths, and the paths they had before default_plugins/: a
    # deployment that disabled one by its former name keeps it disabled.
    ["helplinekit.default_plugins.web_form", "helplinekit.channels.web_form"],
)
def test_disabled_builtin_plugin_registers_nothing(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("HELPLINEKIT_DISABLE_PLUGINS", f"{name}, other")
    pm = get_plugin_manager(load_entrypoints=False)
    assert "web.form" not in Registries(pm).channels
    assert "en" in Registries(pm).languages


def test_builtin_plugins_live_in_default_plugins_and_old_paths_still_import() -> None:
    import importlib

    from helplinekit.plugins import DEFAULT_PLUGINS, FORMER_NAMES

    assert set(FORMER_NAMES.values()) <= set(DEFAULT_PLUGINS)
    for former, current in FORMER_NAMES.items():
        old, new = importlib.import_module(former), importlib.import_module(current)
        # The old path re-exports the public names, not the hook implementations (a
        # plugin registered twice would answer every hook twice).
        assert all(
            getattr(old, name) is getattr(new, name)
            for name in old.__dict__.get("__all__", ())
            if hasattr(new, name)  # English's MESSAGES now come from contracts.messages
        )
        assert not any(hasattr(value, "helplinekit_impl") for value in vars(old).values())


@pytest.fixture
def installed_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real (tiny) installed distribution with a ``helplinekit`` entry point."""
    (tmp_path / "acme_helpline.py").write_text(
        textwrap.dedent(
            """
            from helplinekit import hookimpl
            from helplinekit.channels.web_form import WebFormChannel

            class AcmeChannel(WebFormChannel):
                name = "acme.form"
                title = "Acme form"

            @hookimpl
            def register_channels(register):
                register(AcmeChannel)
            """
        )
    )
    info = tmp_path / "acme_helpline-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-helpline\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text("[helplinekit]\nacme = acme_helpline\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "acme"
    sys.modules.pop("acme_helpline", None)


def test_entry_point_plugin_is_loaded_with_its_version(installed_distribution: str) -> None:
    pm = get_plugin_manager(load_entrypoints=True)
    assert "acme.form" in Registries(pm).channels
    row = next(row for row in plugin_info(pm) if row["name"] == installed_distribution)
    assert row["version"] == "1.2.3"
    assert row["package"] == "acme-helpline"
    assert row["hooks"] == ["register_channels"]


def test_entry_point_plugin_can_be_disabled(
    installed_distribution: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPLINEKIT_DISABLE_PLUGINS", installed_distribution)
    pm = get_plugin_manager(load_entrypoints=True)
    assert "acme.form" not in Registries(pm).channels


def test_core_manager_ignores_installed_plugins(installed_distribution: str) -> None:
    pm = get_plugin_manager(load_entrypoints=False)
    assert "acme.form" not in Registries(pm).channels


def test_tracing_prints_each_hook_call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HELPLINEKIT_TRACE_PLUGINS", "1")
    Registries(get_plugin_manager(load_entrypoints=False))
    err = capsys.readouterr().err
    assert "register_channels(register=" in err
    assert "[helplinekit.default_plugins.web_form]" in err
    assert "register_languages" in err


def test_no_tracing_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HELPLINEKIT_TRACE_PLUGINS", raising=False)
    Registries(get_plugin_manager(load_entrypoints=False))
    assert capsys.readouterr().err == ""


def test_fixture_plugins_are_not_in_the_package(fixture_plugins_path: Path) -> None:
    # A made-up Kenyan law must never reach a deployment: the fixtures live beside the
    # tests, outside the package the wheel is built from (pyproject: packages = src/helplinekit).
    import tomllib

    import helplinekit

    package = Path(helplinekit.__file__).parent
    assert not (package / "testing_plugins").exists()
    assert not list(package.rglob("fixture_*.py"))
    root = Path(__file__).parent.parent
    wheel = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["hatch"]["build"]
    assert wheel["targets"]["wheel"]["packages"] == ["src/helplinekit"]
    assert fixture_plugins_path == root / "tests" / "fixture_plugins"
    assert {p.name for p in fixture_plugins_path.glob("fixture_*.py")} == {
        "fixture_channel.py",
        "fixture_language_fa.py",
        "fixture_language_sw.py",
        "fixture_law_ke.py",
    }


def _imports_of(path: Path, module: str, known: set[str]) -> set[str]:
    """Every helplinekit module ``module`` imports, wherever the import is written (at the
    top, in a function, under TYPE_CHECKING): a cycle through any of them is a tangle."""
    import ast

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in known and name != module}


def test_config_registry_plugins_contracts_i18n_and_languages_form_no_cycle() -> None:
    import helplinekit

    root = Path(helplinekit.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if "migrations" not in name:
            modules[name] = path
    graph = {name: _imports_of(path, name, set(modules)) for name, path in modules.items()}
    watched = ("config", "registry", "plugins", "hookspecs", "contracts", "i18n", "languages")
    watched += ("default_plugins", "bootstrap", "domain")

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            name, path = stack.pop()
            for nxt in graph[name]:
                if nxt == start:
                    return [*path, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    starts = [n for n in graph if n.split(".")[1:2] and n.split(".")[1] in watched]
    cycles = [cycle for cycle in map(cycle_from, starts) if cycle]
    assert cycles == [], " -> ".join(cycles[0])


def test_help_imports_neither_the_domain_nor_the_heavy_libraries() -> None:
    # helplinekit --help builds the plugin manager (plugins may add commands), so what the
    # built-in plugins import at their top is paid on every command.
    import subprocess

    code = (
        "import runpy, sys\n"
        "sys.argv = ['helplinekit', '--help']\n"
        "try:\n    runpy.run_module('helplinekit', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stderr.split())
    assert "Usage: helplinekit" in done.stdout
    heavy = {"sqlalchemy", "fastapi", "babel", "cookiecutter", "pycountry", "jinja2"}
    ours = {"helplinekit.i18n", "helplinekit.db", "helplinekit.services"}
    assert loaded & (heavy | ours) == set()
    # The error classes are cheap and the CLI's error handler needs them (with the gettext
    # marker their messages are marked with, a module importing nothing); the domain's
    # entities (attrs classes, validators, phone numbers) are not loaded.
    domain = {name for name in loaded if name.startswith("helplinekit.domain.")}
    assert domain <= {"helplinekit.domain.errors", "helplinekit.domain.markers"}, domain
