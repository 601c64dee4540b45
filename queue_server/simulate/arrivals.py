"""The simulated day's visitors: when they come, to which queue, for what, and how long they take.

Everything random about a day is drawn here, once, from one seed, so the scenarios of
:mod:`.runner` replay *the same visitors* (common random numbers) and differ only in how the
windows are run.

* **Volume and split.** The day's ``tickets`` are divided between the queues by ``split``
  (largest-remainder rounding, so the counts add up exactly). The default split is the mix the
  hall was sized for: each queue's share is proportional to the tickets per hour its
  configured windows can serve (windows × 60 / mean service minutes; an elastic window counts
  for the queues it opens with). For the sample hall that is A 55 %, B 42 %, C 3 %.
* **Arrival times.** The arrival profile gives each queue's share of its day per half hour.
  Each ticket's slot is drawn from those shares and its time is uniform within the slot: given
  the day's count, that is exactly a Poisson process whose rate follows the profile. No
  arrivals fall outside the profile's slots (lunch 12:00-13:30 has none).
* **Service item.** Uniform over the queue's service items (every item equally likely).
* **Priority.** 8 % elderly, 2 % disabled, the rest normal.
* **Service time.** Lognormal with the item's ``mean_service_min`` as its mean and
  ``sigma`` = 0.5 (the log's standard deviation; coefficient of variation ≈ 0.53).
* **No-show.** 3 % of visitors are gone when called; the clerk recalls per policy.
"""
from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import time
from importlib import resources
from pathlib import Path

from queue_server.engine.model import KIND_QUEUE, Priority, WindowKind
from queue_server.settings import Settings

PRIORITY_SHARES: tuple[tuple[Priority, float], ...] = ((Priority.ELDERLY, 0.08), (Priority.DISABLED, 0.02))
SERVICE_SIGMA = 0.5
NO_SHOW_P = 0.03


@dataclass(frozen=True)
class Slot:
    start_s: float
    end_s: float
    shares: dict[str, float]


@dataclass(frozen=True)
class Arrival:
    at_s: float  # seconds after midnight
    queue: str
    item: str
    priority: Priority
    service_s: float
    no_show: bool


def _seconds(hhmm: str) -> float:
    t = time.fromisoformat(hhmm.strip())
    return t.hour * 3600.0 + t.minute * 60.0 + t.second


def load_profile(path: Path | None = None) -> list[Slot]:
    """Read ``slot_start,slot_end,share_A,share_B,…``; the default is the packaged profile."""
    if path is None:
        text = resources.files(__package__).joinpath("arrival-profile.csv").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    slots = []
    for row in csv.DictReader(text.splitlines()):
        shares = {k.removeprefix("share_").upper(): float(v) for k, v in row.items()
                  if k and k.startswith("share_") and v not in (None, "")}
        slots.append(Slot(_seconds(row["slot_start"]), _seconds(row["slot_end"]), shares))
    if not slots:
        raise ValueError("the arrival profile has no slots")
    return slots


def queue_service_min(s: Settings) -> dict[str, float]:
    """Mean service minutes per queue, items weighted equally (as arrivals pick them)."""
    out = {}
    for q in s.queues:
        means = [i.mean_service_min for i in s.items if i.queue == q.code]
        out[q.code] = sum(means) / len(means) if means else 10.0
    return out


def configured_windows(s: Settings) -> dict[str, float]:
    """Windows per queue as configured (an elastic window opening with k queues counts 1/k each)."""
    out = {q.code: 0.0 for q in s.queues}
    for w in s.windows:
        queues = list(w.queues) if w.kind is WindowKind.ELASTIC else [KIND_QUEUE[w.kind]]
        for q in queues:
            out[q] += 1.0 / len(queues)
    return out


def default_split(s: Settings) -> dict[str, float]:
    """Each queue's share ∝ the tickets per hour its configured windows serve."""
    mean = queue_service_min(s)
    rate = {q: n * 60.0 / mean[q] for q, n in configured_windows(s).items()}
    total = sum(rate.values()) or 1.0
    return {q: r / total for q, r in rate.items()}


def parse_split(text: str, queues: list[str]) -> dict[str, float]:
    """``"A=0.5,B=0.45,C=0.05"`` → shares normalised to 1 (missing queues get 0)."""
    out = dict.fromkeys(queues, 0.0)
    for part in text.split(","):
        key, sep, value = part.partition("=")
        code = key.strip().upper()
        if not sep or code not in out:
            raise ValueError(f"bad split entry {part!r}: use QUEUE=SHARE with a queue of {', '.join(queues)}")
        out[code] = float(value)
        if out[code] < 0:
            raise ValueError(f"share for {code} is negative")
    total = sum(out.values())
    if total <= 0:
        raise ValueError("the split's shares add up to 0")
    return {q: v / total for q, v in out.items()}


def split_counts(tickets: int, split: dict[str, float]) -> dict[str, int]:
    """``tickets`` divided by ``split`` with largest-remainder rounding (adds up exactly)."""
    raw = {q: tickets * share for q, share in split.items()}
    counts = {q: math.floor(v) for q, v in raw.items()}
    left = tickets - sum(counts.values())
    for q in sorted(raw, key=lambda q: raw[q] - counts[q], reverse=True)[:left]:
        counts[q] += 1
    return counts


def peak_utilisation(s: Settings, profile: list[Slot], tickets: int, split: dict[str, float]) -> float:
    """Busiest half hour's work over every window's capacity (all windows serving every queue)."""
    mean = queue_service_min(s)
    counts = split_counts(tickets, split)
    totals = {q: sum(sl.shares.get(q, 0.0) for sl in profile) or 1.0 for q in counts}
    best = 0.0
    for sl in profile:
        work_min = sum(counts[q] * sl.shares.get(q, 0.0) / totals[q] * mean[q] for q in counts)
        best = max(best, work_min / (len(s.windows) * (sl.end_s - sl.start_s) / 60.0))
    return best


def default_volume(s: Settings, profile: list[Slot], split: dict[str, float], utilisation: float = 0.85) -> int:
    """The daily volume (rounded to 10) that loads the hall to ``utilisation`` in its busiest half hour."""
    per_ticket = peak_utilisation(s, profile, 1000, split) / 1000
    return max(10, round(utilisation / per_ticket / 10) * 10) if per_ticket > 0 else 100


def generate(s: Settings, profile: list[Slot], tickets: int, split: dict[str, float], seed: int,
             service_sigma: float = SERVICE_SIGMA, no_show_p: float = NO_SHOW_P) -> list[Arrival]:
    """The day's visitors in arrival order (see the module docstring for each rule)."""
    rng = random.Random(seed)
    items = {q.code: [i for i in s.items if i.queue == q.code] for q in s.queues}
    out = []
    for q, n in split_counts(tickets, split).items():
        if n == 0:
            continue
        if not items.get(q):
            raise ValueError(f"queue {q} has no service items to simulate")
        weights = [sl.shares.get(q, 0.0) for sl in profile]
        if sum(weights) <= 0:
            raise ValueError(f"the arrival profile has no share_{q} column (or it is all zero)")
        for sl in rng.choices(profile, weights=weights, k=n):
            item = rng.choice(items[q])
            u = rng.random()
            priority = Priority.NORMAL
            for p, share in PRIORITY_SHARES:
                if u < share:
                    priority = p
                    break
                u -= share
            mu = math.log(item.mean_service_min * 60.0) - service_sigma ** 2 / 2
            out.append(Arrival(rng.uniform(sl.start_s, sl.end_s), q, item.code, priority,
                               rng.lognormvariate(mu, service_sigma), rng.random() < no_show_p))
    out.sort(key=lambda a: (a.at_s, a.queue))
    return out
