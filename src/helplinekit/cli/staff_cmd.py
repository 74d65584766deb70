"""``helplinekit staff …``: staff accounts (roles, specialisms, languages, capacity, sign-in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from helplinekit.cli.options import LazyChoice, config_option, enum_values

if TYPE_CHECKING:
    from helplinekit.api import Helpline

password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripts) instead of "
    "asking for it twice.",
)

#: How many times a wrong confirmation code may be entered before giving up.
CONFIRM_ATTEMPTS = 3


@click.group()
def staff() -> None:
    """Manage staff accounts (run by the operator on the server)."""


def _enrol_totp(helpline: Helpline, email: str) -> None:
    """Issue a TOTP secret and recovery codes, show them once, and confirm with a code."""
    from helplinekit.services.auth import EnrolmentCodeRejected

    system = helpline.system()
    enrolment = helpline.begin_totp_enrolment(system, email)
    click.echo(
        "\nTwo-factor sign-in: add this account to an authenticator app (e.g. Aegis, "
        "FreeOTP, Google Authenticator) by turning the URI into a QR code, or by typing the "
        "secret. Shown once only."
    )
    click.echo(f"  Secret: {enrolment.secret}")
    click.echo(f"  URI:    {enrolment.uri}")
    click.echo(
        "\nRecovery codes: each works once instead of a code from the app, if the phone is "
        "lost. Shown once only; give them to the staff member to keep offline."
    )
    for code in enrolment.recovery_codes:
        click.echo(f"  {code}")
    for _ in range(CONFIRM_ATTEMPTS):
        try:
            code = click.prompt("\nTo confirm, enter the 6-digit code the app shows now", err=True)
        except click.exceptions.Abort:
            # Input ended (a script, or Ctrl-D): say how to finish rather than just "Aborted".
            raise click.ClickException(
                f"Two-factor sign-in for {email} was not confirmed, so the account cannot sign "
                f"in yet. Finish with 'helplinekit staff enrol-totp {email}'."
            ) from None
        try:
            helpline.confirm_totp_enrolment(system, email, code)
        except EnrolmentCodeRejected as error:
            click.echo(f"Error: {error}", err=True)
            continue
        click.echo("Two-factor sign-in is confirmed.")
        return
    raise click.ClickException(
        f"Two-factor sign-in for {email} is not confirmed, so the account cannot sign in yet. "
        f"Start again with 'helplinekit staff enrol-totp {email}'."
    )


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
    type=LazyChoice(enum_values("helplinekit.domain", "Role"), case_sensitive=True),
    help="Repeat for several roles.",
)
@click.option(
    "--specialism",
    "specialisms",
    multiple=True,
    type=LazyChoice(enum_values("helplinekit.domain", "Specialism"), case_sensitive=True),
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
@click.option(
    "--totp-at-first-sign-in",
    is_flag=True,
    help="Skip the authenticator here: the staff member sets it up at their first sign-in "
    "to the web console, within 7 days (with their password; no case opens until it is "
    "confirmed). Hand the password over in person.",
)
@password_stdin_option
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
    totp_at_first_sign_in: bool,
    password_stdin: bool,
    config_path: str | None,
) -> None:
    """Add a staff member: their record, a password and two-factor sign-in.

    Asks for the password twice (hidden), then shows an authenticator secret, its
    otpauth:// URI and ten recovery codes once, and asks for a current code to confirm.
    With --totp-at-first-sign-in the staff member does that step themselves, at their first
    sign-in to the web console.
    """
    from helplinekit.cli.helpers import open_helpline, prompt_new_password
    from helplinekit.deployment import normalised_languages
    from helplinekit.domain import DomainError, Role, Specialism, Specialist
    from helplinekit.services.casework import refuse_role_pairs

    languages = normalised_languages(languages)  # "UR" is "ur"
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
        with helpline.context.database.uow(read_only=True) as uow:
            if uow.staff.by_email(specialist.email) is not None:
                raise DomainError(
                    f"A staff member with the email {specialist.email!r} already exists."
                )
        # Refused before anyone types a password for an account that will not be made.
        refuse_role_pairs(helpline.context, specialist.roles)
        password = prompt_new_password(specialist.email, password_stdin)
        system = helpline.system()
        helpline.save_staff(system, specialist)
        helpline.set_password(system, specialist.email, password)
        click.echo(f"Added {specialist.email} ({', '.join(sorted(roles))}).")
        if totp_at_first_sign_in:
            from helplinekit.services.auth import allow_first_sign_in

            until = allow_first_sign_in(helpline.context, system, specialist.email)
            click.echo(
                "They set up their authenticator app at their first sign-in to the console "
                f"(/staff/login, leaving the code empty), before {until:%Y-%m-%d %H:%M} UTC."
            )
            return
        _enrol_totp(helpline, specialist.email)


@staff.command("list")
@config_option
@click.pass_obj
def list_(state: object, config_path: str | None) -> None:
    """List staff members, with whether their two-factor sign-in is set up."""
    from helplinekit.cli.helpers import open_helpline

    with (
        open_helpline(state, config_path) as helpline,
        helpline.context.database.uow(read_only=True) as uow,
    ):
        people = uow.staff.all()
        logins = uow.staff.login_states()
    if not people:
        click.echo("No staff yet: add the first with 'helplinekit staff add EMAIL --role …'.")
    for person in people:
        login = logins.get(person.id)
        two_factor = {"enrolled": "2FA on", "pending": "2FA pending"}.get(
            login.totp if login else "none", "no 2FA"
        )
        notes = []
        if login is not None and not login.has_password:
            notes.append("no password")
        if login is not None and login.totp == "enrolled" and login.recovery_codes_left < 3:
            notes.append(f"{login.recovery_codes_left} recovery codes left")
        if not person.active:
            notes.append("disabled")
        state_text = f"  ({'; '.join(notes)})" if notes else ""
        click.echo(
            f"{person.email:<32} {','.join(sorted(person.roles)):<24} "
            f"{','.join(sorted(person.specialisms)) or '-':<28} {','.join(person.languages):<8} "
            f"cap {person.capacity:<4} {two_factor}{state_text}"
        )


@staff.command()
@click.argument("email")
@config_option
@click.pass_obj
def disable(state: object, email: str, config_path: str | None) -> None:
    """Disable an account: it can no longer sign in, see cases or be given work."""
    from helplinekit.cli.helpers import open_helpline

    with open_helpline(state, config_path) as helpline:
        person = helpline.disable_staff(helpline.system(), email)
    click.echo(
        f"Disabled {person.email}. Reassign their open cases ('helplinekit cases list' as a "
        "supervisor shows them); 'helplinekit staff enable' undoes this."
    )


@staff.command()
@click.argument("email")
@config_option
@click.pass_obj
def enable(state: object, email: str, config_path: str | None) -> None:
    """Enable a disabled account again."""
    from helplinekit.cli.helpers import open_helpline

    with open_helpline(state, config_path) as helpline:
        person = helpline.enable_staff(helpline.system(), email)
    click.echo(f"Enabled {person.email}.")


@staff.command()
@click.argument("email")
@click.option(
    "--add",
    "added",
    multiple=True,
    type=LazyChoice(enum_values("helplinekit.domain", "Role"), case_sensitive=True),
    help="A role to give; repeat for several.",
)
@click.option(
    "--remove",
    "removed",
    multiple=True,
    type=LazyChoice(enum_values("helplinekit.domain", "Role"), case_sensitive=True),
    help="A role to take away; repeat for several.",
)
@config_option
@click.pass_obj
def roles(
    state: object,
    email: str,
    added: tuple[str, ...],
    removed: tuple[str, ...],
    config_path: str | None,
) -> None:
    """Give a staff member roles or take them away (audited as the operator).

    Only the operator changes roles, here on the server: no staff account can change its
    own or anyone else's, admins included. The account is signed out everywhere, so its
    next sign-in starts with the new roles.
    """
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.domain import Role

    if not added and not removed:
        raise click.UsageError("Name a role to give (--add ROLE) or take away (--remove ROLE).")
    with open_helpline(state, config_path) as helpline:
        with helpline.context.database.uow(read_only=True) as uow:
            person = uow.staff.by_email(email.strip().lower())
        old_roles = person.roles if person is not None else frozenset()
        changed = helpline.change_roles(
            helpline.system(),
            email,
            add=[Role(name) for name in added],
            remove=[Role(name) for name in removed],
        )
    if changed.roles == old_roles:
        click.echo(f"{changed.email} already has those roles: {', '.join(sorted(changed.roles))}.")
        return
    click.echo(
        f"{changed.email} now has the roles {', '.join(sorted(changed.roles))}; they were "
        "signed out and sign in again to use them."
    )


@staff.command("set-password")
@click.argument("email")
@password_stdin_option
@config_option
@click.pass_obj
def set_password(state: object, email: str, password_stdin: bool, config_path: str | None) -> None:
    """Set a new password for a staff member (a forgotten one cannot be shown)."""
    from helplinekit.cli.helpers import open_helpline, prompt_new_password
    from helplinekit.domain import DomainError

    with open_helpline(state, config_path) as helpline:
        # Checked first, so nobody types a password for an account that is not there.
        with helpline.context.database.uow(read_only=True) as uow:
            if uow.staff.by_email(email) is None:
                raise DomainError(
                    f"No staff member has the email {email!r}; add them with "
                    "'helplinekit staff add'."
                )
        password = prompt_new_password(email.strip().lower(), password_stdin)
        helpline.set_password(helpline.system(), email, password)
    click.echo(f"Set a new password for {email.strip().lower()}.")


@staff.command("enrol-totp")
@click.argument("email")
@config_option
@click.pass_obj
def enrol_totp(state: object, email: str, config_path: str | None) -> None:
    """Issue a new authenticator secret and recovery codes (e.g. after a lost phone).

    The old secret and recovery codes stop working at once.
    """
    from helplinekit.cli.helpers import open_helpline

    with open_helpline(state, config_path) as helpline:
        _enrol_totp(helpline, email.strip().lower())
