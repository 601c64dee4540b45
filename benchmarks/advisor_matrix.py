"""The elastic-window advisor against three other ways of running the sample hall.

A matrix of simulated days on ``config/hall.toml``: load 60/85/100/110 % of capacity (the
busiest half hour's work over every window's capacity) × three queue splits (as configured,
query-heavy, bulk-heavy) × seeds 1-5, each day under four policies on the same visitors:

* ``static``: every window open all day, elastic windows serving the queues configured for them;
* ``advisor``: dedicated windows open all day, elastic windows opened and closed by the advisor
  (history of 4 past same weekdays replayed, floating staff who walk 3 minutes to a window);
* ``elastic-all``: every window open all day, elastic windows serving every queue;
* ``pooled``: every window serving every queue (the bound).

Per cell (split × load, the five seeds' tickets together): service level (tickets called within
their queue's target ÷ tickets issued) and p95 wait per queue (tickets never called count with
the time they waited), window-hours and changes per day (mean and most), then the goal:
advisor ≥ elastic-all in every queue's service level with fewer window-hours, ≤ 8 changes a
day, and every queue's p95 within target up to 100 % load wherever pooled manages it.

Run: ``.venv/bin/python benchmarks/advisor_matrix.py [--seeds 5] [--weeks 4] [--markdown]``
(about 40 s of CPU; one process).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from statistics import mean

from queue_server.settings import Settings, load_settings
from queue_server.simulate.arrivals import default_split, default_volume, generate, load_profile
from queue_server.simulate.history import replay_history
from queue_server.simulate.report import percentile
from queue_server.simulate.runner import DayResult, Scenario, run_day

LOADS = (0.60, 0.85, 1.00, 1.10)
POLICIES = (Scenario.STATIC, Scenario.ADVISOR, Scenario.ELASTIC_ALL, Scenario.POOLED)
MAX_CHANGES = 8


def splits(s: Settings) -> dict[str, dict[str, float]]:
    return {"as configured": default_split(s),
            "query-heavy": {"A": 0.40, "B": 0.57, "C": 0.03},
            "bulk-heavy": {"A": 0.50, "B": 0.40, "C": 0.10}}


@dataclass
class Cell:
    tickets: int = 0
    within: dict[str, int] = field(default_factory=dict)
    issued: dict[str, int] = field(default_factory=dict)
    waits: dict[str, list[float]] = field(default_factory=dict)
    hours: list[float] = field(default_factory=list)
    changes: list[int] = field(default_factory=list)

    def add(self, r: DayResult, targets: dict[str, float]) -> None:
        for t in r.tickets:
            end = t.called_at or t.ended_at or t.issued_at
            wait = (end - t.queued_at).total_seconds()
            self.issued[t.queue] = self.issued.get(t.queue, 0) + 1
            self.within[t.queue] = self.within.get(t.queue, 0) + (t.called_at is not None and wait <= targets[t.queue])
            self.waits.setdefault(t.queue, []).append(wait / 60)
        self.hours.append(r.window_hours)
        self.changes.append(r.changes_per_day)

    def level(self, q: str) -> float:
        return self.within.get(q, 0) / self.issued[q] if self.issued.get(q) else 1.0

    def p95(self, q: str) -> float:
        return percentile(self.waits.get(q, []), 0.95)


def run(s: Settings, seeds: int, weeks: int, loads: tuple[float, ...], only: list[str] | None,
        first_seed: int = 1) -> dict[tuple[str, float], dict[Scenario, Cell]]:
    profile = load_profile()
    targets = {q.code: float(q.target_wait_s) for q in s.queues}
    out: dict[tuple[str, float], dict[Scenario, Cell]] = {}
    for name, split in splits(s).items():
        if only and name not in only:
            continue
        for load in loads:
            volume = default_volume(s, profile, split, load)
            cells = {p: Cell(tickets=volume) for p in POLICIES}
            for seed in range(first_seed, first_seed + seeds):
                arrivals = generate(s, profile, volume, split, seed)
                history = replay_history(s, profile, volume, split, seed, weeks) if weeks else None
                for p in POLICIES:
                    cells[p].add(run_day(s, arrivals, p, history=history), targets)
            out[(name, load)] = cells
            print(f"  {name} {load:.0%} done", file=sys.stderr, flush=True)
    return out


def goal(cells: dict[Scenario, Cell], queues: list[str], targets: dict[str, float], load: float) -> list[str]:
    """What the advisor misses in this cell (empty: the goal is met)."""
    adv, alll, pooled = cells[Scenario.ADVISOR], cells[Scenario.ELASTIC_ALL], cells[Scenario.POOLED]
    misses = [f"{q} level {adv.level(q):.1%} < {alll.level(q):.1%}" for q in queues if adv.level(q) < alll.level(q)]
    if mean(adv.hours) >= mean(alll.hours):
        misses.append(f"window-hours {mean(adv.hours):.1f} ≥ {mean(alll.hours):.1f}")
    if max(adv.changes) > MAX_CHANGES:
        misses.append(f"{max(adv.changes)} changes in a day")
    if load <= 1.0:
        misses += [f"{q} p95 {adv.p95(q):.1f} > {targets[q] / 60:.0f} min (pooled {pooled.p95(q):.1f})"
                   for q in queues if pooled.p95(q) * 60 <= targets[q] < adv.p95(q) * 60]
    return misses


def table(results: dict[tuple[str, float], dict[Scenario, Cell]], queues: list[str], targets: dict[str, float],
          markdown: bool) -> str:
    head = ["split", "load", "tickets", "policy", *(f"≤target {q}" for q in queues), *(f"p95 {q}" for q in queues),
            "window-h", "changes/day"]
    rows = []
    for (name, load), cells in results.items():
        for p, c in cells.items():
            rows.append([name, f"{load:.0%}", str(c.tickets), str(p), *(f"{c.level(q):.1%}" for q in queues),
                         *(f"{c.p95(q):.1f}" for q in queues), f"{mean(c.hours):.1f}",
                         f"{mean(c.changes):.1f} (≤{max(c.changes)})" if p is Scenario.ADVISOR else "0"])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        widths = [max(len(r[i]) for r in [head, *rows]) + 2 for i in range(len(head))]
        lines = ["".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
        lines += ["".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    for (name, load), cells in results.items():
        misses = goal(cells, queues, targets, load)
        lines.append(f"{'- ' if markdown else ''}{name} {load:.0%}: " + ("goal met" if not misses else
                                                                          "missed: " + "; ".join(misses)))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=1, help="seeds first-seed … first-seed + seeds − 1")
    ap.add_argument("--weeks", type=int, default=4, help="past weeks replayed for the forecast (0: none)")
    ap.add_argument("--loads", type=str, default=",".join(str(x) for x in LOADS))
    ap.add_argument("--split", action="append", help="only this split (repeatable)")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table (for docs/advisor.md)")
    args = ap.parse_args()
    s = load_settings(None)
    queues = [q.code for q in s.queues]
    targets = {q.code: float(q.target_wait_s) for q in s.queues}
    started = time.perf_counter()
    results = run(s, args.seeds, args.weeks, tuple(float(x) for x in args.loads.split(",")), args.split,
                  args.first_seed)
    elapsed = time.perf_counter() - started
    print(table(results, queues, targets, args.markdown))
    days = len(results) * args.seeds
    print(f"\n{days} days × {len(POLICIES)} policies (+ {days * args.weeks} history days) in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
