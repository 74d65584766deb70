"""bench/console.py still runs: a tiny deployment on SQLite, the real server, real requests.

The benchmark's numbers are not asserted (tests never assert timings); only that it
completes, checks what it must (every queue page shows the right count, every form POST
gives a case code; it exits non-zero otherwise) and reports the figures it promises.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120


@pytest.mark.slow
def test_console_benchmark_runs_at_tiny_size(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HELPLINEKIT_CONFIG", "HELPLINEKIT_KEK", "HELPLINEKIT_INDEX_KEY")
    }
    env["TMPDIR"] = str(tmp_path)  # its temporary deployment goes here, not in /tmp
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "console.py"),
            "--cases",
            "300",
            "--requests",
            "20",
            "--concurrency",
            "2",
            "--form-seconds",
            "2",
            "--json",
            str(results),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output

    for page in (
        "team \\(open cases\\)",
        "team, every status",
        "team, high risk \\+ new",
        "mine \\(lawyer\\)",
    ):
        assert re.search(
            rf"^queue {page} \(\d+ cases?\): p50 [\d.]+ ms, p95 [\d.]+ ms", output, re.M
        ), output
    assert re.search(r"^queue team, every status \(300 cases\)", output, re.M), output
    assert re.search(r"web form: [\d.]+ submissions/s with 2 clients", output), output
    assert re.search(r"Seeded 300 cases in [\d.]+ s", output), output

    report = json.loads(results.read_text(encoding="utf-8"))
    assert report["queue"]["counts"]["team, every status"] == 300
    assert report["queue"]["sequential"]["team, every status"]["requests"] == 20
    assert report["form"]["submissions"] > 0
    assert report["server"]["scheme"] == "https"
    # The temporary deployment (database, keys, certificate) is gone.
    assert not list(tmp_path.glob("hk-bench-*"))
