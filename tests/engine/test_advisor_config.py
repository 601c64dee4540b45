"""The advisor's settings: the ``[advisor]`` keys reach the engine, and a wrong margin is refused."""
from __future__ import annotations

from datetime import time

import pytest

from hall_contract.config import ConfigError
from queue_server.hall_factory import advisor_policy
from queue_server.settings import load_settings


def test_the_advisor_keys_reach_the_engine() -> None:
    env = {"HALL_ADVISOR__MIN_OPEN_S": "2400", "HALL_ADVISOR__MIN_CLOSED_S": "1200",
           "HALL_ADVISOR__WALK_TIME_S": "240", "HALL_ADVISOR__FORECAST_TODAY_WEIGHT": "0.3",
           "HALL_ADVISOR__MAX_CHANGES_PER_DAY": "6", "HALL_ADVISOR__OPEN_WAIT_SHARE_OF_TARGET": "0.6",
           "HALL_ADVISOR__CLOSE_WAIT_SHARE_OF_TARGET": "0.2", "HALL_ADVISOR__HISTORY_WEEKS": "4"}
    p = advisor_policy(load_settings(None, env=env))
    assert (p.min_open_s, p.min_closed_s, p.walk_time_s, p.forecast_today_weight) == (2400, 1200, 240, 0.3)
    assert (p.max_changes_per_day, p.open_wait_share, p.close_wait_share, p.history_weeks) == (6, 0.6, 0.2, 4)
    assert p.hours.sessions == ((time(9), time(12)), (time(13, 30), time(17)))  # the hall's own hours


def test_a_close_margin_above_the_open_margin_is_refused_by_name() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(None, env={"HALL_ADVISOR__CLOSE_WAIT_SHARE_OF_TARGET": "0.8"})
    (problem,) = err.value.problems
    assert problem.key == "advisor" and "close_wait_share_of_target must not be above" in problem.message
