"""Time a 1,500-ticket day and compare the three scenarios over several seeds.

Run: ``.venv/bin/python benchmarks/simulate_day.py [--seeds 5] [--tickets N]``
"""
from __future__ import annotations

import argparse
import time
from statistics import mean

from queue_server.settings import load_settings
from queue_server.simulate.cli import run_scenarios
from queue_server.simulate.report import ALL, day_stats, gap
from queue_server.simulate.runner import Scenario


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--tickets", type=int, default=None, help="volume for the comparison (default: the hall's)")
    args = ap.parse_args()
    s = load_settings(None)
    targets = {q.code: float(q.target_wait_s) for q in s.queues}

    started = time.perf_counter()
    run_scenarios(s, 1500, seed=1)
    print(f"1500-ticket day, three scenarios: {time.perf_counter() - started:.2f} s")

    p95: dict[str, dict[str, list[float]]] = {sc: {} for sc in Scenario}
    hours: dict[str, list[float]] = {sc: [] for sc in Scenario}
    volume = 0
    for seed in range(1, args.seeds + 1):
        volume, _, results = run_scenarios(s, args.tickets, seed)
        for r in results:
            hours[r.scenario].append(r.window_hours)
            for st in day_stats(r, targets):
                p95[r.scenario].setdefault(st.queue, []).append(st.p95_min)
    queues = [*targets, ALL]
    print(f"\n{volume} tickets, seeds 1-{args.seeds}: mean p95 wait (min) and window-hours")
    print(f"{'scenario':<10}" + "".join(f"{q:>8}" for q in queues) + f"{'win-h':>8}")
    for sc in Scenario:
        print(f"{sc:<10}" + "".join(f"{mean(p95[sc][q]):>8.2f}" for q in queues) + f"{mean(hours[sc]):>8.1f}")
    b, c = mean(p95[Scenario.ADVISOR][ALL]), mean(p95[Scenario.POOLED][ALL])
    print(f"\nadvisor vs pooled, p95 over all queues: {b:.2f} vs {c:.2f} min ({gap(b, c):+.0%})")


if __name__ == "__main__":
    main()
