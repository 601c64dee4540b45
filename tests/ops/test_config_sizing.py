"""``hallctl config check`` holds a hall to 第十五/十六条: it warns with the standard's number when the accept
windows (elastic ones included) differ from ⌈annual non-query volume ÷ 10,560⌉, and refuses a hall without a
query window."""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from hallctl.main import app
from hallctl.sizing import accept_windows_needed
from tests.peers import ROOT

SAMPLE = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")
Hallctl = Callable[..., subprocess.CompletedProcess[str]]


def check(tmp_path: Path, text: str) -> tuple[int, str]:
    f = tmp_path / "hall.toml"
    f.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "check", str(f)])
    return result.exit_code, result.output


def test_the_standard_number_of_accept_windows() -> None:
    assert [accept_windows_needed(v) for v in (10_560, 10_561, 95_000, 126_720)] == [1, 2, 9, 12]


def test_the_sample_hall_is_sized_as_the_standard_says(tmp_path: Path) -> None:
    code, out = check(tmp_path, SAMPLE)
    assert code == 0 and "warning" not in out and ": ok" in out


def test_too_few_accept_windows_for_the_annual_volume_is_a_warning_with_the_number(tmp_path: Path) -> None:
    code, out = check(tmp_path, SAMPLE.replace("annual_volume = 95000", "annual_volume = 126720"))
    assert code == 0, out
    assert re.search(r"windows: warning: 第十五条：年非查询类业务量 126720 ÷ 10560 = 12\.00，应设综合柜员窗口 12 个，"
                     r"现有 9 个（受理 6 \+ 弹性 3）", out), out
    assert "sizes 12 accept windows" in out


def test_without_an_annual_volume_the_check_says_it_cannot_size(tmp_path: Path) -> None:
    code, out = check(tmp_path, SAMPLE.replace("annual_volume = 95000", ""))
    assert code == 0 and "hall.annual_volume: warning" in out


def test_a_hall_without_a_query_window_is_refused(tmp_path: Path, hallctl: Hallctl) -> None:
    text = SAMPLE.replace('kind = "query"', 'kind = "accept"')
    f = tmp_path / "hall.toml"
    f.write_text(text, encoding="utf-8")
    r = hallctl("config", "check", str(f), timeout=60)
    assert r.returncode == 1
    assert "第十六条：大厅至少设置一个查询窗口" in r.stderr and ": ok" not in r.stdout
