"""The catalog template (.pot) is extracted from the code, deterministically, and kept current."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.i18n import (
    PACKAGE_DIR,
    TEMPLATE_PATH,
    extract_template,
    render_template,
    stale_template_diff,
)
from helplinekit.languages.english import MESSAGES
from helplinekit.testing import core_catalog_template

HINT = "run `helplinekit translations extract`"


def _extract(plugin_manager, *args: str):
    return CliRunner().invoke(build_cli(plugin_manager), ["translations", "extract", *args])


def test_committed_template_is_current() -> None:
    # CI fails here when a marked string was added, changed or removed without
    # re-extracting; the creation date and Babel's version in the header do not count.
    diff = stale_template_diff()
    assert diff is None, f"{TEMPLATE_PATH} is out of date with the code; {HINT}.\n{diff}"


def test_the_template_is_the_one_the_conformance_kit_uses() -> None:
    assert core_catalog_template() == TEMPLATE_PATH
    assert TEMPLATE_PATH == PACKAGE_DIR / "locale" / "helplinekit.pot"


def test_every_survivor_message_template_is_extracted() -> None:
    with TEMPLATE_PATH.open("rb") as handle:
        template = read_po(handle)
    for key, text in MESSAGES.items():
        message = template.get(text)
        assert message is not None, key
        assert any(comment.startswith(f"Translators: {key},") for comment in message.auto_comments)
    # N_() returns its argument: MESSAGES stays a dict of plain strings.
    assert all(type(text) is str for text in MESSAGES.values())


def test_extraction_is_deterministic_and_has_no_line_numbers() -> None:
    first, second = (render_template(extract_template()) for _ in range(2))
    dated = re.compile(rb'"POT-Creation-Date: .*\n')
    assert dated.sub(b"", first) == dated.sub(b"", second)
    locations = re.findall(rb"^#: (.*)$", first, re.M)
    assert locations and all(not re.search(rb":\d+", line) for line in locations)
    ids = [message.id for message in extract_template() if message.id]
    written = re.findall(rb'^msgid "(.+)"$|^msgid ""\n"(.+)"$', first, re.M)
    assert len(written) == len(ids)
    with TEMPLATE_PATH.open("rb") as handle:
        committed = [_label(message.id) for message in read_po(handle) if message.id]
    assert committed == sorted(committed)


def _label(message_id: str | tuple[str, ...]) -> str:
    """A message's sort key: its msgid (the singular, for a plural message)."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _copy_package(tmp_path: Path) -> Path:
    """The Python modules of helplinekit, copied: a package to change without touching it."""
    copy = tmp_path / "helplinekit"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "locale"))
    return copy


def test_a_new_string_makes_the_template_stale(tmp_path: Path) -> None:
    package = _copy_package(tmp_path)
    assert stale_template_diff(package_dir=package) is None  # the copy extracts the same
    (package / "cli" / "greeting.py").write_text(
        'from gettext import gettext as _\n\nGREETING = _("Welcome back")\n', encoding="utf-8"
    )
    diff = stale_template_diff(package_dir=package)
    assert diff is not None
    assert '+msgid "Welcome back"' in diff
    assert "+#: helplinekit/cli/greeting.py" in diff


def test_extraction_covers_gettext_calls_and_jinja_templates(tmp_path: Path) -> None:
    pytest.importorskip("jinja2")
    package = tmp_path / "helplinekit"
    (package / "web" / "templates" / "cases").mkdir(parents=True)
    (package / "web" / "views.py").write_text(
        "from gettext import gettext, ngettext, pgettext\n"
        "_ = gettext\n\n"
        "def labels(n):\n"
        "    # Translators: the button that signs a staff member in.\n"
        '    return [_("Sign in"), gettext("My queue"), ngettext("{n} case", "{n} cases", n),\n'
        '            pgettext("verb", "Open")]\n',
        encoding="utf-8",
    )
    (package / "web" / "templates" / "cases" / "list.html").write_text(
        "<h1>{% trans %}\n  Cases waiting\n   for you\n{% endtrans %}</h1>\n"
        '<a href="/logout">{{ _("Sign out") }}</a>\n',
        encoding="utf-8",
    )
    (package / "_templates").mkdir()
    (package / "_templates" / "generated.py").write_text('_("Not ours")\n', encoding="utf-8")
    catalog = extract_template(package)
    found = {(message.context, message.id) for message in catalog if message.id}
    assert found == {
        (None, "Sign in"),
        (None, "My queue"),
        (None, ("{n} case", "{n} cases")),
        ("verb", "Open"),
        (None, "Cases waiting for you"),  # trimmed, as the web console's Jinja policy says
        (None, "Sign out"),
    }
    sign_in = catalog.get("Sign in")
    assert sign_in.auto_comments == ["Translators: the button that signs a staff member in."]
    assert sign_in.locations == [("helplinekit/web/views.py", None)]
    assert catalog.get("Sign out").locations == [
        ("helplinekit/web/templates/cases/list.html", None)
    ]


# -- the command -----------------------------------------------------------------------------


def test_extract_writes_the_template_then_leaves_it_alone(plugin_manager, tmp_path: Path) -> None:
    output = tmp_path / "helplinekit.pot"
    first = _extract(plugin_manager, "--output", str(output))
    assert first.exit_code == 0, first.output
    count = sum(1 for message in extract_template() if message.id)
    assert f"Wrote {count} strings to {output}." in first.output
    assert stale_template_diff(output) is None
    # A later run that would only change the creation date does not rewrite the file.
    dated = output.read_text(encoding="utf-8")
    older = re.sub(r"POT-Creation-Date: [^\\]*", "POT-Creation-Date: 2020-01-01 00:00+0000", dated)
    output.write_text(older, encoding="utf-8")
    again = _extract(plugin_manager, "--output", str(output))
    assert again.exit_code == 0
    assert "is up to date" in again.output and "left unchanged" in again.output
    assert output.read_text(encoding="utf-8") == older


def test_extract_check_fails_on_a_stale_template(plugin_manager, tmp_path: Path) -> None:
    stale = tmp_path / "helplinekit.pot"
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    stale.write_text(text.replace("If you are in immediate danger", "If in danger"), "utf-8")
    result = _extract(plugin_manager, "--check", "--output", str(stale))
    assert result.exit_code == 1
    assert "is out of date with the code; " + HINT in result.output
    assert '+msgid "If you are in immediate danger, call {emergency_numbers}."' in result.output
    assert stale.read_text(encoding="utf-8") == text.replace(
        "If you are in immediate danger", "If in danger"
    )


def test_extract_check_passes_on_the_committed_template(plugin_manager) -> None:
    result = _extract(plugin_manager, "--check")
    assert result.exit_code == 0, result.output
    assert "is up to date." in result.output
