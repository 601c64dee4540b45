"""``hallctl simulate``: the four scenarios of one simulated day, side by side.

``--weeks N`` first replays the same weekday of N past weeks, so that the advisor forecasts
from history as it does in a hall with a database; ``--history-out`` writes those rows
(``day,queue,slot_min,count``), the shape the store supplies.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from queue_server.settings import Settings
from queue_server.simulate.arrivals import default_split, default_volume, generate, load_profile, parse_split
from queue_server.simulate.history import replay_history, write_rows
from queue_server.simulate.report import as_dict, table
from queue_server.simulate.runner import DayResult, Scenario, run_day

# the same option as hall_contract.cli's, not imported: hallctl.main imports this
# module while it is being built
ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="hall configuration (default "
                                                "$HALL_CONFIG or config/hall.toml)")]


def run_scenarios(s: Settings, tickets: int | None = None, seed: int = 1, split: dict[str, float] | None = None,
                  profile: Path | None = None, scenarios: tuple[Scenario, ...] = tuple(Scenario),
                  advisor_interval_s: float = 60.0, weeks: int = 0,
                  history_out: Path | None = None) -> tuple[int, dict[str, float], list[DayResult]]:
    """The day's volume, split and one result per scenario, all on the same visitors (the
    advisor's forecast from ``weeks`` past weeks replayed first, when ``weeks`` > 0)."""
    slots = load_profile(profile)
    split = split or default_split(s)
    volume = default_volume(s, slots, split) if tickets is None else tickets
    arrivals = generate(s, slots, volume, split, seed)
    history = replay_history(s, slots, volume, split, seed, weeks) if weeks > 0 else None
    if history is not None and history_out is not None:
        write_rows(history, history_out)
    return volume, split, [run_day(s, arrivals, sc, advisor_interval_s, history=history) for sc in scenarios]


def simulate(config: Path | None = None, tickets: int | None = None, seed: int = 1, split: str | None = None,
             profile: Path | None = None, as_json: bool = False, advisor_interval_s: float = 60.0,
             weeks: int = 0, history_out: Path | None = None) -> str:
    """Run the day and return the report (a table, or JSON with ``as_json``)."""
    from queue_server.settings import load_settings

    s = load_settings(config)
    shares = parse_split(split, [q.code for q in s.queues]) if split else None
    started = time.perf_counter()
    volume, shares, results = run_scenarios(s, tickets, seed, shares, profile, advisor_interval_s=advisor_interval_s,
                                            weeks=weeks, history_out=history_out)
    elapsed = time.perf_counter() - started
    targets = {q.code: float(q.target_wait_s) for q in s.queues}
    if as_json:
        return json.dumps({"tickets": volume, "seed": seed, "split": {q: round(v, 4) for q, v in shares.items()},
                           "weeks": weeks, "elapsed_s": round(elapsed, 3), "scenarios": as_dict(results, targets)},
                          ensure_ascii=False, indent=2)
    mix = ", ".join(f"{q} {v:.0%}" for q, v in shares.items())
    past = f"; forecast from {weeks} past weeks" if weeks else "; no history (the advisor reacts)"
    head = (f"{s.hall.name}: {volume} tickets ({mix}), seed {seed}{past}; targets "
            + ", ".join(f"{q} {t / 60:.0f} min" for q, t in targets.items()))
    return f"{head}\n{table(results, targets)}\n({elapsed:.2f} s)"


def register(app: typer.Typer) -> None:
    @app.command("simulate")
    def simulate_cmd(
        config: ConfigOpt = None,
        tickets: Annotated[int | None, typer.Option(min=0, help="tickets in the day (default: what loads "
                                                     "the hall to ~85 % in its busiest half hour)")] = None,
        seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same day")] = 1,
        split: Annotated[str | None, typer.Option(help="share per queue, e.g. A=0.5,B=0.45,C=0.05 (default: "
                                                  "in proportion to each queue's window capacity)")] = None,
        profile: Annotated[Path | None, typer.Option(help="arrival profile CSV (default: the packaged one)")]
        = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
        advisor_interval_s: Annotated[float, typer.Option(help="seconds between advisor runs")] = 60.0,
        weeks: Annotated[int, typer.Option(min=0, max=52, help="replay the same weekday of this many past weeks "
                                           "first, for the advisor's forecast (0: no history)")] = 4,
        history_out: Annotated[Path | None, typer.Option(help="write the replayed history as CSV rows "
                                                         "day,queue,slot_min,count")] = None,
    ) -> None:
        """Replay a business day through the queue engine: static, advisor, elastic-all and pooled windows."""
        from hall_contract.config import ConfigError

        try:
            typer.echo(simulate(config, tickets, seed, split, profile, as_json, advisor_interval_s, weeks,
                                history_out))
        except ConfigError as err:
            for p in err.problems:
                typer.echo(p.render(err.file), err=True)
            raise typer.Exit(2) from None
        except (ValueError, OSError) as err:
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(1) from None
