"""Fixture plugins for template tests, as standalone files.

Each module here is a complete, conforming plugin written so it can be copied into a
deployment's ``plugins/`` folder (``helplinekit init --plugins-dir``): the generated
project's own tests, running in another process, then see it as the deployment will.
They are for tests only; none describes a real law or a real provider.
"""

from pathlib import Path

FIXTURE_DIR = Path(__file__).parent


def fixture_file(name: str) -> Path:
    """The path of one fixture plugin file, e.g. ``fixture_law_ke.py``."""
    path = FIXTURE_DIR / name
    if not path.exists():
        known = ", ".join(sorted(p.name for p in FIXTURE_DIR.glob("fixture_*.py")))
        raise FileNotFoundError(f"No fixture plugin {name!r}; known: {known}.")
    return path
