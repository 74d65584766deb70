"""Staff sign-in and account credentials: the names this module has always offered.

The code now lives by concern; import from here or from where it lives:

- :mod:`helplinekit.services.sign_in`: :func:`authenticate`, :func:`sign_in`,
  :class:`SignInClient`, :class:`SignedIn`, :class:`AuthenticationFailed`,
  :class:`LoginThrottled`, :data:`COMMAND_LINE`;
- :mod:`helplinekit.services.sign_in_throttle`: the throttle (:func:`wait_after`,
  :func:`throttle_key`, :func:`client_network`, the failure limits) and attack alerts
  (:func:`accounts_under_attack`, :class:`UnderAttack`);
- :mod:`helplinekit.services.first_sign_in`: a first sign-in that sets up the
  authenticator (:func:`begin_first_sign_in`, :func:`confirm_first_sign_in`,
  :func:`first_sign_in_secret`);
- :mod:`helplinekit.services.staff`: passwords, authenticators and disabling accounts
  (:func:`set_password`, :func:`begin_totp_enrolment`, :func:`confirm_totp_enrolment`,
  :func:`allow_first_sign_in`, :func:`disable_staff`, :func:`enable_staff`), with the rest
  of staff management.
"""

from __future__ import annotations

from helplinekit.services.first_sign_in import (
    begin_first_sign_in,
    confirm_first_sign_in,
    first_sign_in_secret,
)
from helplinekit.services.sign_in import (
    COMMAND_LINE,
    AuthenticationFailed,
    LoginThrottled,
    SignedIn,
    SignInClient,
    authenticate,
    sign_in,
)
from helplinekit.services.sign_in_throttle import (
    ACCOUNT_FREE_FAILURES,
    ATTACK_THRESHOLD,
    ATTACK_WINDOW,
    CLIENT_FREE_FAILURES,
    FAILURES_FORGOTTEN_AFTER,
    FREE_FAILURES,
    MAX_WAIT_SECONDS,
    UnderAttack,
    accounts_under_attack,
    client_network,
    normalise_email,
    throttle_key,
    wait_after,
)
from helplinekit.services.staff import (
    FIRST_SIGN_IN_DAYS,
    EnrolmentCodeRejected,
    TotpEnrolment,
    allow_first_sign_in,
    begin_totp_enrolment,
    confirm_totp_enrolment,
    disable_staff,
    enable_staff,
    set_password,
)

__all__ = [
    "ACCOUNT_FREE_FAILURES",
    "ATTACK_THRESHOLD",
    "ATTACK_WINDOW",
    "CLIENT_FREE_FAILURES",
    "COMMAND_LINE",
    "FAILURES_FORGOTTEN_AFTER",
    "FIRST_SIGN_IN_DAYS",
    "FREE_FAILURES",
    "MAX_WAIT_SECONDS",
    "AuthenticationFailed",
    "EnrolmentCodeRejected",
    "LoginThrottled",
    "SignInClient",
    "SignedIn",
    "TotpEnrolment",
    "UnderAttack",
    "accounts_under_attack",
    "allow_first_sign_in",
    "authenticate",
    "begin_first_sign_in",
    "begin_totp_enrolment",
    "client_network",
    "confirm_first_sign_in",
    "confirm_totp_enrolment",
    "disable_staff",
    "enable_staff",
    "first_sign_in_secret",
    "normalise_email",
    "set_password",
    "sign_in",
    "throttle_key",
    "wait_after",
]
