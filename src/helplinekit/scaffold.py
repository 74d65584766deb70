"""Generate a project from a cookiecutter template into a scratch folder, then move it.

``helplinekit init`` (a deployment) and ``helplinekit new-plugin`` (a plugin package) both
generate this way, so a failure half-way leaves nothing behind, and neither reads the
user's ``~/.cookiecutterrc``: what they generate depends on their answers only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["GenerationFailed", "generate_into"]


class GenerationFailed(Exception):
    """The template could not be generated; nothing was written to the target."""


def generate_into(
    template: Path,
    context: Mapping[str, Any],
    target: Path,
    *,
    scratch_prefix: str,
    finish: Callable[[Path], None] | None = None,
    replace: bool = False,
) -> Path:
    """Generate ``template`` with ``context`` and move the result to ``target``.

    :param scratch_prefix: the name prefix of the scratch folder made beside ``target``.
    :param finish: called with the generated folder before it is moved (to add files, or
        to refuse by raising); an exception leaves the target untouched.
    :param replace: move an existing ``target`` out of the way once the new one is
        complete (the caller has checked it holds no data); otherwise refuse.
    :raises GenerationFailed: saying why, with nothing written to ``target``.
    """
    # cookiecutter ships no type information (no py.typed, no stubs): pyproject's
    # [[tool.mypy.overrides]] lets it in untyped.
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    with tempfile.TemporaryDirectory(prefix=scratch_prefix, dir=target.parent) as tmp:
        scratch = Path(tmp)
        try:
            generated = Path(
                cookiecutter(
                    str(template),
                    no_input=True,
                    extra_context=dict(context),
                    output_dir=str(scratch / "out"),
                    # A dict here means cookiecutter reads no user configuration (neither
                    # ~/.cookiecutterrc nor $COOKIECUTTER_CONFIG, whose default_context
                    # could change what is generated), and its replay and cache folders
                    # stay in the scratch folder instead of the user's home.
                    default_config={
                        "replay_dir": str(scratch / "replay"),
                        "cookiecutters_dir": str(scratch / "cache"),
                    },
                    accept_hooks=True,
                )
            )
        except (CookiecutterException, SystemExit, OSError) as error:
            raise GenerationFailed(str(error)) from None
        if finish is not None:
            finish(generated)
        if target.exists():
            if not replace:
                raise GenerationFailed(f"{target} appeared meanwhile; nothing was changed.")
            target.rename(scratch / "replaced")
        generated.rename(target)
    return target
