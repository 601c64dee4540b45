"""Login answer time for a known name with a wrong password and for an unknown name (they must not differ).

    python benchmarks/login_timing.py [--rounds 60]

The server's app in this process on a SQLite file (no network); the two kinds of request alternate,
in alternating order, so the machine's load falls on both alike. Prints the median and p90 of each.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import _common  # noqa: F401  (puts the repository on sys.path)

from tests.hall_app import HallApp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=60, help="at most 99 (the name's lockout is set to 100)")
    a = ap.parse_args()
    hall = HallApp.on(Path(tempfile.mkdtemp(prefix="hall-bench-")), HALL_SERVER__LOGIN_MAX_FAILURES="100",
                      HALL_SERVER__LOGIN_MAX_FAILURES_PER_CLIENT="10000").start()
    try:
        hall.staff("wang", "clerk", 1)
        times: dict[str, list[float]] = {"wang": [], "nobody-here": []}

        def once(name: str, i: int) -> None:
            t0 = time.perf_counter()
            st, _ = hall.api("POST", "/api/auth/login", {"username": name, "password": f"wrong-{i}"})
            times[name].append((time.perf_counter() - t0) * 1000)
            assert st in (401, 429), st
        for i in range(a.rounds):
            for name in (("wang", "nobody-here") if i % 2 else ("nobody-here", "wang")):
                once(name, i)
        for name, label in (("wang", "known name, wrong password"), ("nobody-here", "unknown name")):
            ms = sorted(times[name])
            print(f"{label:27s}: median {statistics.median(ms):6.1f} ms  p90 {ms[int(0.9 * (len(ms) - 1))]:6.1f} ms"
                  f"  (n={len(ms)})")
    finally:
        hall.stop()


if __name__ == "__main__":
    main()
