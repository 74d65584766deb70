"""A child process for ``test_crash_and_concurrency.py``; run it with ``sys.executable``.

Every command opens the deployment with ``Helpline.open`` (keys from the ``HELPLINEKIT_KEK``
and ``HELPLINEKIT_INDEX_KEY`` environment variables, no plugin entry points).

``burst``
    Import everything, print ``loaded`` and wait for a line on stdin (so the test can start
    the next child while it checks the last one). Then open the helpline, print ``ready``,
    and receive a burst of messages, one transaction each, printing each provider id
    *after* ``receive_message`` returned: the message is committed, and this is the
    acknowledgement a provider would get. Prints ``done`` at the end; the test kills it
    with SIGKILL long before.

``claim``
    Claim triage jobs (or outbox replies) until none is left, ``--limit`` per claim, each
    claim in its own transaction; "work" for ``--work-seconds``, then mark the claimed rows
    finished in another transaction, as a worker does.
    Writes the claimed ids, one per line, to ``--out``.

``work``
    Run the real worker (``Helpline.run_until_idle``) and write its report to ``--out``.

``deliver``
    Deliver messages ``0 … --count-1`` of ``--iteration`` in a shuffled order (a provider
    redelivering while another delivery is in flight) and write ``<provider id> stored``
    or ``<provider id> duplicate`` per message to ``--out``.

``claim``, ``work`` and ``deliver`` write ``--ready`` once connected and wait for ``--go``
to exist, so that every worker starts at the same moment.

Not a test module: pytest collects only ``test_*.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helplinekit.api import Helpline
    from helplinekit.contracts.channel import InboundMessage

#: The channel of every test message (intake does not need it to be enabled).
CHANNEL = "test.sms"
#: How many callers write again and again, across bursts: their messages join their case.
RETURNING_CALLERS = 13


def provider_id(iteration: int, n: int) -> str:
    return f"burst-{iteration}-{n}"


def burst_event(iteration: int, n: int) -> InboundMessage:
    """The ``n``-th message of burst ``iteration``: two in three from a new sender."""
    from helplinekit.contracts.channel import InboundMessage
    from helplinekit.domain import parse_urn

    if n % 3 == 2:
        sender = f"tel:+92302{n % RETURNING_CALLERS:07d}"  # a returning caller
    else:
        sender = f"tel:+92301{iteration:03d}{n:04d}"  # someone writing for the first time
    return InboundMessage(
        channel=CHANNEL,
        urn=parse_urn(sender),
        provider_message_id=provider_id(iteration, n),
        body=f"message {n} of burst {iteration}: please help, someone hacked my account",
    )


def open_helpline(args: argparse.Namespace) -> Helpline:
    from helplinekit.api import Helpline
    from helplinekit.plugins import get_plugin_manager

    return Helpline.open(
        args.config, pm=get_plugin_manager(load_entrypoints=False), database_url=args.database_url
    )


def wait_for_go(helpline: Helpline, args: argparse.Namespace) -> None:
    with helpline.context.database.uow(read_only=True) as uow:  # connect before the start
        uow.jobs.pending_count()
    Path(args.ready).write_text("ready", encoding="utf-8")
    go = Path(args.go)
    deadline = time.monotonic() + 120
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the test never said go")
        time.sleep(0.002)


def burst(args: argparse.Namespace) -> None:
    # Import now what opening and intake will need, then wait for the test's go-ahead.
    import helplinekit.api
    import helplinekit.db.migrate
    import helplinekit.db.uow
    import helplinekit.plugins
    import helplinekit.services.intake  # noqa: F401

    out = sys.stdout
    out.write("loaded\n")
    out.flush()
    if not sys.stdin.readline():
        return  # the test ended without using this child
    with open_helpline(args) as helpline:
        out.write("ready\n")
        out.flush()
        for n in range(args.count):
            result = helpline.receive_message(burst_event(args.iteration, n))
            if not result.stored:
                raise SystemExit(f"message {n} was not stored: {result}")
            # Only now is the message acknowledged to the provider.
            out.write(provider_id(args.iteration, n) + "\n")
            out.flush()
        out.write("done\n")
        out.flush()


def claim(args: argparse.Namespace) -> None:
    from helplinekit.services.context import utc_now

    claimed: list[str] = []
    with open_helpline(args) as helpline:
        database = helpline.context.database
        wait_for_go(helpline, args)
        while True:
            with database.uow() as uow:
                if args.what == "jobs":
                    ids = [job.id for job in uow.jobs.claim(args.worker, utc_now(), args.limit)]
                else:
                    ids = [r.id for r in uow.outbox.claim(args.worker, utc_now(), args.limit)]
                uow.commit()
            if not ids:
                break
            claimed.extend(str(i) for i in ids)
            time.sleep(args.work_seconds)  # the work itself, outside any transaction
            with database.uow() as uow:
                for i in ids:
                    if args.what == "jobs":
                        uow.jobs.finish(i)
                    else:
                        uow.outbox.mark_sent(i, None, utc_now())
                uow.commit()
    Path(args.out).write_text("".join(f"{i}\n" for i in claimed), encoding="utf-8")


def work(args: argparse.Namespace) -> None:
    with open_helpline(args) as helpline:
        wait_for_go(helpline, args)
        report = helpline.run_until_idle(worker=args.worker, max_passes=10_000)
    Path(args.out).write_text(
        json.dumps(
            {
                "jobs_done": report.jobs_done,
                "jobs_failed": report.jobs_failed,
                "errors": report.errors,
            }
        ),
        encoding="utf-8",
    )


def deliver(args: argparse.Namespace) -> None:
    order = list(range(args.count))
    random.Random(args.worker).shuffle(order)
    lines = []
    with open_helpline(args) as helpline:
        wait_for_go(helpline, args)
        for n in order:
            result = helpline.receive_message(burst_event(args.iteration, n))
            lines.append(
                f"{provider_id(args.iteration, n)} {'stored' if result.stored else 'duplicate'}\n"
            )
    Path(args.out).write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    burst_parser = commands.add_parser("burst")
    burst_parser.add_argument("--iteration", type=int, required=True)
    burst_parser.add_argument("--count", type=int, required=True)
    claim_parser = commands.add_parser("claim")
    claim_parser.add_argument("--what", choices=["jobs", "outbox"], required=True)
    claim_parser.add_argument("--limit", type=int, default=10)
    claim_parser.add_argument("--work-seconds", type=float, default=0.0)
    work_parser = commands.add_parser("work")
    deliver_parser = commands.add_parser("deliver")
    deliver_parser.add_argument("--iteration", type=int, required=True)
    deliver_parser.add_argument("--count", type=int, required=True)
    for sub in (claim_parser, work_parser, deliver_parser):
        sub.add_argument("--worker", required=True)
        sub.add_argument("--ready", required=True)
        sub.add_argument("--go", required=True)
        sub.add_argument("--out", required=True)
    for sub in (burst_parser, claim_parser, work_parser, deliver_parser):
        sub.add_argument("--config", required=True)
        sub.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    {"burst": burst, "claim": claim, "work": work, "deliver": deliver}[args.command](args)


if __name__ == "__main__":
    main()
