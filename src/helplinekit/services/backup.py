"""Backups: a consistent copy that stays encrypted at rest, and restoring one.

SQLite uses its online backup API (consistent while the helpline runs); PostgreSQL uses
``pg_dump`` in its custom format. A backup holds exactly what the database holds — ciphertext
and wrapped keys, never the key file — so it is useless without the key file, and it still
holds erased cases' wrapped keys until it is deleted. ``prune_backups`` deletes backups older
than ``[retention] backup_days``: that is when an erasure reaches the backups too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

from helplinekit.db.engine import has_tables, postgres_address, sqlite_path
from helplinekit.domain import DomainError
from helplinekit.security.policy import Actor
from helplinekit.services.audit_trail import audit_now
from helplinekit.services.context import ServiceContext

SQLITE_SUFFIX = ".sqlite-backup"
POSTGRES_SUFFIX = ".pgdump"


class BackupError(DomainError):
    """A backup or restore could not be done; the message says why and what to do."""


def default_backup_dir(ctx: ServiceContext) -> Path:
    return ctx.config.directory / "backups"


def _sqlite_path(url: str) -> Path:
    return Path(sqlite_path(url))


def create_backup(ctx: ServiceContext, destination: Path | None = None) -> Path:
    """Write a consistent backup; return its path."""
    now = ctx.clock()
    url = ctx.database.url
    is_sqlite = ctx.database.dialect == "sqlite"
    suffix = SQLITE_SUFFIX if is_sqlite else POSTGRES_SUFFIX
    if destination is None:
        destination = default_backup_dir(ctx) / f"helpline-{now:%Y%m%dT%H%M%S}{suffix}"
    destination = destination.absolute()
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose another name.")
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = destination.with_name(destination.name + ".partial")
    if is_sqlite:
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", *_pg_args(url)])
    os.chmod(partial, 0o600)
    partial.rename(destination)  # a backup is either complete or absent
    audit_now(ctx, Actor.system(), "backup.create", None, None, database=ctx.database.dialect)
    return destination


def restore_backup(ctx_url: str, backup: Path, *, force: bool = False) -> None:
    """Bring a backup back into the database at ``ctx_url`` (an empty one unless ``force``)."""
    if not backup.exists():
        raise BackupError(f"There is no backup at {backup}.")
    if ctx_url.startswith("sqlite"):
        target = _sqlite_path(ctx_url)
        if target.exists() and target.stat().st_size and not force:
            raise BackupError(
                f"{target} already holds a database; restore into a fresh deployment folder, "
                "or pass --force to replace it (its current data will be lost)."
            )
        try:
            check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
            check.close()
        except sqlite3.DatabaseError:
            ok = "not a SQLite database"
        if ok != "ok":
            raise BackupError(f"{backup} is not a usable SQLite backup ({ok}).")
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        temporary = target.with_name(target.name + ".restoring")
        shutil.copyfile(backup, temporary)
        os.chmod(temporary, 0o600)
        temporary.replace(target)
        return
    if not force and has_tables(ctx_url):
        raise BackupError(
            "The target PostgreSQL database already holds tables; restore into an empty "
            "database, or pass --force to replace them (their current data will be lost)."
        )
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            *(["--clean"] if force else []),
            "-d",
            _pg_dbname(ctx_url),
            str(backup),
        ]
    )


def prune_backups(ctx: ServiceContext, folder: Path | None = None) -> list[Path]:
    """Delete backups older than ``[retention] backup_days``; return what was deleted."""
    rules = ctx.config.retention
    folder = folder or default_backup_dir(ctx)
    cutoff = ctx.clock() - timedelta(days=rules.backup_days)
    removed = []
    for path in sorted(folder.glob("helpline-*")):
        if path.suffix not in (SQLITE_SUFFIX, POSTGRES_SUFFIX):
            continue
        try:
            stamp = datetime.strptime(path.stem.removeprefix("helpline-"), "%Y%m%dT%H%M%S")
        except ValueError:
            continue
        if stamp.replace(tzinfo=cutoff.tzinfo) < cutoff:
            path.unlink()
            removed.append(path)
    audit_now(
        ctx,
        Actor.system(),
        "backup.prune",
        None,
        None,
        removed=len(removed),
        backup_days=rules.backup_days,
    )
    return removed


def _pg_args(url: str) -> list[str]:
    address = postgres_address(url)
    args = ["-h", address.host, "-p", str(address.port)]
    if address.username:
        args += ["-U", address.username]
    return [*args, address.database]


def _pg_dbname(url: str) -> str:
    address = postgres_address(url)
    user = f"user={address.username} " if address.username else ""
    return f"{user}host={address.host} port={address.port} dbname={address.database}"


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed; install PostgreSQL's client tools.")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
