"""Staff sign-in: Argon2id passwords, single-use TOTP codes, recovery codes, throttling, audit.

Every test runs on SQLite and PostgreSQL. The service takes the time from ``ctx.clock``, so
the tests move a controlled clock and compute codes with ``pyotp.TOTP(secret).at(t)``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import attrs
import pyotp
import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from helplinekit.db.models import LoginThrottleRow, StaffRow
from helplinekit.domain import Role, Specialism, Specialist
from helplinekit.security import passwords
from helplinekit.security.audit import canonical
from helplinekit.security.policy import AccessDenied
from helplinekit.services.auth import (
    AuthenticationFailed,
    EnrolmentCodeRejected,
    LoginThrottled,
    wait_after,
)
from helplinekit.testing import make_staff_member

pytestmark = pytest.mark.database

PASSWORD = "correct horse battery staple"
WRONG = "Wrong email, password or code."
START = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)  # on a 30-second step boundary


@attrs.define
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@attrs.define
class Account:
    email: str
    staff: Specialist
    secret: str
    recovery_codes: tuple[str, ...]


@pytest.fixture
def clock(helpline) -> Clock:
    controlled = Clock()
    helpline.context.clock = controlled
    return controlled


def code_at(secret: str, when: datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def add_account(helpline, clock: Clock, email: str = "lawyer@h.org", roles=(Role.LAWYER,)):
    """An account with a password and an authenticator confirmed at ``clock``'s time."""
    member = make_staff_member(
        helpline,
        email,
        *roles,
        specialisms={Specialism.LEGAL} if Role.LAWYER in roles else (),
        password=PASSWORD,
        totp=True,
    )
    clock.advance(30)  # the confirming code is used up; later tests use later steps
    return Account(email, member.specialist, member.totp_secret, tuple(member.recovery_codes))


def staff_row(helpline, email: str) -> StaffRow:
    with helpline.context.database.uow(read_only=True) as uow:
        row = uow.session.scalars(select(StaffRow).where(StaffRow.email == email)).one()
        uow.session.expunge(row)
        return row


def throttle_rows(helpline) -> list[LoginThrottleRow]:
    with helpline.context.database.uow(read_only=True) as uow:
        rows = list(uow.session.scalars(select(LoginThrottleRow)).all())
        uow.session.expunge_all()
        return rows


def audit_entries(helpline) -> list:
    with helpline.context.database.uow(read_only=True) as uow:
        return list(uow.audit.entries())


# -- passwords -----------------------------------------------------------------------------


def test_stored_hash_is_argon2id_with_the_required_parameters(helpline, clock) -> None:
    account = add_account(helpline, clock)
    stored = staff_row(helpline, account.email).password_hash
    assert stored is not None and PASSWORD not in stored
    match = re.match(r"^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$", stored)
    assert match, stored
    version, memory, time_cost, parallelism = map(int, match.groups())
    assert version >= 19 and memory >= 19456 and time_cost >= 2 and parallelism == 1
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_rules_are_length_only() -> None:
    for short in ("", "1234567", "seven77"):
        with pytest.raises(passwords.PasswordRejected, match="passphrase"):
            passwords.check_password(short)
    with pytest.raises(passwords.PasswordRejected, match="long passphrases are welcome"):
        passwords.check_password("x" * 1025)
    # No composition rules: eight lower-case letters, or a long passphrase, are fine.
    assert passwords.check_password("abcdefgh") == "abcdefgh"
    assert passwords.check_password("w" * 1024) == "w" * 1024
    phrase = "mango river lantern quietly " * 20
    assert passwords.verify_password(passwords.hash_password(phrase), phrase)
    # One passphrase typed two ways (composed or decomposed accents) is one password.
    assert passwords.verify_password(
        passwords.hash_password("café crème"), "cafe\u0301 cre\u0300me"
    )


def test_a_weaker_hash_is_upgraded_at_sign_in(helpline, clock) -> None:
    account = add_account(helpline, clock)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1, type=Type.ID)
    with helpline.context.database.uow() as uow:
        row = uow.session.scalars(select(StaffRow).where(StaffRow.email == account.email)).one()
        row.password_hash = weak.hash(PASSWORD)
        uow.commit()
    assert passwords.needs_rehash(staff_row(helpline, account.email).password_hash)
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))
    upgraded = staff_row(helpline, account.email).password_hash
    assert upgraded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert not passwords.needs_rehash(upgraded)
    ok = [e for e in audit_entries(helpline) if e.action == "login.ok"]
    assert ok[-1].details["rehashed"] is True
    # A hash stronger than today's parameters is kept as it is.
    strong = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=1, type=Type.ID)
    assert not passwords.needs_rehash(strong.hash(PASSWORD))


# -- one-time codes ------------------------------------------------------------------------


def test_signing_in_returns_the_staff_member_as_actor(helpline, clock) -> None:
    account = add_account(helpline, clock)
    actor = helpline.authenticate("  Lawyer@H.org ", PASSWORD, code_at(account.secret, clock.now))
    assert actor.id == account.staff.id and Role.LAWYER in actor.roles


def test_each_code_works_once(helpline, clock) -> None:
    account = add_account(helpline, clock)
    code = code_at(account.secret, clock.now)
    helpline.authenticate(account.email, PASSWORD, code)
    with pytest.raises(AuthenticationFailed, match=re.escape(WRONG)):
        helpline.authenticate(account.email, PASSWORD, code)  # replayed
    # The previous step's code is inside the drift window, but older than the one used.
    with pytest.raises(AuthenticationFailed, match=re.escape(WRONG)):
        helpline.authenticate(
            account.email, PASSWORD, code_at(account.secret, clock.now - timedelta(seconds=30))
        )
    # The next step's code (a phone clock a little fast) works once; at the next step, the
    # same code is a replay.
    ahead = code_at(account.secret, clock.now + timedelta(seconds=30))
    helpline.authenticate(account.email, PASSWORD, ahead)
    clock.advance(30)
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate(account.email, PASSWORD, ahead)
    # A fresh step gives a fresh code.
    clock.advance(30)
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))
    # A code two steps away is outside the window.
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate(
            account.email, PASSWORD, code_at(account.secret, clock.now + timedelta(seconds=60))
        )
    reasons = [e.details["reason"] for e in audit_entries(helpline) if e.action == "login.failed"]
    assert reasons == ["replayed_code", "replayed_code", "replayed_code", "bad_code"]


def test_enrolment_gives_secret_uri_and_is_confirmed_by_a_code(helpline, clock) -> None:
    system = helpline.system()
    helpline.save_staff(
        system,
        Specialist(
            email="ds@h.org",
            display_name="ds",
            roles={Role.DIGITAL_SECURITY},
            languages=("en",),
            capacity=3,
        ),
    )
    helpline.set_password(system, "ds@h.org", PASSWORD)
    enrolment = helpline.begin_totp_enrolment(system, "ds@h.org")
    assert re.fullmatch(r"[A-Z2-7]{32}", enrolment.secret)
    assert enrolment.uri.startswith("otpauth://totp/Test%20Helpline:ds%40h.org?")
    assert (
        f"secret={enrolment.secret}" in enrolment.uri and "issuer=Test%20Helpline" in enrolment.uri
    )
    assert enrolment.secret not in repr(enrolment)
    # The secret is stored encrypted, never in plain text.
    row = staff_row(helpline, "ds@h.org")
    assert row.totp_secret is not None and enrolment.secret.encode() not in row.totp_secret
    assert row.totp_enrolled_at is None

    # Until it is confirmed, the account cannot sign in even with a valid code.
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate("ds@h.org", PASSWORD, code_at(enrolment.secret, clock.now))
    with pytest.raises(EnrolmentCodeRejected, match="code the app shows"):
        helpline.confirm_totp_enrolment(system, "ds@h.org", "000000")
    helpline.confirm_totp_enrolment(system, "ds@h.org", code_at(enrolment.secret, clock.now))
    # The confirming code is used up.
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate("ds@h.org", PASSWORD, code_at(enrolment.secret, clock.now))
    clock.advance(30)
    helpline.authenticate("ds@h.org", PASSWORD, code_at(enrolment.secret, clock.now))

    # Re-enrolling (a lost phone) revokes the old secret and recovery codes at once.
    old = enrolment
    again = helpline.begin_totp_enrolment(system, "ds@h.org")
    assert again.secret != old.secret and set(again.recovery_codes).isdisjoint(old.recovery_codes)
    clock.advance(30)
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate("ds@h.org", PASSWORD, old.recovery_codes[0])
    helpline.confirm_totp_enrolment(system, "ds@h.org", code_at(again.secret, clock.now))
    clock.advance(30)
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate("ds@h.org", PASSWORD, code_at(old.secret, clock.now))
    helpline.authenticate("ds@h.org", PASSWORD, code_at(again.secret, clock.now))


def test_a_recovery_code_works_once(helpline, clock) -> None:
    account = add_account(helpline, clock)
    codes = account.recovery_codes
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(
        re.fullmatch(r"[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}", c)
        for c in codes
    )
    stored = staff_row(helpline, account.email).recovery_codes
    assert len(stored) == 10 and not any(code in json.dumps(stored) for code in codes)

    # Case and dashes do not matter.
    actor = helpline.authenticate(account.email, PASSWORD, codes[0].upper().replace("-", " "))
    assert actor.id == account.staff.id
    with pytest.raises(AuthenticationFailed, match=re.escape(WRONG)):
        helpline.authenticate(account.email, PASSWORD, codes[0])
    helpline.authenticate(account.email, PASSWORD, codes[1])
    assert len(staff_row(helpline, account.email).recovery_codes) == 8
    ok = [e for e in audit_entries(helpline) if e.action == "login.ok"]
    assert [(e.details["method"], e.details["recovery_codes_left"]) for e in ok] == [
        ("recovery_code", 9),
        ("recovery_code", 8),
    ]
    # A recovery code is not a password: it never replaces the password.
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate(account.email, codes[2], codes[3])


# -- throttling ----------------------------------------------------------------------------


def test_backoff_schedule() -> None:
    assert [wait_after(n) for n in range(0, 9)] == [0, 0, 0, 0, 0, 1, 2, 4, 8]
    assert wait_after(14) == 512 and wait_after(15) == 900 and wait_after(100) == 900


def test_attempts_wait_after_five_failures_then_the_right_password_works(helpline, clock) -> None:
    account = add_account(helpline, clock)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed) as failed:
            helpline.authenticate(account.email, "not the password", "123456")
        assert not isinstance(failed.value, LoginThrottled)

    # The sixth attempt inside the wait is refused, even with the right password and code.
    right = code_at(account.secret, clock.now)
    with pytest.raises(LoginThrottled, match="wait 1 second and try again") as throttled:
        helpline.authenticate(account.email, PASSWORD, right)
    assert throttled.value.retry_after == 1
    # It was refused without being checked, so the code was not used up either.
    clock.advance(1)
    helpline.authenticate(account.email, PASSWORD, right)
    assert throttle_rows(helpline) == []  # a success resets the count

    # The wait doubles with each further failure (attempts during a wait do not count).
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            helpline.authenticate(account.email, "not the password", "123456")
    waits = []
    for _ in range(4):
        clock.advance(1000)
        with pytest.raises(AuthenticationFailed):
            helpline.authenticate(account.email, "not the password", "123456")
        with pytest.raises(LoginThrottled) as throttled:
            helpline.authenticate(account.email, PASSWORD, "123456")
        waits.append(throttled.value.retry_after)
    assert waits == [2, 4, 8, 16]


def test_the_wait_never_exceeds_fifteen_minutes(helpline, clock) -> None:
    account = add_account(helpline, clock)
    for _ in range(30):
        clock.advance(901)
        with pytest.raises(AuthenticationFailed) as failed:
            helpline.authenticate(account.email, "not the password", "123456")
        assert not isinstance(failed.value, LoginThrottled)
    with pytest.raises(LoginThrottled) as throttled:
        helpline.authenticate(account.email, PASSWORD, "123456")
    assert throttled.value.retry_after == 900
    clock.advance(900)
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))


def test_known_and_unknown_emails_get_the_same_answers(helpline, clock, monkeypatch) -> None:
    account = add_account(helpline, clock)
    # Count Argon2 verifications: an unknown email costs one, like a known one.
    calls = []
    real = passwords._hasher

    class Counting:
        def verify(self, *args, **kwargs):
            calls.append(1)
            return real.verify(*args, **kwargs)

        def hash(self, *args, **kwargs):
            return real.hash(*args, **kwargs)

    monkeypatch.setattr(passwords, "_hasher", Counting())

    def attempts(email: str) -> tuple[list[str], list[int]]:
        messages, argon2 = [], []
        for _ in range(6):
            before = len(calls)
            try:
                helpline.authenticate(email, "not the password", "123456")
            except AuthenticationFailed as error:
                messages.append(str(error))
            argon2.append(len(calls) - before)
        return messages, argon2

    known = attempts(account.email)
    unknown = attempts("nobody@h.org")
    assert known == unknown
    assert known[0] == [WRONG] * 5 + [
        "Too many failed sign-ins with this email; wait 1 second and try again."
    ]
    assert known[1] == [1, 1, 1, 1, 1, 0]  # the throttled attempt checks nothing
    rows = throttle_rows(helpline)
    assert len(rows) == 2
    assert {(r.failures, r.blocked_until) for r in rows} == {(5, clock.now + timedelta(seconds=1))}
    assert all(re.fullmatch(r"[0-9a-f]{64}", r.key) for r in rows)


def test_failures_are_audited_without_the_email(helpline, clock) -> None:
    account = add_account(helpline, clock)
    helpline.context.os_user = "operator"
    for email in (account.email, "nobody@h.org", "NOBODY@h.org"):
        with pytest.raises(AuthenticationFailed):
            helpline.authenticate(email, "not the password", "123456")
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate(account.email, PASSWORD, "000000")
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))

    entries = audit_entries(helpline)
    for entry in entries:
        text = canonical(entry).decode().lower() + repr(entry).lower()
        for secret_text in ("lawyer@h.org", "nobody@h.org", "@h.org", PASSWORD):
            assert secret_text not in text
    failed = [e for e in entries if e.action == "login.failed"]
    assert [e.details["reason"] for e in failed] == [
        "bad_password",
        "unknown_account",
        "unknown_account",
        "bad_code",
    ]
    assert all(re.fullmatch(r"[0-9a-f]{16}", e.object_id) for e in failed)
    assert all(e.actor_id is None and e.os_user == "operator" for e in failed)
    # One email, however it is written, is one throttle key.
    assert failed[1].object_id == failed[2].object_id != failed[0].object_id
    assert failed[0].object_id == failed[3].object_id
    ok = [e for e in entries if e.action == "login.ok"]
    assert len(ok) == 1
    assert ok[0].actor_kind == "staff" and ok[0].actor_id == account.staff.id
    assert ok[0].os_user == "operator" and ok[0].details["method"] == "totp"


# -- accounts ------------------------------------------------------------------------------


def test_a_disabled_account_cannot_sign_in(helpline, clock) -> None:
    account = add_account(helpline, clock)
    disabled = helpline.disable_staff(helpline.system(), account.email)
    assert disabled.active is False
    with pytest.raises(AuthenticationFailed, match=re.escape(WRONG)):
        helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))
    failed = [e for e in audit_entries(helpline) if e.action == "login.failed"]
    assert failed[-1].details["reason"] == "disabled"
    assert any(e.action == "staff.disable" for e in audit_entries(helpline))

    helpline.enable_staff(helpline.system(), account.email)
    clock.advance(30)
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))


def test_only_the_operator_sets_credentials(helpline, clock) -> None:
    """An admin who could reset a colleague's password could sign in as them and read their
    cases: passwords and authenticators are reset by the operator (the CLI) only."""
    lawyer = add_account(helpline, clock)
    admin = add_account(helpline, clock, "admin@h.org", roles=(Role.ADMIN,))
    as_lawyer = helpline.authenticate(lawyer.email, PASSWORD, code_at(lawyer.secret, clock.now))
    as_admin = helpline.authenticate(admin.email, PASSWORD, code_at(admin.secret, clock.now))
    for actor in (as_lawyer, as_admin):
        for call in (
            lambda a=actor: helpline.set_password(a, lawyer.email, "a new passphrase"),
            lambda a=actor: helpline.begin_totp_enrolment(a, lawyer.email),
            lambda a=actor: helpline.confirm_totp_enrolment(a, lawyer.email, "123456"),
        ):
            with pytest.raises(AccessDenied):
                call()
    with pytest.raises(AccessDenied):
        helpline.disable_staff(as_lawyer, admin.email)
    refused = [
        e for e in audit_entries(helpline) if e.details.get("attempted") == "staff.credentials"
    ]
    assert len(refused) == 3  # the admin's three tries (the lawyer fails the manage check)
    # The lawyer's password still works: nothing was changed.
    clock.advance(30)
    helpline.authenticate(lawyer.email, PASSWORD, code_at(lawyer.secret, clock.now))

    helpline.set_password(helpline.system(), lawyer.email, "a new passphrase")
    clock.advance(30)
    with pytest.raises(AuthenticationFailed):
        helpline.authenticate(lawyer.email, PASSWORD, code_at(lawyer.secret, clock.now))
    helpline.authenticate(lawyer.email, "a new passphrase", code_at(lawyer.secret, clock.now))
    with pytest.raises(passwords.PasswordRejected):
        helpline.set_password(helpline.system(), lawyer.email, "short")
    # Admins still disable an account (e.g. one that was stolen).
    assert helpline.disable_staff(as_admin, lawyer.email).active is False


# -- concurrency ---------------------------------------------------------------------------


def _all_at_once(count: int, attempt) -> list[object]:
    """Run ``attempt()`` in ``count`` threads released together; return results or errors."""
    import threading

    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = attempt()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_one_code_sent_many_times_at_once_works_once(helpline, clock) -> None:
    account = add_account(helpline, clock)
    code = code_at(account.secret, clock.now)
    results = _all_at_once(6, lambda: helpline.authenticate(account.email, PASSWORD, code))
    signed_in = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, AuthenticationFailed)]
    assert len(signed_in) == 1 and len(refused) == 5, results


def test_parallel_guesses_are_counted_one_by_one(helpline, clock) -> None:
    account = add_account(helpline, clock)
    results = _all_at_once(
        10, lambda: helpline.authenticate(account.email, "not the password", "123456")
    )
    throttled = [r for r in results if isinstance(r, LoginThrottled)]
    checked = [r for r in results if type(r) is AuthenticationFailed]
    # Attempts take turns: exactly five were checked before the wait began.
    assert (len(checked), len(throttled)) == (5, 5), results
    assert [(r.failures) for r in throttle_rows(helpline)] == [5]
