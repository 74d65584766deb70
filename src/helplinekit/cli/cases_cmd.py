"""``helplinekit cases …``: list and show cases, signed in as a named staff member.

``--as EMAIL`` asks for that account's password and a code from its authenticator app
(:func:`helplinekit.cli.helpers.acting`); the sign-in and every read after it are audited
with the staff account and the operating-system user.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import click

from helplinekit.cli.helpers import as_option
from helplinekit.cli.options import LazyChoice, config_option, enum_values, json_option

if TYPE_CHECKING:
    from helplinekit.domain import CaseAttributes


@click.group()
def cases() -> None:
    """Work with cases, signed in as a staff member (what you see depends on who that is)."""


_STATUSES = LazyChoice(enum_values("helplinekit.domain", "CaseStatus"))
_RISKS = LazyChoice(enum_values("helplinekit.domain", "RiskLevel"))


class _CaseRow(TypedDict):
    """One line of ``cases list`` (and one object of its JSON)."""

    reference: str
    status: str
    risk: str
    categories: list[str]
    assigned: int
    opened: str
    manual_triage: bool


@cases.command("list")
@click.option("--status", "statuses", multiple=True, type=_STATUSES, help="Only these statuses.")
@click.option("--risk", "risks", multiple=True, type=_RISKS, help="Only these risk levels.")
@click.option("--mine", is_flag=True, help="Only cases assigned to me.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@as_option
@json_option
@config_option
@click.pass_obj
def list_(
    state: object,
    statuses: tuple[str, ...],
    risks: tuple[str, ...],
    mine: bool,
    limit: int,
    offset: int,
    acting_as: str | None,
    as_json: bool,
    config_path: str | None,
) -> None:
    """List the cases you may see, high risk first."""
    import json

    from helplinekit.cli.helpers import acting, open_helpline
    from helplinekit.domain import CaseStatus, RiskLevel
    from helplinekit.domain.filters import CaseFilters

    with open_helpline(state, config_path) as helpline:
        actor = acting(helpline, acting_as)
        filters = CaseFilters(
            statuses=frozenset(CaseStatus(s.lower()) for s in statuses),
            risk_levels=frozenset(RiskLevel(r.lower()) for r in risks),
            assigned_to=actor.id if mine else None,
        )
        page = helpline.list_cases(actor, filters, limit=limit, offset=offset)
        taxonomy = helpline.context.registries.build_taxonomy()
    rows: list[_CaseRow] = [
        {
            "reference": case.reference,
            "status": case.status.value,
            "risk": case.risk_level.value,
            "categories": list(case.categories),
            "assigned": len(case.assignments),
            "opened": case.opened_at.strftime("%Y-%m-%d %H:%M"),
            "manual_triage": case.needs_manual_triage,
        }
        for case in page.cases
    ]
    if as_json:
        click.echo(json.dumps({"total": page.total, "cases": rows}, indent=2))
        return
    if not rows:
        click.echo("No cases to show.")
        return
    from helplinekit.web import labels

    click.echo(
        f"{'REFERENCE':<16} {'STATUS':<24} {'RISK':<18} {'ASSIGNED':<8} OPENED            "
        "CATEGORIES"
    )
    for case, row in zip(page.cases, rows, strict=True):
        # Words, not stored values (``--json`` keeps the values for scripts).
        status = labels.STATUS_LABELS[case.status]
        risk = labels.RISK_LABELS[case.risk_level]
        flag = " (needs triage by a person)" if row["manual_triage"] else ""
        click.echo(
            f"{row['reference']:<16} {status:<24} {risk:<18} {row['assigned']:<8} "
            f"{row['opened']:<17} {', '.join(taxonomy.titles_of(row['categories'])) or '-'}{flag}"
        )
    shown = f"{offset + 1}–{offset + len(rows)}"
    click.echo(f"\n{shown} of {page.total} case(s).")


@cases.command()
@click.argument("reference")
@as_option
@config_option
@click.pass_obj
def show(state: object, reference: str, acting_as: str | None, config_path: str | None) -> None:
    """Show one case: what you may see of its timeline, notes and tasks."""
    from helplinekit.cli.helpers import acting, open_helpline
    from helplinekit.errors import AccessDenied
    from helplinekit.security.policy import Action
    from helplinekit.services.sessions import staff_names
    from helplinekit.web import labels

    with open_helpline(state, config_path) as helpline:
        actor = acting(helpline, acting_as)
        case = helpline.view_case(actor, reference)
        # Staff by name, as the console shows them (staff are not survivors; ids mean nothing).
        names = staff_names(helpline.context)
        taxonomy = helpline.context.registries.build_taxonomy()
        policy = helpline.context.policy

        def allowed(action: Action) -> bool:
            return policy.allows(
                actor, action, status=case.status, assignments=case.assignments, case_id=case.id
            )

        timeline = (
            helpline.read_timeline(actor, case.id) if allowed(Action.CASE_READ_MESSAGES) else None
        )
        notes = helpline.read_notes(actor, case.id) if allowed(Action.NOTE_READ) else None
        try:
            tasks = helpline.list_tasks(actor, case.id)
        except AccessDenied:
            tasks = None
    # Words, not stored values: the console's labels, in English (the CLI's language).
    status, risk = labels.STATUS_LABELS[case.status], labels.RISK_LABELS[case.risk_level]
    click.echo(f"Case {case.reference}  [{status}]  {risk}")
    click.echo(
        f"  opened {case.opened_at:%Y-%m-%d %H:%M} UTC; language {case.language or '-'}; "
        f"jurisdiction {case.jurisdiction or '-'}"
    )
    # Titles, not codes: a person reads this (``cases list --json`` keeps the codes).
    click.echo(f"  categories: {', '.join(taxonomy.titles_of(case.categories)) or '-'}")
    needs = [labels.SPECIALISM_LABELS[s] for s in sorted(case.specialisms_needed)]
    click.echo(f"  needs: {', '.join(needs) or '-'}")
    for assignment in case.assignments:
        specialism = assignment.specialism
        what = labels.SPECIALISM_LABELS[specialism] if specialism else "owner"
        click.echo(f"  assigned: {_name(names, assignment.specialist_id)} ({what})")
    if case.needs_manual_triage:
        click.echo("  ! needs manual triage")
    if timeline is not None:  # the facts are content: shown to whom the console shows them
        _echo_victim_facts(case.attributes)
    if timeline is None:
        click.echo("\nTimeline: not shown (your role does not read this case's messages).")
    else:
        click.echo("\nTimeline:")
        for entry in timeline:
            contact = entry.contact
            first = "first contact" if contact.is_first_contact else "follow-up"
            click.echo(
                f"  — {labels.CONTACT_LABELS[contact.kind]} on {contact.channel}, {first}, "
                f"{contact.started_at:%Y-%m-%d %H:%M}"
            )
            if contact.summary:
                click.echo(f"    summary: {contact.summary}")
            for message, delivery in entry.messages:
                arrow = "<" if message.direction.value == "inbound" else ">"
                sent = labels.DELIVERY_LABELS.get(delivery, delivery) if delivery else ""
                status = f" [{sent}]" if sent else ""
                author = f" ({_name(names, message.author_id)})" if message.author_id else ""
                click.echo(f"    {arrow} {message.created_at:%H:%M}{author} {message.body}{status}")
    if notes is not None:
        click.echo(
            "\nNotes (the sections your work needs):" if notes else "\nNotes: none you may read."
        )
        for note in notes:
            click.echo(
                f"  [{labels.SECTION_LABELS[note.section]}] {note.created_at:%Y-%m-%d} "
                f"{_name(names, note.author_id)}: {note.body}"
            )
    if tasks:
        click.echo("\nTasks:")
        for task in tasks:
            done = "done" if task.is_completed else f"due {task.due_at:%Y-%m-%d %H:%M}"
            click.echo(f"  [{labels.TASK_LABELS[task.kind]}] {task.title} ({done})")


def _echo_victim_facts(at: CaseAttributes) -> None:
    """The facts the legal options depend on, in words ("not recorded" when unknown)."""
    from helplinekit.web import labels

    def said(value: object, words: Mapping[Any, str]) -> str:
        return words[value] if value is not None else "not recorded"

    yes_no = {True: "yes", False: "no"}
    if at.victim_age is not None:
        age = f"{at.victim_age} years"
    else:
        age = said(at.victim_age_band, labels.AGE_BAND_LABELS)
    click.echo(f"  victim: {said(at.victim, labels.VICTIM_LABELS)}")
    click.echo(f"  victim's gender: {said(at.victim_gender, labels.GENDER_LABELS)}")
    click.echo(f"  victim's age: {age}")
    click.echo(f"  victim is a minor: {said(at.victim_is_minor, yes_no)}")
    click.echo(f"  offender's gender: {said(at.offender_gender, labels.GENDER_LABELS)}")
    incident = at.incident_date.isoformat() if at.incident_date else "not recorded"
    click.echo(f"  incident date: {incident}")


def _name(names: Mapping[uuid.UUID, str], staff_id: uuid.UUID) -> str:
    """A staff member's display name; "?" for an account that is gone (as the console shows)."""
    return names.get(staff_id, "?")


@cases.command()
@click.argument("reference")
@as_option
@config_option
@click.pass_obj
def legal(state: object, reference: str, acting_as: str | None, config_path: str | None) -> None:
    """Print the legal options for a case (printable; with the disclaimer and review date)."""
    from helplinekit.cli.helpers import acting, open_helpline

    with open_helpline(state, config_path) as helpline:
        actor = acting(helpline, acting_as)
        options = helpline.legal_options(actor, reference)
        taxonomy = helpline.context.registries.build_taxonomy()
    jurisdiction = options.jurisdiction
    reviewed = jurisdiction.reviewed_on.isoformat() if jurisdiction.reviewed_on else "not reviewed"
    click.echo(f"Legal options for case {options.case_reference} — {jurisdiction.name}")
    click.echo(f"(law plugin {jurisdiction.key}; reviewed: {reviewed})")
    click.echo(f"\n{options.disclaimer}\n")
    if options.provisions:
        click.echo("Provisions:")
    for item in options.provisions:
        provision = item.provision
        marks = []
        if item.contested:
            marks.append("CONTESTED")
        if not item.verified:
            marks.append("UNVERIFIED")
        label = f" [{', '.join(marks)}]" if marks else ""
        click.echo(f"  • {provision.citation} — {provision.title}{label}")
        click.echo(f"    {provision.summary}")
        if provision.penalty:
            click.echo(f"    Penalty: {provision.penalty}")
        if item.applies_if:
            click.echo(f"    Applies if: {'; '.join(item.applies_if)}")
        if item.contested and provision.flag_note:
            click.echo(f"    Note: {provision.flag_note}")
        click.echo(
            f"    For: {', '.join(taxonomy.titles_of(item.categories))}. "
            f"Source: {provision.fact.source_url}"
        )
    for code, note in options.no_specific:
        click.echo(f"  • {taxonomy.title_of(code)}: no specific provision. {note}")
    if options.unmapped:
        unmapped = ", ".join(taxonomy.titles_of(options.unmapped))
        click.echo(f"  ! Not covered by this law plugin: {unmapped}")
    if options.authorities:
        click.echo("\nWhere to report:")
    for authority in options.authorities:
        verified = "" if authority.fact.is_verified else " [UNVERIFIED]"
        contact = ", ".join(x for x in (authority.phone, authority.url) if x)
        click.echo(f"  • {authority.name}{verified}: {authority.how_to_report} {contact}".rstrip())
    if options.removal_routes:
        click.echo("\nGetting content removed:")
    for route in options.removal_routes:
        verified = "" if route.fact.is_verified else " [UNVERIFIED]"
        click.echo(f"  • {route.title}{verified}: {route.steps}")
    if options.evidence_guidance:
        click.echo("\nEvidence to keep first:")
        for number, step in enumerate(options.evidence_guidance, start=1):
            click.echo(f"  {number}. {step}")
    for limit in options.time_limits:
        verified = "" if limit.fact.is_verified else " [UNVERIFIED]"
        click.echo(f"\nTime limit{verified}: {limit.description}")
    if options.complaint_draft:
        click.echo(f"\nComplaint draft ({options.complaint_language}):\n")
        click.echo(options.complaint_draft)
