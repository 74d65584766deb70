"""Small finishing steps after generation."""

import json
import os
from pathlib import Path

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")


def remove_law_stub_unless_needed() -> None:
    if not CONTEXT["_law_stub"]:
        Path("plugins/local_law.py").unlink()


def protect_the_folder() -> None:
    # The database will live here: keep it private to the helpline's user.
    os.chmod(".", 0o700)


remove_law_stub_unless_needed()
protect_the_folder()
