"""Sign-in cannot be used to lock staff out (issue 11, point 5), through the service.

The finding: fifteen wrong sign-ins with nothing but a staff member's email kept them out,
because the throttle counted per email only. Now a browser that signed in with both factors
is a *known device* of that account and is throttled on its own; guessing from elsewhere is
slowed per account and client, per account, and per client across accounts; and none of it
is ever more than a capped wait. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from helplinekit.db.models import KnownDeviceRow, LoginThrottleRow, SignInAlertRow
from helplinekit.domain import Role
from helplinekit.security.audit import canonical
from helplinekit.services import devices
from helplinekit.services.auth import (
    ACCOUNT_FREE_FAILURES,
    ATTACK_THRESHOLD,
    CLIENT_FREE_FAILURES,
    FREE_FAILURES,
    MAX_WAIT_SECONDS,
    AuthenticationFailed,
    LoginThrottled,
    SignInClient,
    accounts_under_attack,
    allow_first_sign_in,
    begin_first_sign_in,
    client_network,
    confirm_first_sign_in,
    sign_in,
)

from .test_auth import PASSWORD, Clock, add_account, audit_entries, clock, code_at

__all__ = ["clock"]  # the fixture, shared with test_auth

pytestmark = pytest.mark.database

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
HOME = "198.51.100.7"
ATTACKER = "203.0.113.66"


def web(address: str, cookie: str | None = None) -> SignInClient:
    return SignInClient(address=address, device_cookie=cookie, user_agent=FIREFOX)


def first_sign_in_from_browser(helpline, clock: Clock, account, address: str = HOME) -> str:
    """The staff member signs in from their own browser with both factors: its cookie."""
    signed = sign_in(
        helpline.context, account.email, PASSWORD, code_at(account.secret, clock.now), web(address)
    )
    assert signed.device_cookie is not None and not signed.known_device
    clock.advance(30)  # that code is used up
    return signed.device_cookie


def guess(helpline, email: str, client: SignInClient) -> AuthenticationFailed:
    """One wrong sign-in with only the email (a made-up password and code)."""
    with pytest.raises(AuthenticationFailed) as failed:
        sign_in(helpline.context, email, "guessed password", "123456", client)
    return failed.value


def devices_of(helpline, staff_id) -> list:
    with helpline.context.database.uow(read_only=True) as uow:
        return uow.staff.devices(staff_id)


# -- the finding ---------------------------------------------------------------------------


def test_twenty_wrong_sign_ins_from_elsewhere_do_not_keep_a_known_device_out(
    helpline, clock
) -> None:
    account = add_account(helpline, clock)
    cookie = first_sign_in_from_browser(helpline, clock, account)

    # The attack as found: wrong sign-ins from one client with only the email, each one
    # made as soon as the previous wait is over, so all twenty count.
    for _ in range(20):
        clock.advance(MAX_WAIT_SECONDS + 1)
        assert not isinstance(guess(helpline, account.email, web(ATTACKER)), LoginThrottled)

    # The attacker's client, even with the right password, is now made to wait, capped.
    with pytest.raises(LoginThrottled) as throttled:
        sign_in(
            helpline.context,
            account.email,
            PASSWORD,
            code_at(account.secret, clock.now),
            web(ATTACKER),
        )
    assert throttled.value.retry_after == MAX_WAIT_SECONDS

    # The real staff member, from their known device, gets in at once: from home, and from
    # the attacker's very network (a shared office or café address).
    for address in (HOME, ATTACKER):
        signed = sign_in(
            helpline.context,
            account.email,
            PASSWORD,
            code_at(account.secret, clock.now),
            web(address, cookie),
        )
        assert signed.actor.id == account.staff.id and signed.known_device
        assert signed.device_cookie == cookie  # the same device, not a new one
        clock.advance(30)
    assert len(devices_of(helpline, account.staff.id)) == 1

    # No lockout for anyone: once the capped wait is over, an unknown device gets in too.
    clock.advance(MAX_WAIT_SECONDS)
    helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))


def test_an_unknown_device_after_many_failures_is_slowed_and_told_how_long(helpline, clock) -> None:
    account = add_account(helpline, clock)
    for _ in range(FREE_FAILURES):
        guess(helpline, account.email, web(ATTACKER))
    failed = guess(helpline, account.email, web(ATTACKER))
    assert isinstance(failed, LoginThrottled) and failed.retry_after == 1
    assert "wait 1 second" in str(failed)

    # Guessing from many addresses is slowed per account too: after ACCOUNT_FREE_FAILURES
    # failures from unknown devices, a new address waits as well.
    for number in range(ACCOUNT_FREE_FAILURES - FREE_FAILURES):
        clock.advance(MAX_WAIT_SECONDS + 1)
        guess(helpline, account.email, web(f"192.0.2.{number + 1}"))
    fresh_address = web("192.0.2.200")
    with pytest.raises(LoginThrottled) as throttled:
        sign_in(
            helpline.context,
            account.email,
            PASSWORD,
            code_at(account.secret, clock.now),
            fresh_address,
        )
    assert throttled.value.retry_after == 1
    clock.advance(1)
    signed = sign_in(
        helpline.context, account.email, PASSWORD, code_at(account.secret, clock.now), fresh_address
    )
    assert signed.actor.id == account.staff.id
    failures = [e for e in audit_entries(helpline) if e.action == "login.failed"]
    assert {e.details["client"] for e in failures} == {"unknown_device"}


def test_one_client_trying_many_accounts_is_slowed(helpline, clock) -> None:
    real = add_account(helpline, clock)
    # One wrong password for each of many emails (known or not): no single account's count
    # gets far, but the client's does.
    for number in range(CLIENT_FREE_FAILURES):
        clock.advance(MAX_WAIT_SECONDS + 1)
        email = real.email if number == 0 else f"guess{number}@h.org"
        assert not isinstance(guess(helpline, email, web(ATTACKER)), LoginThrottled)
    assert isinstance(guess(helpline, "another@h.org", web(ATTACKER)), LoginThrottled)
    # Another client is not slowed by it, nor is this account from elsewhere.
    assert not isinstance(guess(helpline, "another@h.org", web(HOME)), LoginThrottled)
    signed = sign_in(
        helpline.context, real.email, PASSWORD, code_at(real.secret, clock.now), web(HOME)
    )
    assert signed.actor.id == real.staff.id


def test_an_ipv6_client_is_its_slash_64_and_no_address_is_stored(helpline, clock) -> None:
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_network(" 198.51.100.7 ") == "198.51.100.7"

    # Every attempt from a new address inside one /64 still counts against one client.
    for number in range(CLIENT_FREE_FAILURES):
        clock.advance(MAX_WAIT_SECONDS + 1)
        guess(helpline, f"guess{number}@h.org", web(f"2001:db8:1:2::{number + 1:x}"))
    assert isinstance(guess(helpline, "x@h.org", web("2001:db8:1:2:ffff::9")), LoginThrottled)
    assert not isinstance(guess(helpline, "x@h.org", web("2001:db8:1:3::1")), LoginThrottled)

    with helpline.context.database.uow(read_only=True) as uow:
        keys = list(uow.session.scalars(select(LoginThrottleRow.key)))
        audit_text = b"".join(canonical(e) for e in uow.audit.entries())
    assert keys and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    for text in ("2001:db8", "2001:0db8", ATTACKER, "guess1@h.org"):
        assert text.encode() not in audit_text


# -- known devices -------------------------------------------------------------------------


def test_the_device_token_is_stored_only_hashed_with_a_coarse_description(helpline, clock) -> None:
    account = add_account(helpline, clock)
    cookie = first_sign_in_from_browser(helpline, clock, account)
    token, _, signature = cookie.rpartition(".")
    assert len(token) >= 40 and re.fullmatch(r"[0-9a-f]{64}", signature)
    with helpline.context.database.uow(read_only=True) as uow:
        (row,) = uow.session.scalars(select(KnownDeviceRow)).all()
        stored = [str(getattr(row, column.key)) for column in KnownDeviceRow.__table__.columns]
        owner, description = row.staff_id, row.description
    assert owner == account.staff.id and description == "Firefox · Windows"
    assert not any(token in value or signature in value or HOME in value for value in stored)
    assert devices.describe_user_agent("") == ""
    assert devices.describe_user_agent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    ) == ("Safari · iOS")


def test_a_forged_tampered_or_other_accounts_cookie_is_not_a_known_device(helpline, clock) -> None:
    account = add_account(helpline, clock)
    colleague = add_account(helpline, clock, "colleague@h.org")
    cookie = first_sign_in_from_browser(helpline, clock, account)
    colleagues_cookie = first_sign_in_from_browser(helpline, clock, colleague)
    token, _, signature = cookie.rpartition(".")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    bad_cookies = {
        "tampered signature": f"{token}.{flipped}",
        "tampered token": f"{token[:-1]}{'A' if token[-1] != 'A' else 'B'}.{signature}",
        "made up": "x" * 43 + "." + "0" * 64,
        "no signature": token,
        "far too long": "a" * 300 + "." + signature,
        "another account's": colleagues_cookie,
    }
    # The account is under attack: an unknown device has to wait, a known one would not.
    for _ in range(FREE_FAILURES):
        guess(helpline, account.email, web(ATTACKER))
    for what, bad in bad_cookies.items():
        try:
            sign_in(
                helpline.context,
                account.email,
                PASSWORD,
                code_at(account.secret, clock.now),
                web(ATTACKER, bad),
            )
        except LoginThrottled:
            continue
        pytest.fail(f"a {what} cookie counted as a known device")
    signed = sign_in(
        helpline.context,
        account.email,
        PASSWORD,
        code_at(account.secret, clock.now),
        web(ATTACKER, cookie),
    )
    assert signed.known_device


def test_a_known_device_is_throttled_on_its_own(helpline, clock) -> None:
    # A stolen browser is not a free run at the password: its own failures slow it down.
    account = add_account(helpline, clock)
    cookie = first_sign_in_from_browser(helpline, clock, account)
    for _ in range(FREE_FAILURES):
        guess(helpline, account.email, web(HOME, cookie))
    assert isinstance(guess(helpline, account.email, web(HOME, cookie)), LoginThrottled)
    # ... and that does not slow the account down anywhere else.
    signed = sign_in(
        helpline.context, account.email, PASSWORD, code_at(account.secret, clock.now), web(HOME)
    )
    assert not signed.known_device and signed.device_cookie not in (None, cookie)


def test_revoking_a_device_makes_it_unknown(helpline, clock) -> None:
    account = add_account(helpline, clock)
    colleague = add_account(helpline, clock, "colleague@h.org")
    cookie = first_sign_in_from_browser(helpline, clock, account)
    actor = helpline.actor(account.email)
    (device,) = devices.list_devices(helpline.context, actor)
    assert device.description == "Firefox · Windows"
    # Nobody revokes someone else's device.
    with pytest.raises(devices.NoSuchDevice):
        devices.revoke_device(helpline.context, helpline.actor(colleague.email), device.id)
    devices.revoke_device(helpline.context, actor, device.id)
    assert devices.list_devices(helpline.context, actor) == []
    with pytest.raises(devices.NoSuchDevice):
        devices.revoke_device(helpline.context, actor, device.id)
    revoked = [e for e in audit_entries(helpline) if e.action == "staff.device_revoke"]
    assert [(e.actor_id, e.details["device"]) for e in revoked] == [
        (account.staff.id, str(device.id))
    ]

    for _ in range(FREE_FAILURES):
        guess(helpline, account.email, web(ATTACKER))
    with pytest.raises(LoginThrottled):
        sign_in(
            helpline.context,
            account.email,
            PASSWORD,
            code_at(account.secret, clock.now),
            web(ATTACKER, cookie),
        )


@pytest.mark.parametrize("change", ["set_password", "new_authenticator", "disable"])
def test_new_credentials_or_disabling_forget_every_known_device(helpline, clock, change) -> None:
    account = add_account(helpline, clock)
    other = add_account(helpline, clock, "colleague@h.org")
    first_sign_in_from_browser(helpline, clock, account)
    first_sign_in_from_browser(helpline, clock, account, address="192.0.2.9")
    first_sign_in_from_browser(helpline, clock, other)
    assert len(devices_of(helpline, account.staff.id)) == 2
    system = helpline.system()
    if change == "set_password":
        helpline.set_password(system, account.email, "a brand new passphrase")
        action = "staff.password_set"
    elif change == "new_authenticator":
        enrolment = helpline.begin_totp_enrolment(system, account.email)
        action = "staff.totp_issue"
        helpline.confirm_totp_enrolment(system, account.email, code_at(enrolment.secret, clock.now))
    else:
        helpline.disable_staff(system, account.email)
        action = "staff.disable"
    assert devices_of(helpline, account.staff.id) == []
    assert len(devices_of(helpline, other.staff.id)) >= 1  # nobody else's
    entry = [e for e in audit_entries(helpline) if e.action == action][-1]
    assert entry.details["devices_forgotten"] == 2


def test_confirming_the_authenticator_at_a_first_sign_in_forgets_devices(helpline, clock) -> None:
    account = add_account(helpline, clock)
    first_sign_in_from_browser(helpline, clock, account)
    # Say an admin let the account set up a new phone at its next sign-in: the devices
    # known before stop counting once the new authenticator is confirmed.
    # (Straight through the repository: the admin's way, begin_totp_enrolment, forgets them
    # already.)
    with helpline.context.database.uow() as uow:
        uow.staff.start_totp(account.staff.id, "JBSWY3DPEHPK3PXP" * 2, [])
        uow.commit()
    allow_first_sign_in(helpline.context, helpline.system(), account.email)
    actor, enrolment = begin_first_sign_in(helpline.context, account.email, PASSWORD, web(HOME))
    assert len(devices_of(helpline, account.staff.id)) == 1
    confirm_first_sign_in(helpline.context, actor, code_at(enrolment.secret, clock.now))
    assert devices_of(helpline, account.staff.id) == []


# -- supervisors hear of it ----------------------------------------------------------------


def test_supervisors_are_told_of_an_account_under_attack(helpline, clock) -> None:
    account = add_account(helpline, clock)
    supervisor = add_account(helpline, clock, "supervisor@h.org", roles=(Role.SUPERVISOR,))
    intake = add_account(helpline, clock, "intake@h.org", roles=(Role.INTAKE,))
    cookie = first_sign_in_from_browser(helpline, clock, account)
    as_supervisor = helpline.actor(supervisor.email)

    # Failures from the staff member's own known device are not an attack.
    for _ in range(FREE_FAILURES):
        guess(helpline, account.email, web(HOME, cookie))
    # One short of the threshold from unknown devices: no notice yet.
    for number in range(ATTACK_THRESHOLD - 1):
        clock.advance(60)
        guess(helpline, account.email, web(f"192.0.2.{number + 1}"))
    assert accounts_under_attack(helpline.context, as_supervisor) == []
    assert not [e for e in audit_entries(helpline) if e.action == "signin.under_attack"]

    clock.advance(60)
    guess(helpline, account.email, web(ATTACKER))
    (alert,) = accounts_under_attack(helpline.context, as_supervisor)
    assert alert.staff_id == account.staff.id and alert.failures == ATTACK_THRESHOLD
    assert alert.display_name == "lawyer"
    # Only supervisors are told.
    assert accounts_under_attack(helpline.context, helpline.actor(intake.email)) == []
    assert accounts_under_attack(helpline.context, helpline.actor(account.email)) == []

    # One audit entry per attack (per hour), naming the staff id and never the email.
    for _ in range(3):
        clock.advance(60)
        guess(helpline, account.email, web(ATTACKER))
    (entry,) = [e for e in audit_entries(helpline) if e.action == "signin.under_attack"]
    assert entry.object_kind == "staff" and entry.object_id == str(account.staff.id)
    assert entry.details == {"failures": ATTACK_THRESHOLD, "window_minutes": 60}
    assert b"@h.org" not in canonical(entry)

    # Meanwhile the staff member still gets in from their known device.
    signed = sign_in(
        helpline.context,
        account.email,
        PASSWORD,
        code_at(account.secret, clock.now),
        web(HOME, cookie),
    )
    assert signed.known_device

    # An hour after the last failure the notice goes.
    clock.advance(3601)
    assert accounts_under_attack(helpline.context, as_supervisor) == []
    # Failures spread thinner than the threshold per hour are not an attack...
    for _ in range(ATTACK_THRESHOLD):
        clock.advance(7 * 60)
        guess(helpline, account.email, web(ATTACKER))
    assert accounts_under_attack(helpline.context, as_supervisor) == []
    # ... a new burst is (attempts refused during a wait count too), and a new entry.
    for _ in range(ATTACK_THRESHOLD):
        clock.advance(2)
        guess(helpline, account.email, web(ATTACKER))
    assert len(accounts_under_attack(helpline.context, as_supervisor)) == 1
    entries = [e for e in audit_entries(helpline) if e.action == "signin.under_attack"]
    assert len(entries) == 2
    with helpline.context.database.uow(read_only=True) as uow:
        assert uow.session.scalars(select(SignInAlertRow.staff_id)).all() == [account.staff.id]


def test_the_notice_lasts_as_long_as_the_attack(helpline, clock) -> None:
    account = add_account(helpline, clock)
    supervisor = add_account(helpline, clock, "supervisor@h.org", roles=(Role.SUPERVISOR,))
    as_supervisor = helpline.actor(supervisor.email)
    for _ in range(ATTACK_THRESHOLD):
        clock.advance(1)
        guess(helpline, account.email, web(ATTACKER))
    # Two more hours of slow guessing (one every quarter of an hour, fewer than the
    # threshold per hour): the attack is still on, and so is the notice.
    for _ in range(8):
        clock.advance(15 * 60)
        guess(helpline, account.email, web(ATTACKER))
        assert len(accounts_under_attack(helpline.context, as_supervisor)) == 1
    clock.advance(3601)
    assert accounts_under_attack(helpline.context, as_supervisor) == []
    # After an hour of quiet, a single failure is not an attack any more.
    guess(helpline, account.email, web(ATTACKER))
    assert accounts_under_attack(helpline.context, as_supervisor) == []


# -- the command line ----------------------------------------------------------------------


def test_the_command_line_is_a_client_of_its_own(helpline, clock) -> None:
    account = add_account(helpline, clock)
    # Guessing on the web never slows the operator's command line down...
    for _ in range(20):
        clock.advance(MAX_WAIT_SECONDS + 1)
        guess(helpline, account.email, web(ATTACKER))
    actor = helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))
    assert actor.id == account.staff.id
    ok = [e for e in audit_entries(helpline) if e.action == "login.ok"]
    assert ok[-1].details["client"] == "command_line" and "device" not in ok[-1].details
    # ... its own mistakes do (the same backoff), and it never gets a device cookie.
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthenticationFailed):
            helpline.authenticate(account.email, "mistyped", "123456")
    with pytest.raises(LoginThrottled):
        helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now))
    assert devices_of(helpline, account.staff.id) == []
    clock.advance(30)  # the wait (1 second), and a code not used yet
    assert helpline.authenticate(account.email, PASSWORD, code_at(account.secret, clock.now)).id
