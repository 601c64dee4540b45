"""Queueing arithmetic for the advisor: Erlang C and the windows a queue needs.

* :func:`erlang_c`: the probability that an arrival waits in M/M/c with offered load
  ``a = λ × service``;
* :func:`erlang_mean_wait_s`: the M/M/c mean wait in line (infinite when the windows cannot
  keep up);
* :func:`windows_needed`: the fewest windows whose mean wait is within a given wait;
* :func:`backlog_wait_s`: the wait of the last person now waiting, ``max(0, waiting − idle) ×
  service ÷ windows`` (the queue table's rule, with idle windows taking someone at once).
"""
from __future__ import annotations

import math

MAX_WINDOWS = 60


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` = λ/μ."""
    if c <= 0 or a >= c:
        return 1.0
    if a <= 0:
        return 0.0
    b = 1.0  # Erlang B by the stable recursion
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b))


def erlang_mean_wait_s(c: int, arrival_per_s: float, service_s: float) -> float:
    """Mean wait in queue for M/M/c (infinite when the windows cannot keep up)."""
    if arrival_per_s <= 0:
        return 0.0
    a = arrival_per_s * service_s
    if c <= a:
        return math.inf
    return erlang_c(c, a) * service_s / (c - a)


def windows_needed(arrival_per_s: float, service_s: float, target_s: float) -> int:
    """The fewest windows whose M/M/c mean wait is within ``target_s`` (0 with no arrivals; at
    most ``MAX_WINDOWS``)."""
    if arrival_per_s <= 0:
        return 0
    c = min(MAX_WINDOWS, max(1, math.floor(arrival_per_s * service_s)))
    while c < MAX_WINDOWS and erlang_mean_wait_s(c, arrival_per_s, service_s) > target_s:
        c += 1
    return c


def backlog_wait_s(waiting: int, idle: float, service_s: float, windows: float) -> float:
    """Predicted wait of the last person waiting: idle windows call someone at once, the rest
    wait for ``service ÷ windows`` per person ahead (infinite with people and no window)."""
    ahead = max(0.0, waiting - idle)
    if ahead <= 0:
        return 0.0
    if windows <= 0:
        return math.inf
    return ahead * service_s / windows


def windows_for_backlog(waiting: int, idle: float, service_s: float, windows: float, within_s: float) -> int:
    """Extra idle windows needed so that the last person waiting is called within ``within_s``:
    the least x with ``(waiting − idle − x) × service ≤ within × (windows + x)`` (at most ``MAX_WINDOWS``)."""
    if backlog_wait_s(waiting, idle, service_s, windows) <= within_s:
        return 0
    x = max(0, math.ceil(((waiting - idle) * service_s - within_s * windows) / (service_s + within_s) - 1e-9))
    while x > 0 and backlog_wait_s(waiting, idle + x - 1, service_s, windows + x - 1) <= within_s:
        x -= 1  # rounding: step back while one fewer still does
    while x < MAX_WINDOWS and backlog_wait_s(waiting, idle + x, service_s, windows + x) > within_s:
        x += 1
    return min(x, MAX_WINDOWS)


__all__ = ["MAX_WINDOWS", "backlog_wait_s", "erlang_c", "erlang_mean_wait_s", "windows_for_backlog",
           "windows_needed"]
