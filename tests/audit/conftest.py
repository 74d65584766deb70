"""Shared set-up for the audit tests: staff, a realistic workload, reading the log back."""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.domain import (
    ContactKind,
    NoteSection,
    Role,
    Specialism,
    parse_urn,
)
from helplinekit.domain.filters import CaseFilters
from helplinekit.security.audit import AuditEntry
from helplinekit.security.policy import AccessDenied, Actor
from helplinekit.testing import make_staff_member


def read_log(helpline) -> tuple[list[AuditEntry], tuple[int, str]]:
    """Every stored entry and the head row, read through the repository."""
    with helpline.context.database.uow(read_only=True) as uow:
        return list(uow.audit.entries()), uow.audit.head()


@dataclass
class Workload:
    """What :func:`run_workload` did: the actors and the cases."""

    intake: Actor
    lawyer: Actor
    supervisor: Actor
    outsider: Actor
    cases: list = field(default_factory=list)
    assigned: set = field(default_factory=set)


def run_workload(helpline, operations: int = 200, seed: int = 20260401) -> Workload:
    """Real casework through the services until the log holds ``operations`` entries.

    A mix of writes (staff, cases, contacts, notes, assignments, status changes) and reads
    (views, timelines, notes, filtered and unfiltered lists), with denied accesses among
    them, by several staff members and the system: every entry kind the tampering tests
    may meet.
    """
    rng = random.Random(seed)
    work = Workload(
        intake=make_staff_member(helpline, "intake@h.org", Role.INTAKE, capacity=50).actor,
        lawyer=make_staff_member(
            helpline, "lawyer@h.org", Role.LAWYER, specialisms={Specialism.LEGAL}, capacity=50
        ).actor,
        supervisor=make_staff_member(helpline, "sup@h.org", Role.SUPERVISOR, capacity=50).actor,
        outsider=make_staff_member(
            helpline,
            "ds@h.org",
            Role.DIGITAL_SECURITY,
            specialisms={Specialism.DIGITAL_SECURITY},
            capacity=50,
        ).actor,
    )

    def open_case() -> None:
        number = f"tel:+92300{rng.randrange(10**7):07d}"
        case = helpline.open_case_from_contact(
            work.lawyer,
            summary=f"Caller reports harassment #{len(work.cases)}",
            contact_point=parse_urn(number),
            consent_services=True,
        )
        work.cases.append(case)

    def some_case():
        return rng.choice(work.cases)

    def assign() -> None:
        # Each case is assigned for legal work once (a second time is refused, unaudited).
        free = [case for case in work.cases if case.id not in work.assigned]
        if not free:
            open_case()
            return
        case = rng.choice(free)
        helpline.assign(work.supervisor, case.id, work.lawyer.id, Specialism.LEGAL)
        work.assigned.add(case.id)

    def denied() -> None:
        try:
            helpline.view_case(work.outsider, some_case().id)
        except AccessDenied:
            return
        raise AssertionError("the outsider should have been refused")

    operations_table: list[tuple[int, Callable[[], object]]] = [
        (3, open_case),
        (
            2,
            lambda: helpline.record_contact(
                work.lawyer, some_case().id, summary="Follow-up call", kind=ContactKind.CALL
            ),
        ),
        (
            2,
            lambda: helpline.add_note(
                work.lawyer, some_case().id, NoteSection.LEGAL, "Advised on the takedown route"
            ),
        ),
        (3, lambda: helpline.view_case(work.supervisor, some_case().id)),
        (2, lambda: helpline.read_timeline(work.lawyer, some_case().id)),
        (2, lambda: helpline.read_notes(work.lawyer, some_case().id)),
        (2, lambda: helpline.list_cases(work.supervisor)),
        (1, lambda: helpline.list_cases(work.lawyer, CaseFilters(language="en"))),
        (1, assign),
        (1, denied),
    ]
    weighted = [operation for weight, operation in operations_table for _ in range(weight)]
    open_case()
    while True:
        with helpline.context.database.uow(read_only=True) as uow:
            seq, _ = uow.audit.head()
        if seq >= operations:
            break
        rng.choice(weighted)()
    return work


@pytest.fixture
def audit_key_env(keys_env, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """An audit key beside the test's environment keys, as a new deployment has one."""
    key = secrets.token_bytes(32)
    monkeypatch.setenv("HELPLINEKIT_AUDIT_KEY", base64.b64encode(key).decode())
    return key


@pytest.fixture(params=["hash-chained", "keyed"])
def chain_key(request: pytest.FixtureRequest) -> bytes | None:
    """None for a deployment without an audit key (as before), then an audit key."""
    if request.param == "keyed":
        return request.getfixturevalue("audit_key_env")
    return None


@pytest.fixture
def cli(plugin_manager, deployment: Path, database_url: str):
    """``cli(*args, expect=0)`` runs ``helplinekit`` on the test deployment and database."""
    from helplinekit.cli import build_cli

    config = deployment / "helpline.toml"
    config.write_text(config.read_text() + f'\n[database]\nurl = "{database_url}"\n')
    runner = CliRunner()

    def run(*args: str, expect: int = 0, config_path: Path = config) -> str:
        result = runner.invoke(build_cli(plugin_manager), [*args, "--config", str(config_path)])
        assert result.exit_code == expect, result.output
        assert "Traceback" not in result.output
        return result.output

    run("db", "upgrade")
    run("keys", "init")
    run.config = config  # type: ignore[attr-defined]
    run.pm = plugin_manager  # type: ignore[attr-defined]
    return run
