"""The hall configuration: the sample is valid, mistakes are named with their line, env wins."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from hall_contract.config.problems import ConfigError
from queue_server.settings import load_settings
from tests.peers import ROOT

SAMPLE = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")
Hallctl = Callable[..., subprocess.CompletedProcess[str]]


def check(hallctl: Hallctl, tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    f = tmp_path / "hall.toml"
    f.write_text(text, encoding="utf-8")
    return hallctl("config", "check", str(f), timeout=60)


def line_of(text: str, needle: str, nth: int = 0) -> int:
    lines = [i + 1 for i, ln in enumerate(text.splitlines()) if needle in ln]
    return lines[nth]


def test_the_sample_hall_is_valid_and_complete() -> None:
    s = load_settings(ROOT / "config" / "hall.toml", env={})
    kinds = [w.kind.value for w in s.windows]
    assert kinds.count("accept") >= 6 and kinds.count("query") >= 2
    assert kinds.count("bulk") >= 1 and kinds.count("elastic") >= 3
    assert [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in s.hours.sessions] == [
        ("09:00", "12:00"), ("13:30", "17:00")]
    assert {i.queue for i in s.items} == {"A", "B", "C"} and len(s.items) == 26
    assert all(q.target_wait_s > 0 for q in s.queues)


def test_check_says_ok_for_the_sample(hallctl: Hallctl, tmp_path: Path) -> None:
    r = check(hallctl, tmp_path, SAMPLE)
    assert r.returncode == 0 and "ok" in r.stdout


@pytest.mark.parametrize("old,new,needle,nth,words", [
    ('kind = "query"', 'kind = "queery"', 'kind = "queery"', 0, "accept"),
    ("target_wait_s = 600", "target_wait_s = -5", "target_wait_s = -5", 0, "greater than 0"),
    ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"', "Mars/Olympus", 0, "time zone"),
    ('http_port = 8080', 'http_prot = 8080', "http_prot", 0, "unknown key"),
    ('queue = "C"', 'queue = "D"', None, 0, "unknown queue"),
])
def test_check_names_the_key_and_its_line(hallctl: Hallctl, tmp_path: Path, old: str, new: str, needle: str | None,
                                          nth: int, words: str) -> None:
    text = SAMPLE.replace(old, new, 1)
    r = check(hallctl, tmp_path, text)
    assert r.returncode == 1
    assert words in r.stderr, r.stderr
    if needle is not None:
        assert f"hall.toml:{line_of(text, needle, nth)}:" in r.stderr, r.stderr


def test_broken_toml_names_the_line(hallctl: Hallctl, tmp_path: Path) -> None:
    text = SAMPLE.replace('name = "综合受理"', 'name = "综合受理', 1)
    r = check(hallctl, tmp_path, text)
    broken = line_of(text, 'name = "综合受理')
    assert r.returncode == 1 and f":{broken}:" in r.stderr and "TOML" in r.stderr


def test_environment_wins_over_the_file() -> None:
    env = {"HALL_ID": "hall-7", "HALL_DATABASE_URL": "postgresql://u@h/db", "HALL_MQTT_URL": "mqtt://a:b@x:1884",
           "HALL_HTTP_HOST": "0.0.0.0", "HALL_HTTP_PORT": "9000", "HALL_ADVISOR__AUTO_APPLY": "true",
           "HALL_POLICY__MAX_RECALLS": "4"}
    s = load_settings(ROOT / "config" / "hall.toml", env=env)
    assert (s.hall.id, s.server.database_url, s.server.mqtt_url) == ("hall-7", "postgresql://u@h/db", "mqtt://a:b@x:1884")
    assert (s.server.http_host, s.server.http_port) == ("0.0.0.0", 9000)
    assert s.advisor.auto_apply is True and s.policy.max_recalls == 4


def test_a_bad_environment_value_is_named() -> None:
    with pytest.raises(ConfigError) as e:
        load_settings(ROOT / "config" / "hall.toml", env={"HALL_HTTP_PORT": "eighty"})
    assert "server.http_port" in str(e.value)
