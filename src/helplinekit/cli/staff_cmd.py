"""``helplinekit staff …``: staff records (roles, specialisms, languages, capacity)."""

from __future__ import annotations

import click

from helplinekit.cli.options import config_option
from helplinekit.domain import Role, Specialism


@click.group()
def staff() -> None:
    """Manage staff records."""


@staff.command()
@click.argument("email")
@click.option(
    "--name", default=None, help="How colleagues see them [default: the email's name part]."
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.option(
    "--specialism",
    "specialisms",
    multiple=True,
    type=click.Choice([s.value for s in Specialism]),
    help="Repeat for several.",
)
@click.option("--language", "languages", multiple=True, help="BCP 47 tag; repeat for several.")
@click.option(
    "--capacity",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Most open cases at once (a wellbeing cap; 0 pauses routing).",
)
@config_option
@click.pass_obj
def add(
    state: object,
    email: str,
    name: str | None,
    roles: tuple[str, ...],
    specialisms: tuple[str, ...],
    languages: tuple[str, ...],
    capacity: int,
    config_path: str | None,
) -> None:
    """Add a staff member (run by the operator on the server)."""
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.domain import Specialist

    with open_helpline(state, config_path) as helpline:
        unknown = [tag for tag in languages if tag not in helpline.config.languages.enabled]
        if unknown:
            raise click.BadParameter(
                f"{unknown[0]!r} is not one of this helpline's languages "
                f"({', '.join(helpline.config.languages.enabled)}).",
                param_hint="--language",
            )
        specialist = Specialist(
            email=email.strip().lower(),
            display_name=name or email.split("@")[0],
            roles=frozenset(Role(r) for r in roles),
            specialisms=frozenset(Specialism(s) for s in specialisms),
            languages=languages or (helpline.config.languages.default,),
            capacity=capacity,
        )
        helpline.save_staff(helpline.system(), specialist)
    click.echo(f"Added {specialist.email} ({', '.join(sorted(roles))}).")


@staff.command("list")
@config_option
@click.pass_obj
def list_(state: object, config_path: str | None) -> None:
    """List staff members."""
    from helplinekit.cli.helpers import open_helpline

    with (
        open_helpline(state, config_path) as helpline,
        helpline.context.database.uow(read_only=True) as uow,
    ):
        people = uow.staff.all()
    if not people:
        click.echo("No staff yet: add the first with 'helplinekit staff add EMAIL --role …'.")
    for person in people:
        state_text = "" if person.active else "  (disabled)"
        click.echo(
            f"{person.email:<32} {','.join(sorted(person.roles)):<24} "
            f"{','.join(sorted(person.specialisms)) or '-':<28} {','.join(person.languages):<8} "
            f"cap {person.capacity}{state_text}"
        )
