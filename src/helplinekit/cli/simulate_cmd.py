"""``helplinekit simulate``: feed one message through the whole pipeline."""

from __future__ import annotations

import secrets

import click

from helplinekit.cli.options import config_option


@click.command()
@click.option("--channel", default="web.form", show_default=True, help="An enabled channel.")
@click.option(
    "--from",
    "sender",
    metavar="URN",
    default=None,
    help="Who sends it, e.g. tel:+923001234567 (default: a new anonymous web-form sender).",
)
@click.argument("text")
@config_option
@click.pass_obj
def simulate(
    state: object, channel: str, sender: str | None, text: str, config_path: str | None
) -> None:
    """Receive TEXT as if a survivor sent it, then triage and route it.

    For demos, training and checks: the message is stored encrypted in the deployment's
    database like any other, so use made-up text.
    """
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.contracts.channel import InboundMessage
    from helplinekit.domain import URN, InvalidURN, parse_urn

    with open_helpline(state, config_path) as helpline:
        if channel not in helpline.context.channels:
            enabled = ", ".join(helpline.context.channels) or "none"
            raise click.BadParameter(
                f"{channel!r} is not enabled in this deployment (enabled: {enabled}).",
                param_hint="--channel",
            )
        try:
            urn = parse_urn(sender) if sender else URN("web", secrets.token_urlsafe(18))
        except InvalidURN as error:
            raise click.BadParameter(str(error), param_hint="--from") from None
        event = InboundMessage(
            channel=channel,
            urn=urn,
            provider_message_id=f"simulated-{secrets.token_hex(8)}",
            body=text,
            new_contact=channel == "web.form",
        )
        result = helpline.receive_message(event)
        if result.case_id is None:
            # Only a duplicate delivery joins no case, and the id above is fresh; say so
            # rather than asking for case None.
            raise click.ClickException(
                "the message was taken as a duplicate and joined no case; run simulate again."
            )
        report = helpline.run_until_idle()
        case = helpline.view_case(helpline.system(), result.case_id)
        taxonomy = helpline.context.registries.build_taxonomy()
    from helplinekit.web import labels

    # Words, not stored values: the console's labels and the categories' titles, in English.
    verb = "Opened" if result.opened_case else "Added to"
    status, risk = labels.STATUS_LABELS[case.status], labels.RISK_LABELS[case.risk_level]
    click.echo(f"{verb} case {case.reference}: {status}, {risk}.")
    if case.needs_manual_triage:
        click.echo(
            "Needs human triage: triage found nothing it could read in this message, so a "
            "person must triage it; it is listed with the high-risk cases until then."
        )
    if case.categories:
        titles = taxonomy.titles_of(case.categories)
        click.echo(f"Categories suggested: {', '.join(titles)}.")
    if case.specialisms_needed:
        needs = [labels.SPECIALISM_LABELS[s] for s in sorted(case.specialisms_needed)]
        click.echo(f"Needs: {', '.join(needs)}.")
    click.echo(f"Assigned staff: {len(case.assignments)}.")
    if report.errors:
        click.echo(
            f"Triage problems (the case is flagged for manual triage): {'; '.join(report.errors)}"
        )
