"""One time chunk of pose extraction in its own process: `python -m gait.engine.chunk_worker`.

Started by `extract.py` with subprocess (works from daemonic Celery children). Writes
timestamps + landmarks to an .npz, prints its frame count on stdout as it goes, and on bad
input prints `GaitInputError: <reason>` as its last stderr line and exits 2.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from .errors import GaitInputError
from .extract import landmarks_for_span


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("video")
    parser.add_argument("out")
    parser.add_argument("--start", type=float, default=0.0)
    parser.add_argument("--end", type=float, default=None)
    parser.add_argument("--warm-up", type=float, default=0.0)
    parser.add_argument("--max-side", type=int, default=640)
    parser.add_argument("--pose-every", type=int, default=1)
    args = parser.parse_args(argv)

    def report(done: int, _expected: int) -> None:
        print(done, flush=True)

    try:
        times, landmarks = landmarks_for_span(
            args.video,
            args.start,
            args.end,
            args.max_side,
            pose_every=args.pose_every,
            progress=report,
            warm_up_s=args.warm_up,
        )
    except GaitInputError as exc:
        print(f"GaitInputError: {exc}", file=sys.stderr)
        return 2
    np.savez(args.out, timestamps=times, landmarks=landmarks)
    print(len(times), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
