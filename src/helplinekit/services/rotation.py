"""Key rotation: re-wrap every data key under a new key-encryption key.

Only the wrapped data keys change; no field is re-encrypted, so rotation is quick. It works
in batches, each committed on its own, and picks up where it stopped: a rotation
interrupted halfway is finished by running it again. When no data key is wrapped with an
older key-encryption key any more, the older keys are removed from the key file, so an old
copy of the key file can no longer open the database.
"""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from helplinekit.domain.errors import ConfigurationError
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit, audit_now
from helplinekit.services.context import ServiceContext

BATCH = 200


class RotationError(ConfigurationError):
    """The key provider cannot rotate (e.g. keys come from environment variables)."""


@frozen
class RotationReport:
    version: int
    rewrapped: int
    retired: tuple[int, ...]


def remaining(ctx: ServiceContext, version: int) -> int:
    with ctx.database.uow(read_only=True) as uow:
        return uow.keys.count_not_under(version)


def rotate_keys(
    ctx: ServiceContext,
    provider: object,
    *,
    start_new_key: bool = True,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> RotationReport:
    """Re-wrap every data key under the current (or a fresh) key-encryption key.

    :param provider: the deployment's key provider; it must support ``add_version`` and
        ``retire_versions`` (the built-in key file does).
    :param start_new_key: add a new key-encryption key first; False resumes an interrupted
        rotation under the current key.
    :param progress: called with (done, total) after each batch.
    """
    if not all(hasattr(provider, name) for name in ("add_version", "retire_versions")):
        raise RotationError(
            f"The key provider {getattr(provider, 'name', provider)!r} rotates its keys "
            "itself; use its own tools."
        )
    wrapper = ctx.database.wrapper
    if start_new_key and remaining(ctx, wrapper.current_kek_version) == 0:
        version = provider.add_version()  # type: ignore[attr-defined]
        audit_now(ctx, Actor.system(), "keys.rotate.start", None, None, version=version)
    version = wrapper.current_kek_version
    total = remaining(ctx, version)
    done = 0
    while True:
        with ctx.database.uow() as uow:
            rewrapped = uow.keys.rewrap_batch(version, batch)
            if not rewrapped:
                break
            uow.commit()
        done += rewrapped
        if progress is not None:
            progress(done, total)
    if remaining(ctx, version):
        raise RotationError("Some data keys are still being rotated by another process; run again.")
    retired = tuple(provider.retire_versions(version))  # type: ignore[attr-defined]
    with ctx.database.uow() as uow:
        audit(
            ctx,
            uow,
            Actor.system(),
            "keys.rotate",
            None,
            None,
            version=version,
            rewrapped=done,
            retired=len(retired),
        )
        uow.commit()
    return RotationReport(version=version, rewrapped=done, retired=retired)
