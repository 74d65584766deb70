"""The generated reference pages match the code they are generated from.

``docs/cli.md`` (every command's ``--help``) and the service table of ``docs/api.md`` are
written by cog from the click commands and ``helplinekit.api.Helpline``; a change to either
without regenerating the pages fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ("docs/cli.md", "docs/api.md", "docs/writing-a-jurisdiction-plugin.md")
REGENERATE = f"cog -r {' '.join(GENERATED)}"


@pytest.mark.parametrize("page", GENERATED)
def test_generated_page_matches_the_code(
    page: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cogapp import Cog  # type: ignore[import-untyped]  # cogapp ships no type hints

    monkeypatch.chdir(ROOT)
    status = Cog().main(["cog", "--check", "--check-fail-msg", f"run: {REGENERATE}", page])
    output = capsys.readouterr()
    assert status == 0, (
        f"{page} no longer matches the code; regenerate it with `{REGENERATE}`.\n"
        f"{output.out}{output.err}"
    )


def test_the_pages_hold_the_generated_reference() -> None:
    """A page whose cog block was deleted would pass the check with nothing generated."""
    cli = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    api = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    assert "## helplinekit staff add\n" in cli and "Usage: helplinekit staff add" in cli
    assert "| `list_cases(" in api and "| `save_staff(actor, specialist)` |" in api
