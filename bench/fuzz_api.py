"""The long Schemathesis run over the whole API: prints operations, cases and failures.

It runs the suite's fuzzing test module (tests/security/test_api_fuzz.py: the security world,
every operation as a member and anonymously, then chains along the links) with many more
examples per operation, on a throw-away test database, and prints the report of each run.
Exit status 1 when any failure (a server error or a response breaking its schema) was found.

    .venv/bin/python bench/fuzz_api.py                 # [--examples 50] [--postgres]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation and mode")
    parser.add_argument("--postgres", action="store_true", help="on PostgreSQL instead of SQLite")
    args = parser.parse_args()
    env = {
        **os.environ,
        "KARVAN_FUZZ_EXAMPLES": str(args.examples),
        "KARVAN_FUZZ_REPORT": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if args.postgres:
        env["KARVAN_TEST_DATABASE"] = "postgres"
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.examples} examples per case")
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/security/test_api_fuzz.py",
            "-q",
            "-s",
            "-p",
            "no:warnings",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    print(f"time: {time.monotonic() - started:.0f} s")
    return 0 if completed.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
