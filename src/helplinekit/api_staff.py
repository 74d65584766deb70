"""The staff-account services as methods of :class:`helplinekit.api.Helpline`.

Signing in, credentials (the operator's, on the server), roles and records. Services are
imported when called, so importing the API stays light.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helplinekit.domain import Role, Specialist
    from helplinekit.security.policy import Actor
    from helplinekit.services.context import ServiceContext
    from helplinekit.services.sign_in import SignInClient
    from helplinekit.services.staff import TotpEnrolment

__all__ = ["StaffMethods"]


class StaffMethods:
    """Signing staff in and managing their accounts."""

    context: ServiceContext

    def authenticate(
        self, email: str, password: str, code: str, client: SignInClient | None = None
    ) -> Actor:
        """Sign a staff member in with their password and a one-time or recovery code.

        Audited as ``login.ok`` or ``login.failed``; throttled per account and client.
        ``client`` says where the attempt comes from (its address, the device cookie it
        brought); without one it is the command line on the server, a client of its own.

        :raises AuthenticationFailed: "Wrong email, password or code." whatever was wrong
            (:class:`~helplinekit.services.sign_in.LoginThrottled` when attempts must wait).
        """
        from helplinekit.services.sign_in import COMMAND_LINE, authenticate

        return authenticate(self.context, email, password, code, client or COMMAND_LINE)

    def set_password(self, actor: Actor, email: str, password: str) -> None:
        """Set a staff member's password (8 to 1024 characters; Argon2id)."""
        from helplinekit.services.staff import set_password

        set_password(self.context, actor, email, password)

    def begin_totp_enrolment(self, actor: Actor, email: str) -> TotpEnrolment:
        """Issue a new authenticator secret, its ``otpauth://`` URI and recovery codes."""
        from helplinekit.services.staff import begin_totp_enrolment

        return begin_totp_enrolment(self.context, actor, email)

    def confirm_totp_enrolment(self, actor: Actor, email: str, code: str) -> None:
        """Confirm a newly issued authenticator with the code it shows now."""
        from helplinekit.services.staff import confirm_totp_enrolment

        confirm_totp_enrolment(self.context, actor, email, code)

    def disable_staff(self, actor: Actor, email: str) -> Specialist:
        """Disable a staff account: no sign-in, no cases, no new work."""
        from helplinekit.services.staff import disable_staff

        return disable_staff(self.context, actor, email)

    def enable_staff(self, actor: Actor, email: str) -> Specialist:
        """Enable a disabled staff account again."""
        from helplinekit.services.staff import enable_staff

        return enable_staff(self.context, actor, email)

    def save_staff(self, actor: Actor, specialist: Specialist) -> Specialist:
        """Create or update a staff record (roles only by the operator, on the server)."""
        from helplinekit.services.staff import save_staff

        return save_staff(self.context, actor, specialist)

    def change_roles(
        self, actor: Actor, email: str, *, add: Iterable[Role] = (), remove: Iterable[Role] = ()
    ) -> Specialist:
        """Give a staff member roles and take others away (the operator's job)."""
        from helplinekit.services.staff import change_roles

        return change_roles(self.context, actor, email, add=add, remove=remove)
