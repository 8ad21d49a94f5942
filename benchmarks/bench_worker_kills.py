"""Worker-kill durability at a bigger scale: `.venv/bin/python benchmarks/bench_worker_kills.py`.

Runs tests/foundation/test_durable_jobs.py's kill test (a real Celery worker SIGKILLed at random
moments while it queues reminders and emails them to a real SMTP server) with more reminders and
kills, and prints its figures: jobs, kills (pool process / whole worker), lost, duplicates.
Needs PostgreSQL and Redis as for `make test`. Options: --reminders 300 --kills 15 --seed 1 (the defaults).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=300)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    env = {**os.environ, "KILL_TEST_REMINDERS": str(args.reminders), "KILL_TEST_KILLS": str(args.kills),
           "KILL_TEST_SEED": str(args.seed)}
    test = "tests/foundation/test_durable_jobs.py::test_sigkilled_workers_lose_no_reminder_and_duplicate_only_in_the_documented_window"
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", test],
                           cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
