"""The plugin template tests itself.

Every kind (law, channel, language) is generated through ``helplinekit new-plugin`` with
hostile free text; the package must hold only its kind's files and no template syntax, pass
its own tests and ruff, install with pip and be listed by ``helplinekit plugins`` with its
version. Bad input fails with a message naming the value and writes nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.testing import make_plugin_manager

TEMPLATE = Path(__file__).resolve().parent.parent

# Free text that would change the output if anything rendered it as a template, broke out of
# a string, or mangled characters outside the Basic Multilingual Plane.
LAW_NAME = 'Women\'s "Safe" {{ 7*7 }}'
CHANNEL_NAME = "Acme \"SMS\" \\ {{ 'x' }} 😀"
NATIVE_NAME = 'ދިވެހި "{{ 1 }}"'

REQUESTS = {
    "law": ["--kind", "law", LAW_NAME, "--country", "ke"],
    "channel": ["--kind", "channel", CHANNEL_NAME],
    "language": ["--kind", "language", "Dhivehi", "--tag", "dv", "--native-name", NATIVE_NAME],
}
EXPECTED = {
    # kind: (folder, module, the name it registers)
    "law": ("helplinekit-women-s-safe-7-7", "helplinekit_women_s_safe_7_7", "women_s_safe_7_7.ke"),
    "channel": ("helplinekit-acme-sms-x", "helplinekit_acme_sms_x", "acme_sms_x.webhook"),
    "language": ("helplinekit-dhivehi", "helplinekit_dhivehi", "dv"),
}
TEMPLATE_SYNTAX = re.compile(r"\{\{\s*cookiecutter|\{%|%\}|cookiecutter\.")


def new_plugin(*args: str, pm=None):
    return CliRunner().invoke(
        build_cli(pm or make_plugin_manager()), ["new-plugin", *args], catch_exceptions=False
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HELPLINEKIT_"))}
    env.update(extra)
    return env


def constant(path: Path, name: str) -> object:
    """The literal value assigned to ``name`` at the top of a Python file."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if name in targets:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} assigns no {name}")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each kind, generated once: kind -> (folder, what the command printed)."""
    out = tmp_path_factory.mktemp("plugins")
    made = {}
    for kind, args in REQUESTS.items():
        result = new_plugin(*args, "--output-dir", str(out))
        assert result.exit_code == 0, result.output
        made[kind] = (out / EXPECTED[kind][0], result.output)
    assert sorted(p.name for p in out.iterdir()) == sorted(e[0] for e in EXPECTED.values())
    return made


@pytest.fixture(params=sorted(REQUESTS))
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def test_command_says_what_it_made_and_what_to_do_next(generated, kind) -> None:
    folder, output = generated[kind]
    what = "jurisdiction" if kind == "law" else kind
    assert f"a {kind} plugin registering the {what} {EXPECTED[kind][2]}" in output
    for step in (f"{folder.name}\n", 'pip install -e ".[test]"', "pytest", "helplinekit plugins"):
        assert step in output


def test_only_the_files_of_its_kind_are_kept(generated, kind) -> None:
    folder, _ = generated[kind]
    module = EXPECTED[kind][1]
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert files == sorted(
        [
            ".gitignore",
            "README.md",
            "pyproject.toml",
            f"src/{module}/__init__.py",
            f"src/{module}/py.typed",
            f"tests/test_{module}.py",
            # A language pack's triage words: how to write them, and a start to copy.
            *(
                [f"src/{module}/triage/README.md", f"src/{module}/triage/lexicon.toml.example"]
                if kind == "language"
                else []
            ),
        ]
    )


def test_no_template_syntax_is_left(generated, kind) -> None:
    folder, _ = generated[kind]
    for path in folder.rglob("*"):
        assert not TEMPLATE_SYNTAX.search(str(path.relative_to(folder))), path
        if path.is_file():
            # The hostile names contain "{{ … }}" on purpose; nothing else may.
            text = path.read_text(encoding="utf-8")
            assert not TEMPLATE_SYNTAX.search(text), f"{path.name}: {TEMPLATE_SYNTAX.search(text)}"


def test_generated_tests_pass(generated, kind) -> None:
    folder, _ = generated[kind]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        env=clean_env(PYTHONPATH=str(folder / "src"), PYTHONDONTWRITEBYTECODE="1"),
        capture_output=True,
        text=True,
        check=False,
    )
    # Exit 5 (no tests collected) is a failure too.
    assert run.returncode == 0, run.stdout + run.stderr
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= 1, run.stdout


def test_generated_code_is_ruff_clean(generated, kind) -> None:
    folder, _ = generated[kind]
    for command in (["check"], ["format", "--check"]):
        run = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr


def test_free_text_reads_back_exactly(generated) -> None:
    for kind, name, constant_name in (
        ("law", LAW_NAME, "NAME"),
        ("channel", CHANNEL_NAME, "TITLE"),
        ("language", "Dhivehi", "ENGLISH_NAME"),
    ):
        folder, _ = generated[kind]
        module = folder / "src" / EXPECTED[kind][1] / "__init__.py"
        assert constant(module, constant_name) == name
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
        assert project["project"]["description"].startswith(f"{name}: a ")
        assert "{{" not in (folder / "README.md").read_text(encoding="utf-8").splitlines()[0]
    language = generated["language"][0] / "src" / "helplinekit_dhivehi" / "__init__.py"
    assert constant(language, "NATIVE_NAME") == NATIVE_NAME


def test_law_maps_exactly_the_default_taxonomy_with_todo_markers(generated) -> None:
    from helplinekit.domain import DEFAULT_TAXONOMY

    source = (generated["law"][0] / "src" / EXPECTED["law"][1] / "__init__.py").read_text()
    marker = r'^ {8}"([A-Z_]+)": NoSpecificProvision\(\n\s+note="TODO: '
    assert re.findall(marker, source, re.M) == [code.code for code in DEFAULT_TAXONOMY]
    # A comment above each code says what to look for.
    commented = re.findall(r'^ {8}# .*\n(?: {8}# .*\n)* {8}"[A-Z_]+":', source, re.M)
    assert len(commented) == len(DEFAULT_TAXONOMY)


def test_language_starts_from_the_english_messages_and_rtl_script(generated) -> None:
    from helplinekit.languages.english import MESSAGES

    module = generated["language"][0] / "src" / "helplinekit_dhivehi" / "__init__.py"
    assert constant(module, "MESSAGES") == MESSAGES
    assert constant(module, "REVIEWED") is False
    spec = importlib.util.spec_from_file_location("generated_dhivehi", module)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    pack = loaded.build()
    assert (pack.tag, pack.script, pack.rtl, pack.reviewed) == ("dv", "Thaa", True, False)


def test_packages_install_and_are_listed_with_their_versions(generated, tmp_path) -> None:
    target = tmp_path / "site"
    isolation: list[str] = []
    if importlib.util.find_spec("hatchling") is not None:
        # Build offline with the hatchling already installed; otherwise pip fetches it.
        isolation = ["--no-build-isolation", "--no-index"]
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--no-deps",
            *isolation,
            "--target",
            str(target),
            *(str(folder) for folder, _ in generated.values()),
        ],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "helplinekit", "plugins", "--json", "--registered"],
        env=clean_env(PYTHONPATH=str(target)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    data = json.loads(listed.stdout)
    rows = {row["name"]: row for row in data["plugins"]}
    registered = {(item["kind"], item["name"]): item["plugin"] for item in data["registered"]}
    for kind, (folder_name, _, name) in EXPECTED.items():
        namespace = folder_name.removeprefix("helplinekit-").replace("-", "_")
        assert rows[namespace]["package"] == folder_name
        assert rows[namespace]["version"] == "0.1.0"
        what = {"law": "jurisdiction"}.get(kind, kind)
        assert registered[(what, name)] == namespace


def test_template_works_without_the_command(tmp_path) -> None:
    # Someone running cookiecutter on the template directly gets the defaults (Kenya's law).
    from cookiecutter.main import cookiecutter

    made = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(tmp_path / "out"),
            default_config={"replay_dir": str(tmp_path / "replay")},
        )
    )
    assert made.name == "helplinekit-kenya"
    assert constant(made / "src" / "helplinekit_kenya" / "__init__.py", "KEY") == "kenya.ke"
    assert not (made / "_kinds").exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"country_code": "K1"}, "'K1' is not an ISO 3166-1 alpha-2 country code"),
        ({"name": "!!!"}, "has no letters or digits"),
        ({"kind": "language", "language_tag": "pa-Arab", "script": "Guru"}, "names the script"),
    ],
)
def test_template_hook_refuses_bad_answers(tmp_path, capfd, answers, message) -> None:
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.main import cookiecutter

    with pytest.raises(FailedHookException):
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context=answers,
            output_dir=str(tmp_path / "out"),
            default_config={"replay_dir": str(tmp_path / "replay")},
        )
    err = capfd.readouterr().err
    assert err.startswith("ERROR: ") and message in err, err
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "foo", "Kenya"], "'foo' is not one of 'law', 'channel', 'language'"),
        (["--kind", "law", "Kenya", "--country", "XX"], "'XX' is not an ISO 3166-1 alpha-2"),
        (["--kind", "law", "Kenya", "--country", "Kenya"], "did you mean KE (Kenya)?"),
        (["--kind", "law", "Kenya"], "A law plugin needs --country"),
        (["--kind", "law", "!!!", "--country", "KE"], "'!!!' has no letters or digits"),
        (["--kind", "law", "Ken\nya", "--country", "KE"], "line break"),
        (["--kind", "law", "K" * 41, "--country", "KE"], "too long"),
        (["--kind", "channel", "Acme", "--country", "KE"], "--country does not apply"),
        (["--kind", "language", "Swahili"], "A language plugin needs --tag"),
        (["--kind", "language", "Swahili", "--tag", "swahili"], "not a BCP 47 language tag"),
        (["--kind", "language", "Swahili", "--tag", "swa"], "use --tag sw"),
        (["--kind", "language", "Punjabi", "--tag", "pa-Arab", "--script", "Guru"], "'Arab'"),
        (["--kind", "language", "Punjabi", "--tag", "pa", "--script", "Arab"], "--tag pa-Arab"),
        (["--kind", "language", "English", "--tag", "en"], "already registered"),
    ],
)
def test_bad_input_fails_cleanly_and_writes_nothing(tmp_path, args, message) -> None:
    result = new_plugin(*args, "--output-dir", str(tmp_path))
    assert result.exit_code in (1, 2)
    assert "Error: " in result.output and message in result.output, result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_is_left_alone(tmp_path) -> None:
    existing = tmp_path / "helplinekit-kenya"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine")
    result = new_plugin("--kind", "law", "Kenya", "--country", "KE", "--output-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "helplinekit-kenya already exists" in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["helplinekit-kenya", "notes.txt"]
