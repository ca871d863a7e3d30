"""Run every benchmark in this folder, one subprocess each, at the sizes of their defaults.

Benchmarks print measured figures next to a baseline measured in the same run; they never assert on time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failures = 0
    for script in sorted(here.glob("*_bench.py")):
        print(f"== {script.name}", flush=True)
        rc = subprocess.call([sys.executable, str(script), *sys.argv[1:]])  # noqa: S603 - our own scripts
        failures += rc != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
