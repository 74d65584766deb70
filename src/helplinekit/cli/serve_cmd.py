"""``helplinekit serve``: the web app (public form and staff console) under uvicorn.

Safety rules, each checked before anything is bound:

- Plain http only on a loopback address. Elsewhere ``serve`` needs TLS: its own certificate
  (``--certfile``/``--keyfile``), or ``--behind-tls-proxy`` when a reverse proxy in front
  terminates TLS. Staff sessions use ``Secure`` cookies; survivors' messages cross the form.
- Proxy headers (``X-Forwarded-For``/``-Proto``) are ignored unless ``--behind-tls-proxy``,
  and then trusted only from the ``--trusted-proxy`` addresses. uvicorn's own default trusts
  them from 127.0.0.1, but the public form's rate limits key on the client address: anyone
  able to reach the port from the host (or through a proxy that passes the header on) could
  otherwise choose their own address and never be limited.
- No access log unless ``--access-log``: it would record every client's address and every
  URL (a survivor's IP address is personal data that the helpline must not keep).
- One process. Scale out with several ``serve`` processes (on several ports, behind the
  proxy) against one PostgreSQL: they are stateless, as the workers are.
"""

from __future__ import annotations

import ipaddress
import signal
from typing import TYPE_CHECKING, Any

import click

from helplinekit.cli.options import config_option

if TYPE_CHECKING:
    from helplinekit.api import Helpline

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
STAFF_PATH = "/staff/"
FORM_PATH = "/form"


class ServeRefused(click.ClickException):
    """A refusal to start as asked: ``Error: …`` on one line, exit code 2, nothing bound."""

    exit_code = 2


def is_loopback(host: str) -> bool:
    """Whether ``host`` is only reachable from this machine: 127.0.0.0/8, ::1 or localhost.

    ``0.0.0.0`` and ``::`` (every interface) and any other name are not.
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_trusted_proxies(values: tuple[str, ...]) -> list[str]:
    """The ``--trusted-proxy`` values, each an IP address or network (``10.0.0.0/8``)."""
    proxies = []
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ServeRefused(
                f"--trusted-proxy {value!r} is not an IP address or network; give the address "
                "of the reverse proxy that connects to serve (e.g. 127.0.0.1 or 10.0.0.0/24). "
                "'*' is refused on purpose: it would let anyone choose their own address."
            ) from None
        proxies.append(value)
    return proxies


def check_tls_files(certfile: str | None, keyfile: str | None) -> None:
    """Both or neither; and when both, a certificate and key that load together."""
    if (certfile is None) != (keyfile is None):
        given, missing = ("--certfile", "--keyfile") if certfile else ("--keyfile", "--certfile")
        raise ServeRefused(f"{given} needs {missing} too (the certificate and its private key).")
    if certfile is None or keyfile is None:
        return
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)

    def no_password() -> bytes:
        raise ServeRefused(
            f"The key in {keyfile} is protected by a password; give serve an unencrypted key "
            "readable only by the helpline's user."
        )

    try:
        context.load_cert_chain(certfile, keyfile, password=no_password)
    except (ssl.SSLError, OSError) as error:
        raise ServeRefused(
            f"The certificate {certfile} and key {keyfile} could not be loaded together "
            f"({error.strerror or error}); give a PEM certificate (chain) and its private key."
        ) from None


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@click.command()
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on. Other than loopback needs TLS or --behind-tls-proxy.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--certfile",
    type=click.Path(exists=True, dir_okay=False, readable=True),
    default=None,
    help="Serve https with this PEM certificate (chain); needs --keyfile.",
)
@click.option(
    "--keyfile",
    type=click.Path(exists=True, dir_okay=False, readable=True),
    default=None,
    help="The certificate's private key (PEM, unencrypted); needs --certfile.",
)
@click.option(
    "--behind-tls-proxy",
    is_flag=True,
    help="A reverse proxy in front terminates TLS: allow plain http to it, and trust its "
    "X-Forwarded-For/-Proto headers (only from --trusted-proxy).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDR",
    help="With --behind-tls-proxy: an address or network whose forwarded headers are "
    "trusted; repeat for several [default: 127.0.0.1].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes; only 1. Run several 'serve' processes behind the proxy to scale out.",
)
@click.option(
    "--access-log",
    is_flag=True,
    help="Log every request. Off by default: it records client addresses and URLs.",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default="warning",
    show_default=True,
    help="uvicorn's log level ('info' also shows start-up and shutdown).",
)
@config_option
@click.pass_obj
def serve(
    state: object,
    host: str,
    port: int,
    certfile: str | None,
    keyfile: str | None,
    behind_tls_proxy: bool,
    trusted_proxies: tuple[str, ...],
    workers: int,
    access_log: bool,
    log_level: str,
    config_path: str | None,
) -> None:
    """Run the web app: the public form (/form) and the staff console (/staff/).

    Stop it with SIGTERM or Ctrl-C: requests in flight finish, then the database is closed.
    """
    if workers > 1:
        raise ServeRefused(
            f"--workers {workers}: serve runs one process. To use more cores, run several "
            "'helplinekit serve --port …' processes (they are stateless) against one PostgreSQL "
            "and list their ports in the reverse proxy's upstream block."
        )
    if trusted_proxies and not behind_tls_proxy:
        raise ServeRefused(
            "--trusted-proxy is used only with --behind-tls-proxy; without it forwarded "
            "headers are ignored."
        )
    proxies = check_trusted_proxies(trusted_proxies) or ["127.0.0.1"]
    tls = certfile is not None or keyfile is not None
    if not is_loopback(host) and not tls and not behind_tls_proxy:
        raise ServeRefused(
            f"Refusing to serve plain http on {host}, which is not a loopback address: give "
            "--certfile and --keyfile to serve https, or --behind-tls-proxy if a reverse proxy "
            "in front of it terminates TLS."
        )
    check_tls_files(certfile, keyfile)

    from helplinekit.cli.helpers import open_helpline

    # Opened before binding: a bad config, missing keys or a wrong schema is reported here,
    # as a clean error, and nothing listens.
    with open_helpline(state, config_path) as helpline:
        app = _build_app(helpline)
        scheme = "https" if tls else "http"
        base = f"{scheme}://{url_host(host)}:{port}"
        click.echo(
            f"Serving {helpline.config.helpline.name} on {base}: staff console {base}{STAFF_PATH}, "
            f"public form {base}{FORM_PATH}. Stop with Ctrl-C or SIGTERM.",
            err=True,
        )
        options: dict[str, Any] = {
            "host": host,
            "port": port,
            "ssl_certfile": certfile,
            "ssl_keyfile": keyfile,
            "proxy_headers": behind_tls_proxy,
            "forwarded_allow_ips": proxies if behind_tls_proxy else None,
            "server_header": False,
            "date_header": True,
            "access_log": access_log,
            "log_level": log_level.lower(),
        }
        _run(app, options)


def _build_app(helpline: Helpline) -> Any:
    from helplinekit.web import create_app

    try:
        return create_app(helpline)
    except ValueError as error:  # the web settings of helpline.toml: the message says the fix
        raise click.ClickException(f"{helpline.config.path}: {error}") from None


def _run(app: Any, options: dict[str, Any]) -> None:
    """``uvicorn.run``, returning normally after a graceful stop on SIGTERM or SIGINT.

    uvicorn handles the signal (requests in flight finish), then raises it again with the
    handler it found. The handler installed here takes it, so the caller closes the helpline
    and the process exits 0 instead of being killed by its own signal.
    """
    import uvicorn

    stopped_by: list[int] = []

    def note(signum: int, frame: object) -> None:
        stopped_by.append(signum)

    previous = {sig: signal.signal(sig, note) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        uvicorn.run(app, **options)
    except SystemExit as failed:
        if failed.code:  # uvicorn could not start; it logged why (e.g. the port is in use)
            raise click.ClickException(
                f"Could not serve on {options['host']}:{options['port']} (see above)."
            ) from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
