"""``helplinekit retention run`` and ``helplinekit cases erase``: shredding data on time."""

from __future__ import annotations

import getpass

import click

from helplinekit.cli.helpers import as_option
from helplinekit.cli.options import config_option


@click.group()
def retention() -> None:
    """Apply the retention rules of helpline.toml."""


@retention.command()
@config_option
@click.pass_obj
def run(state: object, config_path: str | None) -> None:
    """Crypto-shred every closed case whose retention has ended (never those on legal hold)."""
    from helplinekit.cli.helpers import open_helpline

    with open_helpline(state, config_path) as helpline:
        helpline.context.os_user = getpass.getuser()
        report = helpline.run_retention()
    click.echo(
        f"Shredded {len(report.shredded)} case(s); erased {report.callers_erased} caller(s) "
        f"with nothing left; kept {report.kept_on_hold} on legal hold."
    )


@click.command()
@click.argument("reference")
@click.option(
    "--whole-survivor",
    is_flag=True,
    help="A survivor's erasure request: every case of the caller behind REFERENCE, and them.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@as_option
@config_option
@click.pass_obj
def erase(
    state: object,
    reference: str,
    whole_survivor: bool,
    yes: bool,
    acting_as: str | None,
    config_path: str | None,
) -> None:
    """Erase a case now (crypto-shred), signed in as a supervisor. Nothing brings it back."""
    from helplinekit.cli.helpers import acting, open_helpline

    what = (
        "every case of this survivor, and the survivor" if whole_survivor else f"case {reference}"
    )
    if not yes:
        typed = click.prompt(f"This erases {what} for good. Type the reference to confirm")
        if typed.strip().upper() != reference.strip().upper():
            raise click.ClickException("The reference did not match; nothing was erased.")
    with open_helpline(state, config_path) as helpline:
        # Erasing is a supervisor's decision, signed in and audited as theirs.
        supervisor = acting(helpline, acting_as)
        report = (
            helpline.erase_caller(supervisor, reference)
            if whole_survivor
            else helpline.erase_case(supervisor, reference)
        )
    click.echo(
        f"Erased {', '.join(report.cases)}"
        + (" and the survivor." if report.caller_erased else ".")
    )
