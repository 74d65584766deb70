"""Benchmark: how long ``helplinekit --help`` takes, and what it imports.

Run: ``python bench/startup.py [--runs N]``. Reports the median and best wall time of the
console script over N runs, and the ten heaviest imports from ``python -X importtime``.
The aim is under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    script = shutil.which("helplinekit") or os.path.join(
        os.path.dirname(sys.executable), "helplinekit"
    )
    subprocess.run([script, "--help"], check=True, capture_output=True)  # warm the disk cache
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        subprocess.run([script, "--help"], check=True, capture_output=True)
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"helplinekit --help over {args.runs} runs: median {statistics.median(timings):.0f} ms, "
        f"best {min(timings):.0f} ms, worst {max(timings):.0f} ms (aim: < 200 ms)"
    )

    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "from helplinekit.cli import main; main(['--help'])",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    rows = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    top_level = [row for row in rows if row[1] <= 1]
    total = sum(row[0] for row in top_level)
    print(f"\nimports: {len(rows)} modules, {total / 1000:.0f} ms cumulative at top level")
    print("heaviest top-level imports (cumulative ms):")
    for cumulative, _, name in sorted(top_level, reverse=True)[:10]:
        print(f"  {cumulative / 1000:7.1f}  {name}")


if __name__ == "__main__":
    main()
