"""Benchmark: how long ``helplinekit init --no-input`` takes (aim: under 1.5 s).

Run: ``python bench/init.py [--runs N]``. Each run generates a fresh deployment in a
temporary folder through the real console script, so start-up, plugin loading,
validation, cookiecutter and the move into place are all counted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    script = shutil.which("helplinekit") or os.path.join(
        os.path.dirname(sys.executable), "helplinekit"
    )
    timings = []
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.runs + 1):
            target = Path(scratch) / f"helpline-{run}"
            start = time.perf_counter()
            subprocess.run(
                [
                    script,
                    "init",
                    str(target),
                    "--country",
                    "PK",
                    "--name",
                    "Bench Helpline",
                    "--languages",
                    "en",
                    "--no-input",
                ],
                check=True,
                capture_output=True,
            )
            elapsed = (time.perf_counter() - start) * 1000
            if run:  # the first run warms the disk cache
                timings.append(elapsed)
    median = statistics.median(timings)
    print(
        f"helplinekit init --no-input over {args.runs} runs: median {median:.0f} ms, "
        f"best {min(timings):.0f} ms, worst {max(timings):.0f} ms (aim: < 1500 ms)"
    )


if __name__ == "__main__":
    main()
