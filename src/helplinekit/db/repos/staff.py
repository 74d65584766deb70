"""Staff records (roles, specialisms, languages, capacity) and their sign-in credentials."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from attrs import frozen
from sqlalchemy import delete, select, update

from helplinekit.db.models import (
    DataKeyRow,
    KnownDeviceRow,
    LoginThrottleRow,
    SignInAlertRow,
    StaffRow,
    StaffSessionRow,
)
from helplinekit.db.repos.base import Repository
from helplinekit.domain import Role, Specialism, Specialist


@frozen
class Credentials:
    """What signing in needs to know about one account (the TOTP secret stays sealed).

    Attributes:
        staff_id: the account.
        active: whether it may sign in at all.
        password_hash: the Argon2id hash, or None before a password was set.
        totp_enrolled: whether a TOTP secret was confirmed with a valid code.
        totp_last_step: the last time step accepted (codes of that step or before are refused).
        recovery_codes: the hashes of the recovery codes not used yet.
        first_sign_in_until: until when the authenticator may be set up at a first sign-in.
    """

    staff_id: uuid.UUID
    active: bool
    password_hash: str | None
    totp_enrolled: bool
    totp_last_step: int | None
    recovery_codes: tuple[str, ...]
    first_sign_in_until: datetime | None = None


@frozen
class LoginState:
    """How far an account's sign-in set-up is, for listings."""

    has_password: bool
    totp: str  # "enrolled", "pending" (secret issued, not confirmed) or "none"
    recovery_codes_left: int


@frozen
class Throttle:
    """Consecutive failed sign-ins under one throttle key."""

    key: str
    failures: int
    blocked_until: datetime | None
    last_failure_at: datetime


@frozen
class KnownDevice:
    """A browser the staff member signed in from with both factors (no address is kept).

    Attributes:
        id: the device's id (for revoking it).
        staff_id: the account it is known for.
        description: a coarse description, such as "Firefox · Windows".
        created_at: when it was first seen.
        last_used_at: when it was last used to sign in.
    """

    id: uuid.UUID
    staff_id: uuid.UUID
    description: str
    created_at: datetime
    last_used_at: datetime


@frozen
class SignInAlert:
    """An account with many failed sign-ins from unknown devices in the current hour.

    Attributes:
        staff_id: the account.
        failures: failed sign-ins from unknown devices since ``window_start``.
        window_start: when the hour being counted began.
        last_failure_at: the latest of them.
        alerted_at: when the count reached the threshold (None: not yet).
    """

    staff_id: uuid.UUID
    failures: int
    window_start: datetime
    last_failure_at: datetime
    alerted_at: datetime | None


class StaffRepository(Repository):
    def save(self, specialist: Specialist) -> None:
        row = self.session.get(StaffRow, specialist.id)
        if row is None:
            row = StaffRow(id=specialist.id, created_at=datetime.now(UTC))
            self.session.add(row)
        row.email = specialist.email.lower()
        row.display_name = specialist.display_name
        row.roles = sorted(specialist.roles)
        row.specialisms = sorted(specialist.specialisms)
        row.languages = list(specialist.languages)
        row.capacity = specialist.capacity
        row.active = specialist.active
        self.session.flush()

    def get(self, staff_id: uuid.UUID) -> Specialist:
        row = self.session.get(StaffRow, staff_id)
        if row is None:
            raise LookupError(f"Staff member {staff_id} does not exist.")
        return _to_domain(row)

    def by_email(self, email: str) -> Specialist | None:
        row = self.session.scalars(
            select(StaffRow).where(StaffRow.email == email.strip().lower())
        ).first()
        return None if row is None else _to_domain(row)

    def active(self) -> list[Specialist]:
        rows = self.session.scalars(
            select(StaffRow).where(StaffRow.active.is_(True)).order_by(StaffRow.created_at)
        ).all()
        return [_to_domain(row) for row in rows]

    def all(self) -> list[Specialist]:
        return [
            _to_domain(row)
            for row in self.session.scalars(select(StaffRow).order_by(StaffRow.email))
        ]

    def exists(self, staff_id: uuid.UUID) -> bool:
        return self.session.get(StaffRow, staff_id) is not None

    def display_names(self) -> dict[uuid.UUID, str]:
        """Every staff member's display name, by id."""
        rows = self.session.execute(select(StaffRow.id, StaffRow.display_name)).all()
        return {staff_id: name for staff_id, name in rows}

    def set_ui_language(self, staff_id: uuid.UUID, tag: str | None) -> None:
        """The language the console is shown in for this account (None: the helpline's)."""
        self.session.execute(
            update(StaffRow).where(StaffRow.id == staff_id).values(ui_language=tag)
        )

    # -- credentials -------------------------------------------------------------------

    def _row(self, staff_id: uuid.UUID, *, for_update: bool = False) -> StaffRow:
        statement = select(StaffRow).where(StaffRow.id == staff_id)
        if for_update:
            statement = statement.with_for_update()
        row = self.session.scalars(statement).first()
        if row is None:
            raise LookupError(f"Staff member {staff_id} does not exist.")
        return row

    def credentials_by_email(self, email: str, *, for_update: bool = False) -> Credentials | None:
        """The account's credentials (locked for this transaction with ``for_update``)."""
        statement = select(StaffRow).where(StaffRow.email == email.strip().lower())
        if for_update:
            statement = statement.with_for_update()
        row = self.session.scalars(statement).first()
        return None if row is None else _credentials(row)

    def allow_first_sign_in(self, staff_id: uuid.UUID, until: datetime | None) -> None:
        """Let the account set up its authenticator at a first sign-in until ``until``."""
        self._row(staff_id, for_update=True).first_sign_in_until = until
        self.session.flush()

    def end_sessions(self, staff_id: uuid.UUID) -> int:
        """Sign the account out everywhere (its credentials changed); how many sessions ended."""
        from sqlalchemy import delete

        result = self.session.execute(
            delete(StaffSessionRow).where(StaffSessionRow.staff_id == staff_id)
        )
        return int(getattr(result, "rowcount", 0) or 0)  # a DELETE's result has a rowcount

    # -- known devices -----------------------------------------------------------------

    def device_by_token_hash(self, token_hash: str) -> KnownDevice | None:
        row = self.session.scalars(
            select(KnownDeviceRow).where(KnownDeviceRow.token_hash == token_hash)
        ).first()
        return None if row is None else _device(row)

    def add_device(
        self, staff_id: uuid.UUID, token_hash: str, description: str, at: datetime
    ) -> KnownDevice:
        row = KnownDeviceRow(
            id=uuid.uuid4(),
            token_hash=token_hash,
            staff_id=staff_id,
            description=description[:64],
            created_at=at,
            last_used_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return _device(row)

    def touch_device(self, device_id: uuid.UUID, at: datetime) -> None:
        row = self.session.get(KnownDeviceRow, device_id)
        if row is not None:
            row.last_used_at = at
            self.session.flush()

    def devices(self, staff_id: uuid.UUID) -> list[KnownDevice]:
        rows = self.session.scalars(
            select(KnownDeviceRow)
            .where(KnownDeviceRow.staff_id == staff_id)
            .order_by(KnownDeviceRow.last_used_at.desc(), KnownDeviceRow.id)
        ).all()
        return [_device(row) for row in rows]

    def forget_device(self, staff_id: uuid.UUID, device_id: uuid.UUID) -> bool:
        """Forget one of the account's devices; False when it has no such device."""
        result = self.session.execute(
            delete(KnownDeviceRow).where(
                KnownDeviceRow.id == device_id, KnownDeviceRow.staff_id == staff_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def forget_devices(self, staff_id: uuid.UUID, *, unused_since: datetime | None = None) -> int:
        """Forget the account's known devices (only those unused since ``unused_since``)."""
        statement = delete(KnownDeviceRow).where(KnownDeviceRow.staff_id == staff_id)
        if unused_since is not None:
            statement = statement.where(KnownDeviceRow.last_used_at < unused_since)
        result = self.session.execute(statement)
        return int(getattr(result, "rowcount", 0) or 0)

    # -- accounts under a guessing attack ----------------------------------------------

    def count_unknown_device_failure(
        self, staff_id: uuid.UUID, now: datetime, window: timedelta
    ) -> SignInAlert:
        """Count one failed sign-in to the account from an unknown device; return the count.

        The count covers one window: it starts again at the first failure after ``window``
        has passed since the window began. An alert lasts as long as the failures go on; a
        whole window without any ends it.
        """
        row = self.session.scalars(
            select(SignInAlertRow).where(SignInAlertRow.staff_id == staff_id).with_for_update()
        ).first()
        if row is None:
            row = SignInAlertRow(
                staff_id=staff_id, window_start=now, failures=0, last_failure_at=now
            )
            self.session.add(row)
        elif now - row.window_start >= window:
            if now - row.last_failure_at >= window:
                row.alerted_at = None  # quiet for a whole window: that attack is over
            row.window_start, row.failures = now, 0
        row.failures += 1
        row.last_failure_at = now
        self.session.flush()
        return _alert(row)

    def mark_alerted(self, staff_id: uuid.UUID, at: datetime) -> None:
        row = self.session.get(SignInAlertRow, staff_id)
        if row is not None:
            row.alerted_at = at
            self.session.flush()

    def alerts(self, since: datetime) -> list[SignInAlert]:
        """Accounts under an attack that reached the threshold, whose latest failure from an
        unknown device is after ``since``."""
        rows = self.session.scalars(
            select(SignInAlertRow)
            .where(
                SignInAlertRow.alerted_at.is_not(None),
                SignInAlertRow.last_failure_at >= since,
            )
            .order_by(SignInAlertRow.last_failure_at.desc())
        ).all()
        return [_alert(row) for row in rows]

    def prune_alerts(self, older_than: datetime) -> int:
        result = self.session.execute(
            delete(SignInAlertRow).where(SignInAlertRow.last_failure_at < older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def set_password_hash(self, staff_id: uuid.UUID, password_hash: str) -> None:
        self._row(staff_id, for_update=True).password_hash = password_hash
        self.session.flush()

    def set_active(self, staff_id: uuid.UUID, active: bool) -> Specialist:
        row = self._row(staff_id, for_update=True)
        row.active = active
        self.session.flush()
        return _to_domain(row)

    def start_totp(self, staff_id: uuid.UUID, secret: str, recovery_hashes: list[str]) -> None:
        """Store a new TOTP secret (sealed) and recovery codes; 2FA is pending until confirmed.

        The previous secret and codes stop working at once (a lost phone is revoked here).
        """
        row = self._row(staff_id, for_update=True)
        if self.session.get(DataKeyRow, staff_id) is None:
            self.keys.create("staff", staff_id)
        row.totp_secret = self.keys.seal(
            "staff", staff_id, StaffRow.__tablename__, "totp_secret", staff_id, secret
        )
        row.totp_enrolled_at = None
        row.totp_last_step = None
        row.recovery_codes = list(recovery_hashes)
        self.session.flush()
        self.end_sessions(staff_id)  # a new authenticator: nobody stays signed in on the old

    def totp_secret(self, staff_id: uuid.UUID) -> str | None:
        """The account's TOTP secret, decrypted (None when none was issued)."""
        row = self._row(staff_id)
        if row.totp_secret is None:
            return None
        value = self.keys.open(
            "staff", staff_id, StaffRow.__tablename__, "totp_secret", staff_id, row.totp_secret
        )
        return str(value)

    def confirm_totp(self, staff_id: uuid.UUID, step: int, at: datetime) -> None:
        row = self._row(staff_id, for_update=True)
        row.totp_last_step = step
        row.totp_enrolled_at = at
        row.first_sign_in_until = None  # set up: the first sign-in is over
        self.session.flush()

    def use_totp_step(self, staff_id: uuid.UUID, step: int) -> None:
        """Record the step of an accepted code: it and every earlier code are now refused."""
        row = self._row(staff_id, for_update=True)
        row.totp_last_step = max(step, row.totp_last_step or step)
        self.session.flush()

    def use_recovery_code(self, staff_id: uuid.UUID, code_hash: str) -> int:
        """Remove a used recovery code's hash; return how many are left."""
        row = self._row(staff_id, for_update=True)
        left = [item for item in (row.recovery_codes or []) if item != code_hash]
        row.recovery_codes = left
        self.session.flush()
        return len(left)

    def login_states(self) -> dict[uuid.UUID, LoginState]:
        rows = self.session.execute(
            select(
                StaffRow.id,
                StaffRow.password_hash,
                StaffRow.totp_secret.is_not(None),
                StaffRow.totp_enrolled_at,
                StaffRow.recovery_codes,
            )
        ).all()
        states = {}
        for staff_id, password_hash, has_secret, enrolled_at, codes in rows:
            totp = "enrolled" if enrolled_at else ("pending" if has_secret else "none")
            states[staff_id] = LoginState(
                has_password=password_hash is not None,
                totp=totp,
                recovery_codes_left=len(codes or []),
            )
        return states

    # -- sign-in throttling ------------------------------------------------------------

    def lock_throttle(self, key: str, now: datetime) -> Throttle:
        """The throttle row for ``key``, created if missing, locked until the transaction ends.

        Holding the lock while a password is checked makes attempts under one key take turns,
        so parallel guesses cannot all slip in before the first failure is counted.
        """
        if self.session.bind is not None and self.session.bind.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        # A concurrent success may delete the row while we wait for its lock; then the row is
        # gone when the lock is granted, and it is simply created again.
        for _ in range(5):
            self.session.execute(
                insert(LoginThrottleRow)
                .values(key=key, failures=0, blocked_until=None, last_failure_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = self.session.scalars(
                select(LoginThrottleRow)
                .where(LoginThrottleRow.key == key)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).first()
            if row is not None:
                return Throttle(row.key, row.failures, row.blocked_until, row.last_failure_at)
        raise RuntimeError("The login-throttle row kept disappearing; try again.")

    def record_failure(
        self, key: str, failures: int, blocked_until: datetime | None, now: datetime
    ) -> None:
        row = self.session.get(LoginThrottleRow, key)
        if row is None:
            raise LookupError("lock_throttle first.")
        row.failures = failures
        row.blocked_until = blocked_until
        row.last_failure_at = now
        self.session.flush()

    def clear_throttle(self, key: str) -> None:
        self.session.execute(delete(LoginThrottleRow).where(LoginThrottleRow.key == key))

    def prune_throttles(self, older_than: datetime) -> int:
        """Forget keys whose last failure is older than ``older_than`` (housekeeping)."""
        result = self.session.execute(
            delete(LoginThrottleRow).where(LoginThrottleRow.last_failure_at < older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def _device(row: KnownDeviceRow) -> KnownDevice:
    return KnownDevice(
        id=row.id,
        staff_id=row.staff_id,
        description=row.description,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


def _alert(row: SignInAlertRow) -> SignInAlert:
    return SignInAlert(
        staff_id=row.staff_id,
        failures=row.failures,
        window_start=row.window_start,
        last_failure_at=row.last_failure_at,
        alerted_at=row.alerted_at,
    )


def _credentials(row: StaffRow) -> Credentials:
    return Credentials(
        staff_id=row.id,
        active=row.active,
        password_hash=row.password_hash,
        totp_enrolled=row.totp_enrolled_at is not None and row.totp_secret is not None,
        totp_last_step=row.totp_last_step,
        recovery_codes=tuple(row.recovery_codes or ()),
        first_sign_in_until=row.first_sign_in_until,
    )


def _to_domain(row: StaffRow) -> Specialist:
    return Specialist(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        roles=frozenset(Role(r) for r in row.roles),
        specialisms=frozenset(Specialism(s) for s in row.specialisms),
        languages=tuple(row.languages),
        capacity=row.capacity,
        active=row.active,
    )
