"""``helplinekit worker``: run triage jobs and send replies."""

from __future__ import annotations

import signal
import time

import click

from helplinekit.cli.options import config_option

#: How often a running worker checks SQLite's planner statistics (an hour).
STATISTICS_EVERY_SECONDS = 3600


@click.command()
@click.option("--once", is_flag=True, help="Do what is ready now, then exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds to wait when nothing is ready.",
)
@config_option
@click.pass_obj
def worker(state: object, once: bool, interval: float, config_path: str | None) -> None:
    """Run triage jobs and drain the outbox. Several workers may run at once."""
    from helplinekit.cli.helpers import open_helpline
    from helplinekit.db.engine import refresh_statistics
    from helplinekit.services.worker import default_worker_name

    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    name = default_worker_name()
    with open_helpline(state, config_path) as helpline:
        click.echo(f"Worker {name} started.", err=True)
        statistics_checked = time.monotonic()
        while not stopping:
            if time.monotonic() - statistics_checked > STATISTICS_EVERY_SECONDS:
                # SQLite's query planner needs statistics that follow the data's growth.
                refresh_statistics(helpline.context.database.engine)
                statistics_checked = time.monotonic()
            report = helpline.run_pending(worker=name)
            if report.did_anything:
                click.echo(
                    f"jobs {report.jobs_done} done, {report.jobs_failed} failed; replies "
                    f"{report.replies_sent} sent, {report.replies_held} held, "
                    f"{report.replies_failed} failed",
                    err=True,
                )
            elif once:
                break
            else:
                time.sleep(interval)
    click.echo("Worker stopped.", err=True)
