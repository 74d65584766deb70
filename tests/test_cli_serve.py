"""``helplinekit serve``: refusals before anything is bound, and a real server in a subprocess.

The subprocess tests start the console script on a free loopback port, talk to it with httpx
(http and https), and stop it with SIGTERM as systemd does.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from helplinekit.cli import build_cli

from .tls import make_self_signed

START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


@pytest.fixture
def config(deployment: Path, plugin_manager) -> Path:
    """The test deployment with its keys, and a low rate limit for the public pages."""
    toml = deployment / "helpline.toml"
    result = CliRunner().invoke(build_cli(plugin_manager), ["keys", "init", "--config", str(toml)])
    assert result.exit_code == 0, result.output
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[web]\nrate_limit = 2\n", "utf-8")
    return toml


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Replace ``uvicorn.run`` by a recorder: what serve would have run, without serving."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    return calls


def invoke(plugin_manager, config: Path, *args: str):
    return CliRunner().invoke(build_cli(plugin_manager), ["serve", *args, "--config", str(config)])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def running_server(config: Path, *args: str, scheme: str = "http", verify=True) -> Iterator[str]:
    """``helplinekit serve`` in a subprocess; yields its base URL once /form answers.

    On leaving, SIGTERM; the process must stop by itself, with exit code 0.
    """
    port = free_port()
    command = [sys.executable, "-m", "helplinekit", "serve", "--port", str(port), *args]
    env = {**os.environ, "HELPLINEKIT_CONFIG": str(config)}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited with {process.returncode}: {process.stderr.read()}")
            try:
                if httpx.get(f"{base}/form", verify=verify, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("serve did not answer on /form in time")
            time.sleep(0.1)
        yield base
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail("serve did not stop on SIGTERM in time")
        err = process.stderr.read()
        assert code == 0, err
        assert "Traceback" not in err
        assert not listening(port)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
        process.stdout.close()
        process.stderr.close()


def check_three_times(base: str, verify=True) -> list[int]:
    """POST /check three times, each claiming another client address."""
    statuses = []
    with httpx.Client(base_url=base, verify=verify, timeout=5) as client:
        for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
            response = client.post(
                "/check",
                data={"code": "AAAA-BBBB-CCCC-DDDD", "passphrase": "not the passphrase"},
                headers={"X-Forwarded-For": forged},
            )
            statuses.append(response.status_code)
    return statuses


# -- refusals: nothing is opened, nothing is bound ----------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "helpline.example.org"])
def test_plain_http_on_a_public_address_is_refused(
    plugin_manager, config: Path, uvicorn_calls, host: str
) -> None:
    result = invoke(plugin_manager, config, "--host", host)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert host in lines[0]
    assert "--certfile and --keyfile" in lines[0] and "--behind-tls-proxy" in lines[0]
    assert uvicorn_calls == []
    assert not (config.parent / "helpline.db").exists()  # the helpline was not even opened


def test_refusal_in_a_real_process_binds_nothing(config: Path) -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "helplinekit", "serve", "--host", "0.0.0.0", "--port", str(port)],
        env={**os.environ, "HELPLINEKIT_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: Refusing to serve plain http on 0.0.0.0")
    assert "Serving" not in result.stderr and "Traceback" not in result.stderr
    assert not listening(port)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_plain_http_on_loopback_is_allowed(
    plugin_manager, config: Path, uvicorn_calls, host: str
) -> None:
    result = invoke(plugin_manager, config, "--host", host, "--port", "8123")
    assert result.exit_code == 0, result.output
    [options] = uvicorn_calls
    assert options["host"] == host and options["port"] == 8123
    assert "http://" in result.output and "/staff/" in result.output and "/form" in result.output


def test_behind_a_proxy_or_with_a_certificate_a_public_address_is_served(
    plugin_manager, config: Path, uvicorn_calls, tmp_path: Path
) -> None:
    result = invoke(plugin_manager, config, "--host", "0.0.0.0", "--behind-tls-proxy")
    assert result.exit_code == 0, result.output
    certfile, keyfile = make_self_signed(tmp_path / "tls")
    tls = ["--certfile", str(certfile), "--keyfile", str(keyfile)]
    result = invoke(plugin_manager, config, "--host", "::", *tls)
    assert result.exit_code == 0, result.output
    assert "https://[::]:8000/staff/" in result.output
    assert uvicorn_calls[1]["ssl_certfile"] == str(certfile)
    assert uvicorn_calls[1]["ssl_keyfile"] == str(keyfile)


def test_safe_defaults_and_proxy_header_rule(plugin_manager, config: Path, uvicorn_calls) -> None:
    assert invoke(plugin_manager, config).exit_code == 0
    assert invoke(plugin_manager, config, "--behind-tls-proxy").exit_code == 0
    assert (
        invoke(
            plugin_manager,
            config,
            "--behind-tls-proxy",
            "--trusted-proxy",
            "10.0.0.5",
            "--trusted-proxy",
            "fd00::/8",
            "--access-log",
        ).exit_code
        == 0
    )
    default, proxied, named = uvicorn_calls
    assert default["host"] == "127.0.0.1" and default["port"] == 8000
    assert default["proxy_headers"] is False  # uvicorn's own default would trust 127.0.0.1
    assert default["server_header"] is False and default["date_header"] is True
    assert default["access_log"] is False
    assert proxied["proxy_headers"] is True and proxied["forwarded_allow_ips"] == ["127.0.0.1"]
    assert named["forwarded_allow_ips"] == ["10.0.0.5", "fd00::/8"]
    assert named["access_log"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--trusted-proxy", "127.0.0.1"], "only with --behind-tls-proxy"),
        (["--behind-tls-proxy", "--trusted-proxy", "*"], "'*' is refused on purpose"),
        (["--workers", "4"], "run several 'helplinekit serve --port"),
    ],
)
def test_misuse_is_a_clear_error(
    plugin_manager, config: Path, uvicorn_calls, args: list[str], message: str
) -> None:
    result = invoke(plugin_manager, config, *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert uvicorn_calls == []


def test_bad_tls_files_are_clear_errors(
    plugin_manager, config: Path, uvicorn_calls, tmp_path: Path
) -> None:
    certfile, keyfile = make_self_signed(tmp_path / "tls")
    result = invoke(plugin_manager, config, "--certfile", str(certfile))
    assert result.exit_code == 2 and "--certfile needs --keyfile" in result.output
    result = invoke(plugin_manager, config, "--keyfile", str(keyfile))
    assert result.exit_code == 2 and "--keyfile needs --certfile" in result.output
    missing = tmp_path / "nowhere.pem"
    result = invoke(plugin_manager, config, "--certfile", str(missing), "--keyfile", str(keyfile))
    assert result.exit_code == 2 and "does not exist" in result.output
    _, other_key = make_self_signed(tmp_path / "other")
    result = invoke(
        plugin_manager, config, "--certfile", str(certfile), "--keyfile", str(other_key)
    )
    assert result.exit_code == 2 and "could not be loaded together" in result.output
    assert uvicorn_calls == []


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda toml: toml.write_text(toml.read_text().replace('"PK"', '"XX"')), "'XX'"),
        (
            lambda toml: toml.write_text(toml.read_text() + 'exit_ur = "https://x.org"\n'),
            "unknown setting 'exit_ur'",
        ),
        (lambda toml: toml.write_text(toml.read_text().replace('"web.form"', "")), "web.form"),
    ],
    ids=["bad country", "misspelt web setting", "no web form channel"],
)
def test_bad_config_is_reported_before_binding(
    plugin_manager, config: Path, uvicorn_calls, breakage, message: str
) -> None:
    breakage(config)
    result = invoke(plugin_manager, config)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output, result.output
    assert "Serving" not in result.output
    assert uvicorn_calls == []


def test_missing_keys_in_a_real_process(deployment: Path) -> None:
    port = free_port()
    result = subprocess.run(
        [sys.executable, "-m", "helplinekit", "serve", "--port", str(port)],
        env={**os.environ, "HELPLINEKIT_CONFIG": str(deployment / "helpline.toml")},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: The helpline cannot start without its keys")
    assert "Traceback" not in result.stderr and "Serving" not in result.stderr
    assert not listening(port)


# -- a real server ---------------------------------------------------------------------------


def test_serves_on_loopback_and_ignores_forwarded_headers(config: Path) -> None:
    with running_server(config) as base:
        page = httpx.get(f"{base}/form")
        assert page.status_code == 200 and "<form" in page.text
        assert "server" not in page.headers
        assert "date" in page.headers
        # The rate limit keys on the socket's address: claiming to be someone else changes
        # nothing. ([web] rate_limit = 2)
        assert check_three_times(base)[2] == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(config: Path) -> None:
    # The control for the test above: from a trusted proxy, each forwarded address is a
    # client of its own, so none of the three reaches the limit.
    with running_server(config, "--behind-tls-proxy") as base:
        assert 429 not in check_three_times(base)


def test_serves_https_with_a_certificate(config: Path, tmp_path: Path) -> None:
    certfile, keyfile = make_self_signed(tmp_path / "tls")
    trust = ssl.create_default_context(cafile=certfile)
    args = ["--host", "127.0.0.1", "--certfile", str(certfile), "--keyfile", str(keyfile)]
    with running_server(config, *args, scheme="https", verify=trust) as base:
        page = httpx.get(f"{base}/form", verify=trust)
        assert page.status_code == 200
        assert "server" not in page.headers
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base}/form", verify=ssl.create_default_context())  # not trusted
