"""Opening the helpline and choosing the acting staff member, for commands that need them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.security.policy import Actor

ACTOR_ENV = "HELPLINEKIT_ACTOR"

as_option = click.option(
    "--as",
    "acting_as",
    metavar="EMAIL",
    envvar=ACTOR_ENV,
    default=None,
    help=f"Act as this staff member (or set {ACTOR_ENV}). Case content is shown only to "
    "the staff whose work needs it.",
)


def open_helpline(state: object, config_path: str | None) -> Helpline:
    from helplinekit.api import Helpline

    helpline = state.config(config_path)  # type: ignore[attr-defined]
    return Helpline.open(helpline, pm=state.pm)  # type: ignore[attr-defined]


def acting(helpline: Helpline, email: str | None) -> Actor:
    if not email:
        raise click.UsageError(
            f"Say who you are acting as: --as EMAIL or {ACTOR_ENV}=EMAIL (a staff member "
            "added with 'helplinekit staff add')."
        )
    return helpline.actor(email)
