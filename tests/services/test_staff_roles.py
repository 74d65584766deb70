"""Roles: who may hold which, who changes them, and that nobody widens their own access.

Each test reproduces a finding of the access-control review as it was found, and shows it
now fails safe.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli
from helplinekit.domain import (
    CaseStatus,
    DomainError,
    Note,
    NoteSection,
    Role,
    Specialism,
    Specialist,
)
from helplinekit.security.policy import AccessDenied, Actor

pytestmark = pytest.mark.database


def account(helpline, label: str, roles: set[Role], specialisms: set[Specialism] = frozenset()):
    """An account stored as it stands (an old account may hold a pair refused today)."""
    record = Specialist(
        email=f"{label}@helpline.test",
        display_name=label,
        roles=roles,
        specialisms=specialisms,
        languages=("en",),
        capacity=50,
    )
    with helpline.context.database.uow() as uow:
        uow.staff.save(record)
        uow.commit()
    return Actor(record)


def audited(helpline, action: str) -> list:
    with helpline.context.database.uow(read_only=True) as uow:
        return [entry for entry in uow.audit.entries() if entry.action == action]


def add_notes(helpline, case_id) -> None:
    """A note in every section, written straight to storage (as the policy matrix does)."""
    author = account(helpline, f"author-{case_id.hex[:8]}", {Role.LAWYER}, {Specialism.LEGAL})
    with helpline.context.database.uow() as uow:
        for section in NoteSection:
            uow.notes.add(
                Note(case_id=case_id, section=section, author_id=author.id, body=f"{section} note")
            )
        uow.commit()


def web_case(helpline, status: CaseStatus = CaseStatus.NEW):
    """A case from a call, with a note in every section, walked to ``status``."""
    system = helpline.system()
    case = helpline.open_case_from_contact(system, summary="a call")
    add_notes(helpline, case.id)
    if status is not CaseStatus.NEW:
        helpline.triage_case(system, case.id)
        if status is CaseStatus.IN_PROGRESS:
            helpline.change_status(system, case.id, CaseStatus.IN_PROGRESS)
    return case


def test_intake_plus_lawyer_reads_legal_notes_only_as_the_lawyer(helpline) -> None:
    both = account(helpline, "both", {Role.INTAKE, Role.LAWYER}, {Specialism.LEGAL})
    system = helpline.system()
    case = helpline.open_case_from_contact(system, summary="a call")
    add_notes(helpline, case.id)

    # As found: the case waits in the intake queue, so the intake role opens it, and the
    # lawyer role lent its legal section. Now only the intake agent's sections are read.
    sections = {note.section for note in helpline.read_notes(both, case.id)}
    assert sections == {NoteSection.GENERAL}
    with pytest.raises(AccessDenied):
        helpline.add_note(both, case.id, NoteSection.LEGAL, "written through the wrong role")
    page = helpline.open_case_page(both, case.id)
    assert {note.section for note in page.notes} == {NoteSection.GENERAL}
    assert page.writable_sections == {NoteSection.GENERAL}

    # Assigned as the case's lawyer (by a supervisor), the legal notes open.
    helpline.assign(system, case.id, both.id, Specialism.LEGAL)
    sections = {note.section for note in helpline.read_notes(both, case.id)}
    assert sections == {NoteSection.GENERAL, NoteSection.LEGAL}


def test_supervisor_plus_lawyer_cannot_assign_themselves(helpline) -> None:
    pair = account(helpline, "suplaw", {Role.SUPERVISOR, Role.LAWYER}, {Specialism.LEGAL})
    case = web_case(helpline, CaseStatus.IN_PROGRESS)
    # As found: the supervisor role may assign anyone, so the account assigned itself as the
    # lawyer and read the legal notes of any case it chose.
    with pytest.raises(AccessDenied, match="ask a supervisor to assign you") as caught:
        helpline.assign(pair, case.id, pair.id, Specialism.LEGAL)
    assert "widen your own access" in caught.value.why  # the detail, kept for the log
    with pytest.raises(AccessDenied):
        helpline.read_notes(pair, case.id)
    assert pair.id not in helpline.view_case(helpline.system(), case.id).assignee_ids
    refused = [
        e
        for e in audited(helpline, "access.denied")
        if e.details["attempted"] == "case.assign_self"
    ]
    assert len(refused) == 1 and refused[0].details["specialism"] == "legal"


def test_taking_an_intake_case_is_ordinary_and_opens_only_intake_sections(helpline) -> None:
    both = account(helpline, "takes", {Role.INTAKE, Role.LAWYER}, {Specialism.LEGAL})
    case = web_case(helpline, CaseStatus.NEW)
    taken = helpline.assign(both, case.id, both.id)  # from the intake queue, as intake
    assert both.id in taken.assignee_ids
    assert {n.section for n in helpline.read_notes(both, case.id)} == {NoteSection.GENERAL}
    # Taking it with another specialism would be a lawyer's access: break the glass.
    with pytest.raises(AccessDenied, match="break the glass"):
        helpline.assign(both, case.id, both.id, Specialism.LEGAL)
    # Once the case leaves intake, a case the agent took themselves is no longer theirs.
    helpline.triage_case(helpline.system(), case.id)
    helpline.change_status(helpline.system(), case.id, CaseStatus.IN_PROGRESS)
    with pytest.raises(AccessDenied):
        helpline.read_notes(both, case.id)
    # (A case someone else assigned them stays theirs: the policy matrix's "int+" column.)


def test_a_supervisor_cannot_review_their_own_break_the_glass(helpline) -> None:
    pair = account(helpline, "suplaw2", {Role.SUPERVISOR, Role.LAWYER}, {Specialism.LEGAL})
    other = account(helpline, "other-sup", {Role.SUPERVISOR})
    case = web_case(helpline, CaseStatus.IN_PROGRESS)
    grant = helpline.break_glass(pair, case.id, "survivor in danger, her lawyer is away")
    with pytest.raises(AccessDenied, match="never access they used themselves") as caught:
        helpline.review_break_glass(pair, grant.id)
    assert "another supervisor reviews it" in caught.value.why
    assert [g.id for g in helpline.list_break_glass(other)] == [grant.id]  # still unreviewed
    helpline.review_break_glass(other, grant.id)
    assert helpline.list_break_glass(other) == []


def test_an_admin_cannot_gain_a_content_role(helpline) -> None:
    admin = account(helpline, "admin", {Role.ADMIN})
    # As found: save_staff let an admin rewrite any record, their own roles included.
    me = helpline.context.database
    with me.uow(read_only=True) as uow:
        record = uow.staff.get(admin.id)
    import attrs

    for roles in ({Role.ADMIN, Role.LAWYER}, {Role.INTAKE}):
        with pytest.raises(AccessDenied, match="helplinekit staff roles"):
            helpline.save_staff(admin, attrs.evolve(record, roles=roles))
    # Nor a new account to sign in with, nor a colleague's password.
    with pytest.raises(AccessDenied, match="staff add"):
        helpline.save_staff(
            admin,
            Specialist(
                email="sock@helpline.test",
                display_name="sock",
                roles={Role.INTAKE},
                capacity=5,
            ),
        )
    lawyer = account(helpline, "lawyer", {Role.LAWYER}, {Specialism.LEGAL})
    with pytest.raises(AccessDenied, match="operator"):
        helpline.set_password(admin, lawyer.staff.email, "a new passphrase for me")
    with pytest.raises(AccessDenied):
        helpline.change_roles(admin, admin.staff.email, add=[Role.LAWYER])
    # What an admin may change: the rest of a record.
    updated = helpline.save_staff(admin, attrs.evolve(record, capacity=3))
    assert updated.capacity == 3
    with me.uow(read_only=True) as uow:
        assert uow.staff.get(admin.id).roles == {Role.ADMIN}
        assert uow.staff.by_email("sock@helpline.test") is None

    # And no path to case content: services, the case page, lists.
    case = web_case(helpline, CaseStatus.IN_PROGRESS)
    for call in (
        lambda: helpline.view_case(admin, case.id),
        lambda: helpline.open_case_page(admin, case.id),
        lambda: helpline.read_timeline(admin, case.id),
        lambda: helpline.read_notes(admin, case.id),
        lambda: helpline.list_tasks(admin, case.id),
        lambda: helpline.legal_options(admin, case.id),
        lambda: helpline.break_glass(admin, case.id, "I want to read this case please"),
        lambda: helpline.assign(admin, case.id, admin.id),
    ):
        with pytest.raises(AccessDenied):
            call()
    assert helpline.list_cases(admin).total == 0


def test_change_roles_is_the_operators_and_ends_sessions(helpline) -> None:
    person = account(helpline, "growing", {Role.INTAKE})
    with pytest.raises(AccessDenied):
        helpline.change_roles(person, person.staff.email, add=[Role.LAWYER])
    changed = helpline.change_roles(
        helpline.system(), person.staff.email, add=[Role.COUNSELLOR], remove=[Role.INTAKE]
    )
    assert changed.roles == {Role.COUNSELLOR}
    entry = audited(helpline, "staff.roles")[-1]
    assert entry.actor_kind == "system"
    assert entry.details == {
        "added": ["counsellor"],
        "removed": ["intake"],
        "roles": ["counsellor"],
    }
    with pytest.raises(DomainError, match="no role"):
        helpline.change_roles(helpline.system(), person.staff.email, remove=[Role.COUNSELLOR])
    with pytest.raises(DomainError, match=r'allow_role_pairs = \["supervisor\+counsellor"\]'):
        helpline.change_roles(helpline.system(), person.staff.email, add=[Role.SUPERVISOR])


# -- the operator's command line ----------------------------------------------------------


def cli(plugin_manager, *args: str, input: str | None = None):
    return CliRunner().invoke(build_cli(plugin_manager), list(args), input=input)


def test_staff_add_refuses_supervisor_with_a_content_role(
    plugin_manager, deployment: Path, keys_env
) -> None:
    config = str(deployment / "helpline.toml")
    result = cli(
        plugin_manager,
        "staff", "add", "boss@helpline.test", "--role", "supervisor", "--role", "lawyer",
        "--specialism", "legal", "--password-stdin", "--totp-at-first-sign-in",
        "--config", config,
        input="a long enough passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "may not be both supervisor and lawyer" in result.output
    assert '[policy] allow_role_pairs = ["supervisor+lawyer"]' in result.output
    assert "Traceback" not in result.output

    # A deployment that opts in, by naming the pair, may.
    toml = deployment / "helpline.toml"
    toml.write_text(toml.read_text() + '\n[policy]\nallow_role_pairs = ["supervisor+lawyer"]\n')
    result = cli(
        plugin_manager,
        "staff", "add", "boss@helpline.test", "--role", "supervisor", "--role", "lawyer",
        "--specialism", "legal", "--password-stdin", "--totp-at-first-sign-in",
        "--config", config,
        input="a long enough passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ('"lawyer+counsellor"', "is not a refused pair"),
        ('"supervisor+janitor"', "unknown role"),
        ('"supervisor"', "is not a pair of roles"),
    ],
)
def test_allow_role_pairs_only_names_refused_pairs(
    plugin_manager, deployment: Path, keys_env, entry: str, says: str
) -> None:
    toml = deployment / "helpline.toml"
    toml.write_text(toml.read_text() + f"\n[policy]\nallow_role_pairs = [{entry}]\n")
    result = cli(plugin_manager, "staff", "list", "--config", str(toml))
    assert result.exit_code != 0
    assert says in result.output and "[policy]" in result.output


def test_staff_roles_and_config_check(plugin_manager, deployment: Path, keys_env) -> None:
    config = str(deployment / "helpline.toml")
    from helplinekit.api import Helpline

    with Helpline.open(deployment / "helpline.toml", pm=plugin_manager) as helpline:
        old = account(helpline, "old", {Role.SUPERVISOR, Role.COUNSELLOR}, {Specialism.COUNSELLING})
    # An account made before the refusal keeps working, and config check names it.
    checked = cli(plugin_manager, "config", "check", "--config", config)
    assert checked.exit_code == 1
    assert "staff old@helpline.test is both supervisor and counsellor" in checked.output
    assert "helplinekit staff roles old@helpline.test --remove counsellor" in checked.output
    assert "only one active account can review break-the-glass grants" in checked.output
    with Helpline.open(deployment / "helpline.toml", pm=plugin_manager) as helpline:
        assert helpline.view_case  # opens fine
        helpline.list_cases(old)

    fixed = cli(plugin_manager, "staff", "roles", "old@helpline.test", "--remove", "counsellor",
                "--config", config)  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    assert "now has the roles supervisor" in fixed.output
    again = cli(plugin_manager, "staff", "roles", "old@helpline.test", "--add", "supervisor",
                "--config", config)  # fmt: skip
    assert "already has those roles" in again.output
    nobody = cli(plugin_manager, "staff", "roles", "nobody@helpline.test", "--add", "intake",
                 "--config", config)  # fmt: skip
    assert nobody.exit_code == 1 and "No staff member has the email" in nobody.output
    bare = cli(plugin_manager, "staff", "roles", "old@helpline.test", "--config", config)
    assert bare.exit_code == 2 and "--add ROLE" in bare.output

    checked = cli(plugin_manager, "config", "check", "--config", config)
    assert "is both" not in checked.output
    assert "only one active account can review" in checked.output  # still one supervisor
    with Helpline.open(deployment / "helpline.toml", pm=plugin_manager) as helpline:
        account(helpline, "second", {Role.SUPERVISOR})
    checked = cli(plugin_manager, "config", "check", "--config", config)
    assert checked.exit_code == 0, checked.output
    assert "review" not in checked.output


def test_helpline_actor_still_works_with_a_warning_and_operator_actor_is_audited(
    helpline,
) -> None:
    person = account(helpline, "scripted", {Role.INTAKE})
    with pytest.warns(DeprecationWarning, match="operator_actor"):
        assert helpline.actor(person.staff.email).id == person.id
    acting = helpline.operator_actor(person.staff.email, "nightly-export")
    assert acting.id == person.id
    (entry,) = audited(helpline, "operator.act_as")
    assert entry.actor_kind == "system" and entry.object_id == str(person.id)
    assert entry.details == {"reason": "nightly-export"}
    with pytest.raises(DomainError, match="short word"):
        helpline.operator_actor(person.staff.email, "because Ayesha asked")
    assert len(audited(helpline, "operator.act_as")) == 1


def test_a_task_or_referral_is_decrypted_only_after_the_access_check(helpline, monkeypatch) -> None:
    from datetime import timedelta

    outsider = account(helpline, "outsider", {Role.COUNSELLOR}, {Specialism.COUNSELLING})
    system = helpline.system()
    case = web_case(helpline, CaseStatus.IN_PROGRESS)
    task = helpline.create_task(
        system, case.id, title="call her sister", due_at=helpline.context.clock() + timedelta(1)
    )
    helpline.record_consent(system, case.id, referral=True)
    referral = helpline.propose_referral(
        system, case.id, "intl.stopncii", shared_sections={NoteSection.GENERAL}, summary="images"
    )
    cipher = helpline.context.database.cipher
    opened: list[str] = []
    real = cipher.decrypt

    def spy(key, ciphertext, context):
        opened.append(context.table)
        return real(key, ciphertext, context)

    monkeypatch.setattr(cipher, "decrypt", spy)
    from helplinekit.domain import ReferralStatus

    with pytest.raises(AccessDenied):
        helpline.complete_task(outsider, task.id)
    with pytest.raises(AccessDenied):
        helpline.update_referral(outsider, referral.id, ReferralStatus.WITHDRAWN)
    assert "tasks" not in opened and "referrals" not in opened
    # An unknown id is "not found", never a traceback.
    import uuid

    from helplinekit.services.casework import NotFound

    with pytest.raises(NotFound, match="reload the case page"):
        helpline.complete_task(outsider, uuid.uuid4())
