"""Benchmark: staff queue-page latency with 100k cases, and public web-form submissions/s.

Run: ``python bench/console.py [--cases N] [--database sqlite|postgresql] [--requests N]
[--concurrency C] [--form-seconds S] [--json PATH] [--keep DIR] [--postgres-url URL]``.

It builds a deployment (English and Urdu, the Pakistan jurisdiction, the web form) and
seeds ``--cases`` cases straight through the repositories, in batches of 2,000 per
transaction and encrypted as intake stores them: per case a caller (with its blind index),
the case (varied status, risk, language, categories and specialisms; most assigned to
someone from a pool of 32 staff, about 1% to the benchmark's lawyer), a web-form
contact and one inbound message (on PostgreSQL then ``VACUUM ANALYZE``, as autovacuum
soon would). It then runs ``helplinekit serve`` as a real subprocess on a
free loopback port, over https with a throw-away self-signed certificate (the ``__Host-``
session cookies are ``Secure``, and it is the path production takes), and drives it from
this process with httpx:

1. Queue pages. A supervisor (every case is in their team queue, high risk first) and a
   lawyer (their own ~1%) sign in through ``/staff/login``; then ``--requests`` requests
   each, after a warm-up, to ``/staff/queue?view=team`` (the open cases, the default), the
   same with every status ticked (all ``--cases``),
   ``/staff/queue?view=team&risk=high&status=new`` (both as the supervisor) and
   ``/staff/queue?view=mine`` (as the lawyer), one at a time and taking turns: latency
   p50/p95/p99/max and requests/s per page. Then the same pages again from
   ``--concurrency`` clients at once. Every answer must be a 200 showing the case count
   the database holds, or the benchmark fails.
2. Web-form submissions. ``--concurrency`` clients each GET ``/form`` (for its signed token)
   and POST it, for ``--form-seconds`` seconds: submissions/s and the POST's p50/p95. Every
   POST must be a 200 with a case code. ``[web] rate_limit`` is set to a billion for this
   run, so the throughput is measured, not the per-address rate limit (10 per 10 minutes by
   default). The passphrase's Argon2id hash (19 MiB, t=2) is most of each POST; its cost on
   this machine is measured and printed next to the result.

It prints the machine, the seeding time and a table of results, and writes them as JSON
with ``--json PATH``. Nothing is kept between runs (a temporary folder; on PostgreSQL a
scratch database, dropped after) unless ``--keep DIR``: the deployment, its keys and the
seeded database then stay in DIR, and a later run with the same DIR, ``--database`` and
``--cases`` reuses them instead of seeding again.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import importlib.util
import json
import math
import os
import platform
import random
import re
import secrets
import signal
import socket
import sqlite3
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = os.environ.get(
    "HELPLINEKIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 2_000
PASSWORD = "benchmark staff passphrase"
SUPERVISOR = "bench.supervisor@helpline.test"
LAWYER = "bench.lawyer@helpline.test"
LAWYER_SHARE = 0.01  # of the cases past intake, assigned to the benchmark's lawyer
RATE_LIMIT = 1_000_000_000
HISTORY_DAYS = 540
WARM_UP = 10
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
MANIFEST = "bench-console.json"
CODE_RE = re.compile(r"\b[ACDEFGHJKMNPQRTVWXY2345679]{4}(?:-[ACDEFGHJKMNPQRTVWXY2345679]{4}){3}\b")
CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')

CONFIG = """
[helpline]
name = "Benchmark Helpline"
country = "PK"
timezone = "Asia/Karachi"
reference_prefix = "HL"

[languages]
enabled = ["en", "ur"]
default = "en"

[channels]
enabled = ["web.form"]

[jurisdiction]
key = "pakistan.pk"

[database]
url = "{url}"

[web]
# Far above any real limit (10 per 10 minutes by default): the benchmark measures the
# form's throughput from one loopback address, not the rate limiter.
rate_limit = {rate_limit}
rate_window_seconds = 60
"""

BODIES = (
    "Someone made a fake account with my photos and is sending them to my family. I am "
    "scared to go out. Please tell me what I can do.",
    "My ex-husband says he will post our private pictures unless I pay him. He knows where "
    "I work and messages my colleagues.",
    "A group is sharing my phone number and address on a Facebook page and I get calls at "
    "night from men I do not know. The police did not take my complaint.",
    "Mera account hack ho gaya hai aur koi meri taraf se logon ko paise mangne ke messages "
    "bhej raha hai. Main kya karun?",
    "I think someone installed an app on my phone: my husband knows everything I write to my "
    "sister. How can I check without him noticing?",
)
PLATFORMS = ("facebook", "instagram", "whatsapp", "tiktok", "x", "youtube", "snapchat")

# Status by the case's age in days: recent cases are still being worked, old ones closed.
STATUS_BY_AGE = (
    (14, {"new": 35, "triaged": 20, "in_progress": 30, "waiting_on_caller": 10, "referred": 5}),
    (
        90,
        {
            "new": 3,
            "triaged": 5,
            "in_progress": 30,
            "waiting_on_caller": 15,
            "referred": 12,
            "resolved": 25,
            "closed": 10,
        },
    ),
    (
        HISTORY_DAYS + 1,
        {"in_progress": 3, "waiting_on_caller": 2, "referred": 3, "resolved": 12, "closed": 80},
    ),
)
RISK_NEW = {"unknown": 75, "low": 8, "medium": 10, "high": 7}
RISK_TRIAGED = {"unknown": 3, "low": 50, "medium": 35, "high": 12}
POOL = {  # the caseworkers cases are assigned to, by role
    "intake": 6,
    "lawyer": 8,
    "digital_security": 8,
    "counsellor": 8,
    "supervisor": 2,
}


def console() -> Any:
    from rich.console import Console

    out = Console()
    return out if out.is_terminal else Console(width=132)


def plural(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# -- the deployment ---------------------------------------------------------------------------


@dataclass
class Deployment:
    folder: Path
    kind: str
    url: str
    toml: Path
    certfile: Path
    keyfile: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def seeded(self) -> bool:
        return bool(self.manifest.get("seeded"))

    def save_manifest(self) -> None:
        write_manifest(self.folder, self.manifest)


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """What ``--keep`` needs next time: the keys, the database and the staff ids."""
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    path.chmod(0o600)  # it holds the benchmark deployment's keys


def admin_execute(admin_url: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    with psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    ) as connection:
        connection.execute(statement)


def drop_statement(name: str) -> str:
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def load_make_self_signed() -> Any:
    """``make_self_signed`` from tests/tls.py (one self-signed certificate helper, not two)."""
    spec = importlib.util.spec_from_file_location("_bench_tls", ROOT / "tests" / "tls.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_self_signed


@contextlib.contextmanager
def deployment(args: argparse.Namespace) -> Iterator[Deployment]:
    """The benchmark's deployment: fresh in a temporary folder, or kept in ``--keep DIR``."""
    from sqlalchemy.engine import make_url

    with contextlib.ExitStack() as stack:
        if args.keep:
            folder = Path(args.keep).resolve()
            folder.mkdir(parents=True, exist_ok=True)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hk-bench-")))
        manifest_path = folder / MANIFEST
        manifest: dict[str, Any] = {}
        if manifest_path.exists():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            if (manifest.get("database"), manifest.get("cases")) != (args.database, args.cases):
                raise SystemExit(
                    f"{folder} holds a {manifest.get('database')} deployment seeded with "
                    f"{manifest.get('cases')} cases; give another --keep folder (or delete "
                    "this one) to benchmark --database "
                    f"{args.database} --cases {args.cases}."
                )
            if not manifest.get("seeded"):  # an interrupted seeding: start again from empty
                for leftover in folder.glob("helpline.db*"):
                    leftover.unlink()
                name = manifest.pop("postgres_database", None)
                if name is not None:
                    admin_execute(args.postgres_url, drop_statement(name))
        else:
            manifest = {
                "database": args.database,
                "cases": args.cases,
                "kek": base64.b64encode(secrets.token_bytes(32)).decode(),
                "index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
                "seeded": False,
            }
        os.environ["HELPLINEKIT_KEK"] = manifest["kek"]
        os.environ["HELPLINEKIT_INDEX_KEY"] = manifest["index_key"]

        if args.database == "sqlite":
            url = f"sqlite:///{folder / 'helpline.db'}"
        else:
            name = manifest.get("postgres_database")
            if name is None:
                name = f"hk_bench_{uuid.uuid4().hex[:12]}"
                admin_execute(args.postgres_url, f'CREATE DATABASE "{name}"')
                manifest["postgres_database"] = name
                if args.keep:  # so that a failure from here on still leaves its name behind
                    write_manifest(folder, manifest)
            if not args.keep:
                stack.callback(admin_execute, args.postgres_url, drop_statement(name))
            url = (
                make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
            )
            from helplinekit.db import migrate
            from helplinekit.db.engine import make_engine

            engine = make_engine(url)
            migrate.upgrade(engine)  # production runs 'helplinekit db upgrade' first
            engine.dispose()

        toml = folder / "helpline.toml"
        toml.write_text(
            CONFIG.format(url=url.replace("\\", "\\\\").replace('"', '\\"'), rate_limit=RATE_LIMIT),
            encoding="utf-8",
        )
        certfile, keyfile = load_make_self_signed()(folder / "tls")
        found = Deployment(folder, args.database, url, toml, certfile, keyfile, manifest)
        if args.keep:
            found.save_manifest()
        yield found


def open_helpline(found: Deployment) -> Any:
    from helplinekit.api import Helpline
    from helplinekit.plugins import get_plugin_manager

    return Helpline.open(found.toml, pm=get_plugin_manager())


# -- staff ------------------------------------------------------------------------------------


def make_staff(helpline: Any) -> dict[str, list[uuid.UUID]]:
    """The pool of caseworkers (no sign-in) and the two benchmark accounts; ids by role."""
    from helplinekit.domain import Role, Specialism, Specialist

    system = helpline.system()
    specialism_of = {
        "lawyer": {Specialism.LEGAL},
        "digital_security": {Specialism.DIGITAL_SECURITY},
        "counsellor": {Specialism.COUNSELLING},
    }
    pool: dict[str, list[uuid.UUID]] = {}
    for role, count in POOL.items():
        for n in range(count):
            saved = helpline.save_staff(
                system,
                Specialist(
                    email=f"{role.replace('_', '.')}.{n + 1}@helpline.test",
                    display_name=f"{role.replace('_', ' ').title()} {n + 1}",
                    roles={Role(role)},
                    specialisms=specialism_of.get(role, set()),
                    languages=("en", "ur") if n % 2 else ("en",),
                    capacity=400,
                ),
            )
            pool.setdefault(role, []).append(saved.id)
    for email, role in ((SUPERVISOR, Role.SUPERVISOR), (LAWYER, Role.LAWYER)):
        saved = helpline.save_staff(
            system,
            Specialist(
                email=email,
                display_name="Benchmark " + role.value.title(),
                roles={role},
                specialisms={Specialism.LEGAL} if role is Role.LAWYER else set(),
                languages=("en", "ur"),
                capacity=2_000,
            ),
        )
        helpline.set_password(system, email, PASSWORD)
        pool.setdefault("bench." + role.value, []).append(saved.id)
    return pool


def fresh_recovery_codes(helpline: Any, email: str) -> list[str]:
    """Enrol a new authenticator for ``email`` (as an admin would); its recovery codes.

    The benchmark signs in with a recovery code: the TOTP code of the current step is spent
    by the enrolment's confirmation, and the next step can be up to 30 s away.
    """
    from helplinekit.security.passwords import totp_code, totp_step

    system = helpline.system()
    enrolment = helpline.begin_totp_enrolment(system, email)
    helpline.confirm_totp_enrolment(
        system, email, totp_code(enrolment.secret, totp_step(datetime.now(UTC)))
    )
    return list(enrolment.recovery_codes)


# -- seeding ----------------------------------------------------------------------------------


def seed(helpline: Any, total: int, staff: dict[str, list[uuid.UUID]], out: Any) -> float:
    """Store ``total`` cases through the repositories, ``BATCH`` per transaction; seconds."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from helplinekit.domain import (
        URN,
        Assignment,
        Caller,
        Case,
        CaseAttributes,
        CaseStatus,
        Consent,
        Contact,
        ContactKind,
        Direction,
        Message,
        PerpetratorRelation,
        RiskLevel,
        Specialism,
    )

    ctx = helpline.context
    prefix = ctx.config.helpline.reference_prefix
    codes = [entry.item.code for entry in ctx.registries.taxonomy]
    languages = list(ctx.config.languages.enabled)
    by_specialism = {
        Specialism.LEGAL: staff["lawyer"],
        Specialism.DIGITAL_SECURITY: staff["digital_security"],
        Specialism.COUNSELLING: staff["counsellor"],
    }
    lawyer = staff["bench.lawyer"][0]
    supervisors = staff["supervisor"]
    rng = random.Random(20260501)
    now = datetime.now(UTC)
    start_at = now - timedelta(days=HISTORY_DAYS)
    step = timedelta(days=HISTORY_DAYS) / max(total, 1)

    def references(uow: Any, opened: list[datetime]) -> list[str]:
        """The batch's case references: one counter UPDATE per year, not one per case."""
        from sqlalchemy import update

        from helplinekit.db.models import CaseCounterRow
        from helplinekit.domain import format_case_reference

        needed: dict[int, int] = {}
        for when in opened:
            needed[when.year] = needed.get(when.year, 0) + 1
        next_number: dict[int, int] = {}
        for year, count in needed.items():
            last = uow.session.execute(
                update(CaseCounterRow)
                .where(CaseCounterRow.year == year)
                .values(last_number=CaseCounterRow.last_number + count)
                .returning(CaseCounterRow.last_number)
            ).scalar_one_or_none()
            if last is None:
                last = count
                uow.session.add(CaseCounterRow(year=year, last_number=count))
                uow.session.flush()
            next_number[year] = last - count + 1
        given = []
        for when in opened:
            given.append(format_case_reference(when.year, next_number[when.year], prefix))
            next_number[when.year] += 1
        return given

    def one_case(i: int, uow: Any, opened: datetime, reference: str) -> None:
        age = (now - opened).days
        weights = next(w for limit, w in STATUS_BY_AGE if age < limit)
        status = CaseStatus(pick(rng, weights))
        past_intake = status is not CaseStatus.NEW
        risk = RiskLevel(pick(rng, RISK_TRIAGED if past_intake else RISK_NEW))
        nonce = base64.urlsafe_b64encode(rng.randbytes(18)).rstrip(b"=").decode()
        urn = URN(scheme="web", path=nonce)
        consent_services = rng.random() < 0.9
        consent_statistics = rng.random() < 0.5
        caller = Caller(
            contact_points=[urn],
            consent=Consent(
                services=consent_services,
                anonymised_statistics=consent_statistics,
                recorded_at=opened if consent_services or consent_statistics else None,
            ),
            created_at=opened,
        )
        uow.callers.add(caller)

        categories: list[str] = []
        specialisms: set[Specialism] = set()
        assignments: list[Assignment] = []
        attributes = CaseAttributes(first_contact_channel="web.form")
        if past_intake:
            categories = rng.sample(codes, rng.choice((1, 1, 2, 3)))
            specialisms = set(rng.sample(list(Specialism), rng.choice((1, 1, 2))))
            attributes = CaseAttributes(
                first_contact_channel="web.form",
                victim_is_minor=rng.random() < 0.08,
                perpetrator_relation=rng.choice(list(PerpetratorRelation)),
                platforms=tuple(rng.sample(PLATFORMS, rng.choice((1, 1, 2)))),
            )
            assigned_at = opened + timedelta(hours=rng.uniform(1, 48))
            by = rng.choice(supervisors)
            for specialism in sorted(specialisms):
                assignments.append(
                    Assignment(
                        specialist_id=rng.choice(by_specialism[specialism]),
                        specialism=specialism,
                        assigned_at=assigned_at,
                        assigned_by=by,
                    )
                )
            if rng.random() < LAWYER_SHARE:
                assignments.append(
                    Assignment(
                        specialist_id=lawyer,
                        specialism=Specialism.LEGAL,
                        assigned_at=assigned_at,
                        assigned_by=by,
                    )
                )
        elif rng.random() < 0.3:
            assignments.append(
                Assignment(specialist_id=rng.choice(staff["intake"]), assigned_at=opened)
            )
        # Automatic triage failed on a few new cases: a person must look at them.
        untriaged = not past_intake and risk is RiskLevel.UNKNOWN and rng.random() < 0.05
        closed_at = None
        if status is CaseStatus.CLOSED:
            closed_at = min(now, opened + timedelta(days=rng.uniform(2, 90)))
        case = Case(
            reference=reference,
            caller_id=caller.id,
            status=status,
            categories=categories,
            attributes=attributes,
            risk_level=risk,
            jurisdiction="PK",
            language=rng.choices(languages, weights=[3, 2][: len(languages)])[0],
            specialisms_needed=specialisms,
            assignments=assignments,
            needs_manual_triage=untriaged,
            opened_at=opened,
            closed_at=closed_at,
        )
        uow.cases.add(case)
        contact = Contact(
            caller_id=caller.id,
            case_id=case.id,
            channel="web.form",
            kind=ContactKind.WEB_FORM,
            is_first_contact=True,
            started_at=opened,
        )
        uow.contacts.add(contact, address=urn)
        uow.messages.add(
            Message(
                contact_id=contact.id,
                direction=Direction.INBOUND,
                channel="web.form",
                provider_message_id=nonce,
                body=rng.choice(BODIES),
                created_at=opened,
            ),
            case.id,
        )

    started = time.perf_counter()
    with Progress(
        TextColumn("seeding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cases"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=not out.is_terminal,
    ) as progress:
        task = progress.add_task("seed", total=total)
        for first in range(0, total, BATCH):
            last = min(total, first + BATCH)
            opened = [
                start_at + step * i + timedelta(seconds=rng.uniform(0, 60))
                for i in range(first, last)
            ]
            with ctx.database.uow() as uow:
                given = references(uow, opened)
                for i in range(first, last):
                    one_case(i, uow, opened[i - first], given[i - first])
                uow.commit()
            progress.update(task, completed=last)
    return time.perf_counter() - started


def analyse(found: Deployment, out: Any) -> None:
    """On PostgreSQL, VACUUM ANALYZE after the bulk load, as autovacuum soon would.

    Without it the planner works from the empty tables' statistics. SQLite gets nothing:
    helplinekit never runs ANALYZE there, so neither does a real deployment.
    """
    if found.kind != "postgresql":
        return
    from sqlalchemy import text

    from helplinekit.db.engine import make_engine

    engine = make_engine(found.url, isolation_level="AUTOCOMMIT")
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    out.print(f"VACUUM ANALYZE after seeding: {time.perf_counter() - started:.1f} s")


#: Every status a staff member can tick (erased cases are not in queues).
EVERY_STATUS = (
    "new",
    "triaged",
    "in_progress",
    "waiting_on_caller",
    "referred",
    "resolved",
    "closed",
)


@dataclass
class Expected:
    team_all: int
    team_open: int
    high_new: int
    mine: int


def expected_counts(helpline: Any, lawyer_id: uuid.UUID) -> Expected:
    """What the queue pages must show, counted here with plain SQL (not the queue's code)."""
    from sqlalchemy import distinct, func, select

    from helplinekit.db.models import AssignmentRow, CaseRow
    from helplinekit.domain import CaseStatus, RiskLevel

    with helpline.context.database.uow(read_only=True) as uow:
        session = uow.session
        team = session.scalar(select(func.count()).select_from(CaseRow))
        still_open = CaseRow.status.not_in([CaseStatus.CLOSED, CaseStatus.ERASED])
        team_open = session.scalar(select(func.count()).select_from(CaseRow).where(still_open))
        high_new = session.scalar(
            select(func.count())
            .select_from(CaseRow)
            .where(CaseRow.status == CaseStatus.NEW, CaseRow.risk_level == RiskLevel.HIGH)
        )
        # A queue shows the open cases unless statuses are chosen.
        mine = session.scalar(
            select(func.count(distinct(AssignmentRow.case_id)))
            .join(CaseRow, CaseRow.id == AssignmentRow.case_id)
            .where(AssignmentRow.specialist_id == lawyer_id, still_open)
        )
    return Expected(int(team or 0), int(team_open or 0), int(high_new or 0), int(mine or 0))


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(found: Deployment, verify: ssl.SSLContext) -> Iterator[str]:
    """``helplinekit serve`` over https on a free loopback port; its base URL once it answers."""
    import httpx

    port = free_port()
    command = [
        sys.executable,
        "-m",
        "helplinekit",
        "serve",
        "--port",
        str(port),
        "--certfile",
        str(found.certfile),
        "--keyfile",
        str(found.keyfile),
        "--config",
        str(found.toml),
    ]
    env = {k: v for k, v in os.environ.items() if k != "HELPLINEKIT_CONFIG"}
    log_path = found.folder / "serve.log"
    base = f"https://127.0.0.1:{port}"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise SystemExit(
                        f"serve exited with {process.returncode}:\n{log_path.read_text()}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/form", verify=verify, timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise SystemExit(f"serve did not answer in time:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield base
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    text = log_path.read_text(encoding="utf-8")
    if "Traceback" in text:
        raise SystemExit(f"serve logged an error:\n{text}")


def client(base: str, verify: ssl.SSLContext) -> Any:
    import httpx

    return httpx.Client(base_url=base, verify=verify, timeout=120, follow_redirects=False)


def sign_in(base: str, verify: ssl.SSLContext, email: str, code: str) -> Any:
    """A client signed in through the real sign-in form (password and a one-time code)."""
    staff = client(base, verify)
    page = staff.get("/staff/login")
    match = CSRF_RE.search(page.text)
    if page.status_code != 200 or match is None:
        raise SystemExit(f"GET /staff/login answered {page.status_code} without a CSRF token")
    answer = staff.post(
        "/staff/login",
        data={"csrf": match.group(1), "email": email, "password": PASSWORD, "code": code},
    )
    if answer.status_code != 303 or "__Host-hk_session" not in staff.cookies:
        raise SystemExit(f"signing in as {email} failed: {answer.status_code}\n{answer.text[:500]}")
    return staff


# -- measuring --------------------------------------------------------------------------------


def summary(samples: list[float], seconds: float) -> dict[str, float]:
    """Latency percentiles (ms) and the rate, from per-request seconds."""
    ordered = sorted(samples)

    def percentile(p: float) -> float:
        if not ordered:
            return float("nan")
        index = max(0, math.ceil(p / 100 * len(ordered)) - 1)  # the nearest-rank method
        return ordered[index] * 1000

    return {
        "requests": len(ordered),
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "max_ms": ordered[-1] * 1000 if ordered else float("nan"),
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
        "per_second": len(ordered) / seconds if seconds > 0 else float("nan"),
    }


@dataclass
class Page:
    label: str
    path: str
    who: str
    count: int

    def check(self, response: Any) -> None:
        if response.status_code != 200:
            raise SystemExit(
                f"{self.path} as {self.who} answered {response.status_code}:\n{response.text[:800]}"
            )
        noun = "case" if self.count == 1 else "cases"
        if f'<p class="count">{self.count} {noun}</p>' not in response.text:
            shown = re.search(r'<p class="count">([^<]*)</p>', response.text)
            raise SystemExit(
                f"{self.path} as {self.who} shows {shown.group(1) if shown else 'no count'!r}; "
                f"the database holds {self.count} {noun} for it"
            )


def measure_queue_sequential(
    pages: list[Page], clients: dict[str, Any], requests: int
) -> dict[str, dict[str, float]]:
    """Each page ``requests`` times, one request at a time, the pages taking turns."""
    for _ in range(WARM_UP):
        for page in pages:
            page.check(clients[page.who].get(page.path))
    samples: dict[str, list[float]] = {page.label: [] for page in pages}
    for _ in range(requests):
        for page in pages:
            started = time.perf_counter()
            response = clients[page.who].get(page.path)
            samples[page.label].append(time.perf_counter() - started)
            page.check(response)
    # One at a time: a page's rate is what one client gets while only it asks.
    return {label: summary(values, sum(values)) for label, values in samples.items()}


def run_threads(count: int, work: Any) -> tuple[float, list[BaseException]]:
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def measure_queue_concurrent(
    pages: list[Page],
    clients: dict[str, Any],
    base: str,
    verify: ssl.SSLContext,
    requests: int,
    concurrency: int,
) -> dict[str, dict[str, float]]:
    """The same pages from ``concurrency`` clients at once (same sessions, own connections)."""
    plan = [page for _ in range(requests) for page in pages]
    lock = threading.Lock()
    samples: dict[str, list[float]] = {page.label: [] for page in pages}

    def work(n: int) -> None:
        mine = {who: client(base, verify) for who in clients}
        for who, own in mine.items():
            own.cookies = clients[who].cookies
        try:
            for page in plan[n::concurrency]:
                started = time.perf_counter()
                response = mine[page.who].get(page.path)
                elapsed = time.perf_counter() - started
                page.check(response)
                with lock:
                    samples[page.label].append(elapsed)
        finally:
            for own in mine.values():
                own.close()

    seconds, errors = run_threads(concurrency, work)
    if errors:
        raise errors[0]
    results = {label: summary(values, seconds) for label, values in samples.items()}
    results["all pages"] = summary([v for values in samples.values() for v in values], seconds)
    return results


def measure_form(
    base: str, verify: ssl.SSLContext, concurrency: int, seconds: float
) -> dict[str, Any]:
    """``concurrency`` clients each GET /form and POST it, until ``seconds`` have passed."""
    lock = threading.Lock()
    posts: list[float] = []
    gets: list[float] = []
    deadline = time.perf_counter() + seconds

    def work(n: int) -> None:
        with client(base, verify) as visitor:
            number = 0
            while time.perf_counter() < deadline:
                number += 1
                started = time.perf_counter()
                form = visitor.get("/form")
                got = time.perf_counter() - started
                token = TOKEN_RE.search(form.text)
                if form.status_code != 200 or token is None:
                    raise SystemExit(f"GET /form answered {form.status_code} without a token")
                started = time.perf_counter()
                sent = visitor.post(
                    "/form",
                    data={
                        "token": token.group(1),
                        "message": f"{BODIES[(n + number) % len(BODIES)]} ({n}.{number})",
                        "website": "",
                        "language": "en",
                        "consent_services": "yes",
                        "passphrase": f"bench passphrase {n} {number}",
                    },
                )
                posted = time.perf_counter() - started
                if sent.status_code != 200 or CODE_RE.search(sent.text) is None:
                    raise SystemExit(
                        f"POST /form answered {sent.status_code} without a case code:\n"
                        f"{sent.text[:800]}"
                    )
                with lock:
                    gets.append(got)
                    posts.append(posted)

    elapsed, errors = run_threads(concurrency, work)
    if errors:
        raise errors[0]
    return {
        "submissions": len(posts),
        "seconds": elapsed,
        "per_second": len(posts) / elapsed,
        "post": summary(posts, elapsed),
        "get": summary(gets, elapsed),
    }


def argon2_cost(rounds: int = 5) -> float:
    """Seconds for one Argon2id hash of a passphrase with the helpline's parameters."""
    from helplinekit.security.passwords import hash_password

    hash_password("warm up the hasher")
    started = time.perf_counter()
    for n in range(rounds):
        hash_password(f"benchmark passphrase {n}")
    return (time.perf_counter() - started) / rounds


# -- the report -------------------------------------------------------------------------------


def machine(found: Deployment) -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "database": found.kind,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024**2, 1)
    if found.kind == "postgresql":
        from sqlalchemy import text

        from helplinekit.db.engine import make_engine

        engine = make_engine(found.url)
        with engine.connect() as connection:
            info["postgresql"] = connection.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
    else:
        info["database_file"] = found.url.removeprefix("sqlite:///")
    return info


def print_report(out: Any, results: dict[str, Any]) -> None:
    from rich.table import Table

    info = results["machine"]
    out.print(
        f"\n[bold]Machine[/]: {info['cores']} cores ({info['cpu']}), "
        f"{info.get('memory_gib', '?')} GiB, {info['system']}; Python {info['python']}, "
        f"SQLite {info['sqlite']}"
        + (f", PostgreSQL {info['postgresql']}" if "postgresql" in info else "")
        + f"; database: {info['database']}; load average "
        + " ".join(f"{x:.1f}" for x in info["load_average_at_start"])
        + " at the start, "
        + " ".join(f"{x:.1f}" for x in info["load_average_at_end"])
        + " at the end (1, 5, 15 min)",
        soft_wrap=True,
    )
    seeding = results["seeding"]
    if seeding["seconds"] is None:
        out.print(f"[bold]Seeding[/]: reused {seeding['cases']} cases from --keep")
    else:
        out.print(
            f"[bold]Seeding[/]: {seeding['cases']} cases in {seeding['seconds']:.1f} s "
            f"({seeding['cases_per_second']:.0f} cases/s, {BATCH} per transaction)"
        )
    server = results["server"]
    out.print(
        f"[bold]Server[/]: helplinekit serve, 1 process, {server['scheme']} on 127.0.0.1 "
        f"(self-signed certificate); load generator: httpx in this process"
    )

    queue = results["queue"]
    table = Table(title=f"Queue pages ({queue['requests']} requests each, after {WARM_UP} warm-up)")
    columns = ("page", "cases shown", "clients", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s")
    for column in columns:
        table.add_column(column, justify="left" if column == "page" else "right")
    for mode, clients in (("sequential", 1), ("concurrent", queue["concurrency"])):
        for label, row in queue[mode].items():
            table.add_row(
                label,
                str(queue["counts"].get(label, "")),
                str(clients),
                f"{row['p50_ms']:.1f}",
                f"{row['p95_ms']:.1f}",
                f"{row['p99_ms']:.1f}",
                f"{row['max_ms']:.1f}",
                f"{row['per_second']:.1f}",
            )
        table.add_section()
    out.print(table)

    form = results["form"]
    table = Table(title=f"Web form ({form['concurrency']} clients, {form['seconds']:.1f} s)")
    for column in ("step", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for label, key in (("GET /form", "get"), ("POST /form", "post")):
        row = form[key]
        table.add_row(
            label,
            str(row["requests"]),
            f"{row['p50_ms']:.1f}",
            f"{row['p95_ms']:.1f}",
            f"{row['p99_ms']:.1f}",
            f"{row['max_ms']:.1f}",
        )
    out.print(table)

    out.print("\n[bold]Summary[/]")
    for label, row in queue["sequential"].items():
        out.print(
            f"queue {label} ({plural(queue['counts'][label])}): p50 {row['p50_ms']:.1f} ms, "
            f"p95 {row['p95_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, "
            f"{row['per_second']:.1f} req/s (one client)",
            soft_wrap=True,
        )
    both = queue["concurrent"]["all pages"]
    out.print(
        f"queue, {queue['concurrency']} clients at once, all pages: p50 {both['p50_ms']:.1f} ms, "
        f"p95 {both['p95_ms']:.1f} ms, {both['per_second']:.1f} req/s",
        soft_wrap=True,
    )
    post = form["post"]
    out.print(
        f"web form: {form['per_second']:.2f} submissions/s with {form['concurrency']} clients "
        f"({form['submissions']} in {form['seconds']:.1f} s); POST p50 {post['p50_ms']:.0f} ms, "
        f"p95 {post['p95_ms']:.0f} ms",
        soft_wrap=True,
    )
    argon, service = form["argon2id_ms"], form["server_ms_per_submission"]
    out.print(
        f"Argon2id (m=19 MiB, t=2, p=1) of the passphrase alone: {argon:.0f} ms per hash here, "
        f"{100 * argon / service:.0f}% of the server's {service:.0f} ms per submission "
        f"(GET and POST: 1 / submissions/s). One hash at a time would allow "
        f"{1000 / argon:.0f} submissions/s; the POST handler hashes in a worker thread, so "
        "several cores can hash at once",
        soft_wrap=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES_URL,
        help="a PostgreSQL database allowed to CREATE DATABASE (default: %(default)s)",
    )
    parser.add_argument("--requests", type=int, default=200, help="requests per queue page")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--form-seconds", type=float, default=20.0, help="how long to submit the web form"
    )
    parser.add_argument("--json", type=Path, help="also write the results here, as JSON")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the seeded deployment in DIR and reuse it next time"
    )
    args = parser.parse_args()
    if args.cases < 1 or args.requests < 1 or args.concurrency < 1 or args.form_seconds <= 0:
        parser.error("--cases, --requests, --concurrency and --form-seconds must be positive")

    import logging

    logging.disable(logging.WARNING)  # the seeding's own log lines would break the progress bar
    out = console()
    results: dict[str, Any] = {
        "arguments": {
            "cases": args.cases,
            "database": args.database,
            "requests": args.requests,
            "concurrency": args.concurrency,
            "form_seconds": args.form_seconds,
        }
    }
    with deployment(args) as found:
        results["machine"] = machine(found)
        out.print(
            f"Console benchmark: {args.cases} cases on {args.database}, in {found.folder}"
            + (" (kept)" if args.keep else "")
        )
        helpline = open_helpline(found)
        try:
            if found.seeded:
                staff = {k: [uuid.UUID(v) for v in vs] for k, vs in found.manifest["staff"].items()}
                seconds = None
            else:
                staff = make_staff(helpline)
                seconds = seed(helpline, args.cases, staff, out)
                out.print(
                    f"Seeded {args.cases} cases in {seconds:.1f} s ({args.cases / seconds:.0f}/s)"
                )
                analyse(found, out)
                found.manifest["staff"] = {k: [str(v) for v in vs] for k, vs in staff.items()}
                found.manifest["seeded"] = True
                if args.keep:
                    found.save_manifest()
            results["seeding"] = {
                "cases": args.cases,
                "seconds": seconds,
                "cases_per_second": None if seconds is None else args.cases / seconds,
                "batch": BATCH,
            }
            expected = expected_counts(helpline, staff["bench.lawyer"][0])
            codes = {email: fresh_recovery_codes(helpline, email) for email in (SUPERVISOR, LAWYER)}
        finally:
            helpline.close()

        pages = [
            Page("team (open cases)", "/staff/queue?view=team", "supervisor", expected.team_open),
            Page(
                "team, every status",
                "/staff/queue?view=team&" + "&".join(f"status={s}" for s in EVERY_STATUS),
                "supervisor",
                expected.team_all,
            ),
            Page(
                "team, high risk + new",
                "/staff/queue?view=team&risk=high&status=new",
                "supervisor",
                expected.high_new,
            ),
            Page("mine (lawyer)", "/staff/queue?view=mine", "lawyer", expected.mine),
        ]
        verify = ssl.create_default_context(cafile=str(found.certfile))
        results["server"] = {"scheme": "https", "processes": 1}
        with serving(found, verify) as base:
            clients = {
                "supervisor": sign_in(base, verify, SUPERVISOR, codes[SUPERVISOR].pop()),
                "lawyer": sign_in(base, verify, LAWYER, codes[LAWYER].pop()),
            }
            try:
                out.print(f"Measuring the queue pages ({args.requests} requests each) …")
                sequential = measure_queue_sequential(pages, clients, args.requests)
                concurrent = measure_queue_concurrent(
                    pages, clients, base, verify, args.requests, args.concurrency
                )
            finally:
                for staff_client in clients.values():
                    staff_client.close()
            results["queue"] = {
                "requests": args.requests,
                "warm_up": WARM_UP,
                "concurrency": args.concurrency,
                "counts": {page.label: page.count for page in pages},
                "paths": {page.label: page.path for page in pages},
                "sequential": sequential,
                "concurrent": concurrent,
            }
            out.print(
                f"Submitting the web form from {args.concurrency} clients for "
                f"{args.form_seconds:g} s …"
            )
            form = measure_form(base, verify, args.concurrency, args.form_seconds)
        form["concurrency"] = args.concurrency
        form["rate_limit"] = RATE_LIMIT
        form["argon2id_ms"] = argon2_cost() * 1000
        form["server_ms_per_submission"] = 1000 / form["per_second"]
        results["form"] = form
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]

    print_report(out, results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
        out.print(f"Results written to {args.json}")


if __name__ == "__main__":
    main()
