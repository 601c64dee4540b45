"""``hallctl simulate``: replay a business day through the real queue engine.

:mod:`.arrivals` draws the day's visitors from a seed, :mod:`.runner` runs them through
:class:`~queue_server.engine.Hall` under three ways of running the windows (static, advisor,
pooled) and :mod:`.report` reduces each day to waits per queue.
"""
from queue_server.simulate.arrivals import (
    Arrival,
    default_split,
    default_volume,
    generate,
    load_profile,
    parse_split,
)
from queue_server.simulate.report import QueueStats, as_dict, day_stats, outcomes, table
from queue_server.simulate.runner import DayResult, Scenario, run_day

__all__ = ["Arrival", "DayResult", "QueueStats", "Scenario", "as_dict", "day_stats", "default_split",
           "default_volume", "generate", "load_profile", "outcomes", "parse_split", "run_day", "table"]
