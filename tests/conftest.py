"""Core test configuration.

``helplinekit.testing`` is loaded as a pytest plugin through its entry point, so its
fixtures (``plugin_manager``, ``register_plugin``) are available here exactly as they are to
plugin authors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A deployment folder with a valid helpline.toml, and a private config home for keys."""
    folder = tmp_path / "helpline"
    folder.mkdir()
    (folder / "helpline.toml").write_text(
        """
[helpline]
name = "Test Helpline"
country = "PK"
timezone = "Asia/Karachi"

[languages]
enabled = ["en"]
default = "en"

[channels]
enabled = ["web.form"]

[jurisdiction]
key = "intl.baseline"
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.delenv("HELPLINEKIT_KEK", raising=False)
    monkeypatch.delenv("HELPLINEKIT_INDEX_KEY", raising=False)
    monkeypatch.delenv("HELPLINEKIT_CONFIG", raising=False)
    monkeypatch.delenv("HELPLINEKIT_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("HELPLINEKIT_TRACE_PLUGINS", raising=False)
    return folder
