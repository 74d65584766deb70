"""Keep the files of the chosen kind of plugin and remove the others.

Each kind's own files wait under ``_kinds/<kind>/``, laid out as they belong in the project.
"""

import json
import shutil
from pathlib import Path

CONTEXT = json.loads(r"""{{ cookiecutter | tojson }}""")
KINDS_FOLDER = Path("_kinds")


def remove_other_kinds(kind: str) -> None:
    for folder in KINDS_FOLDER.iterdir():
        if folder.name != kind:
            shutil.rmtree(folder)


def move_kind_files_into_place(kind: str) -> None:
    source = KINDS_FOLDER / kind
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            path.rename(destination)
    shutil.rmtree(KINDS_FOLDER)


remove_other_kinds(CONTEXT["kind"])
move_kind_files_into_place(CONTEXT["kind"])
