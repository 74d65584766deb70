"""Known devices: the browsers a staff member signed in from with both factors.

After a console sign-in with a password **and** a second factor, the browser gets a
long-lived device cookie: ``<token>.<signature>``, a 256-bit random token and an HMAC of it
under a key derived from the deployment's keys. The database keeps only the token's
SHA-256, bound to that one account (like a session token), with a coarse description of the
browser ("Firefox · Windows") and when it was first seen and last used; never an address.

A sign-in that brings the cookie of the account it signs in to comes from a *known device*
and is throttled on its own (:mod:`helplinekit.services.auth`), so guessing from elsewhere
never keeps that staff member out. A forged cookie (bad signature), a copied one whose
device was forgotten, or the cookie of another account is an unknown device, like none.

A new password, a new authenticator and disabling the account forget all its devices; a
staff member can revoke one on their account page; a device unused for
:data:`DEVICE_LIFETIME` is forgotten at its next use.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import datetime, timedelta

from helplinekit.db.repos.staff import KnownDevice
from helplinekit.db.uow import UnitOfWork
from helplinekit.domain import DomainError
from helplinekit.domain.errors import NotFound
from helplinekit.i18n import N_
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit
from helplinekit.services.context import ServiceContext

__all__ = [
    "DEVICE_COOKIE_PURPOSE",
    "DEVICE_LIFETIME",
    "KnownDevice",
    "describe_user_agent",
    "device_token",
    "list_devices",
    "new_device_cookie",
    "revoke_device",
    "token_hash",
]

#: The key the device cookie's signature is made with (derived from the blind-index key).
DEVICE_COOKIE_PURPOSE = "console-device:v1"
#: A device not used to sign in for this long is no longer known.
DEVICE_LIFETIME = timedelta(days=180)
#: Longer cookie values are not even looked at (a token and its signature are ~108 chars).
_MAX_COOKIE = 256


class NoSuchDevice(NotFound):
    """The device is not (or no longer) one of this staff member's known devices."""


def _key(ctx: ServiceContext) -> bytes:
    key = ctx.web_keys.get(DEVICE_COOKIE_PURPOSE)
    if not key:
        raise RuntimeError(
            f"The helpline has no {DEVICE_COOKIE_PURPOSE!r} key; open it with Helpline.open."
        )
    return key


def _signature(ctx: ServiceContext, token: str) -> str:
    return hmac.new(_key(ctx), token.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """What the database keeps of a device token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_device_cookie(ctx: ServiceContext) -> tuple[str, str]:
    """A new device token and the signed cookie value that carries it."""
    token = secrets.token_urlsafe(32)
    return token, f"{token}.{_signature(ctx, token)}"


def device_token(ctx: ServiceContext, cookie: str | None) -> str | None:
    """The token in a device cookie whose signature is right; None for anything else."""
    if not cookie or len(cookie) > _MAX_COOKIE or "." not in cookie:
        return None
    token, _, signature = cookie.rpartition(".")
    if not token or not hmac.compare_digest(signature.encode(), _signature(ctx, token).encode()):
        return None
    return token


def known_device_for(
    ctx: ServiceContext, uow: UnitOfWork, cookie: str | None, staff_id: uuid.UUID, now: datetime
) -> KnownDevice | None:
    """The account's known device this cookie belongs to, or None (forged, forgotten, expired,
    or another account's)."""
    token = device_token(ctx, cookie)
    if token is None:
        return None
    device = uow.staff.device_by_token_hash(token_hash(token))
    if device is None or device.staff_id != staff_id:
        return None
    if now - device.last_used_at > DEVICE_LIFETIME:
        uow.staff.forget_device(staff_id, device.id)
        return None
    return device


# Coarse on purpose: enough for someone to recognise their own browser in the list, not a
# fingerprint. Only the result is stored, never the User-Agent itself.
_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid\b")),
    ("iOS", re.compile(r"\biPhone\b|\biPad\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def describe_user_agent(user_agent: str) -> str:
    """A coarse description of a browser, "Firefox · Windows"; "" when nothing is known.

    Proper names and a middle dot, so it reads the same in every console language.
    """
    browser = next((name for name, pattern in _BROWSERS if pattern.search(user_agent)), "")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), "")
    return " · ".join(part for part in (browser, system) if part)


def list_devices(ctx: ServiceContext, actor: Actor) -> list[KnownDevice]:
    """The signed-in staff member's own known devices, most recently used first."""
    if actor.id is None:
        raise DomainError(N_("Only a staff member has known devices."))
    with ctx.database.uow(read_only=True) as uow:
        return uow.staff.devices(actor.id)


def revoke_device(ctx: ServiceContext, actor: Actor, device_id: uuid.UUID) -> None:
    """Forget one of the staff member's own known devices: its next sign-in is throttled
    like any unknown device's, and it is remembered again only after both factors.

    :raises NoSuchDevice: it is not one of theirs (or was forgotten already).
    """
    if actor.id is None:
        raise DomainError(N_("Only a staff member has known devices."))
    with ctx.database.uow() as uow:
        if not uow.staff.forget_device(actor.id, device_id):
            raise NoSuchDevice(
                N_("That device is not in your list any more; reload the page to see the list.")
            )
        audit(ctx, uow, actor, "staff.device_revoke", "staff", actor.id, device=str(device_id))
        uow.commit()
