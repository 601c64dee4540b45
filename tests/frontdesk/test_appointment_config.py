"""``[appointments]``: the sample's slots load; a slot's mistakes are named."""
from __future__ import annotations

from pathlib import Path

import pytest

from hall_contract.config.problems import ConfigError
from queue_server.settings import load_settings
from tests.peers import ROOT

SAMPLE = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")


def test_the_samples_slots_load() -> None:
    s = load_settings(ROOT / "config" / "hall.toml", env={})
    assert (s.appointments.early_min, s.appointments.late_min) == (30, 15)
    assert [(t.queue, t.start, t.capacity) for t in s.appointments.slots][:2] == [("A", "09:00", 4), ("A", "10:00", 4)]


@pytest.mark.parametrize(("slot", "words"), [
    ('{ queue = "A", start = "9h", end = "09:30" }', "HH:MM"),
    ('{ queue = "A", item = "SB-003", start = "09:00", end = "09:30" }', "a queue or an item"),
    ('{ queue = "A", start = "10:00", end = "09:30" }', "ends after it starts"),
    ('{ queue = "A", start = "09:00", end = "09:30", capacity = 0 }', "greater than or equal to 1"),
])
def test_a_wrong_slot_is_named(tmp_path: Path, slot: str, words: str) -> None:
    text = SAMPLE.replace('{ queue = "A", start = "09:00", end = "09:30", capacity = 4 }', slot, 1)
    assert text != SAMPLE
    f = tmp_path / "hall.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(f, env={})
    assert "appointments" in str(e.value) and words in str(e.value)
