"""Shared set-up for the benchmark scripts: a broker, a server process, a hall with N windows."""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.peers import Broker, ServerProcess, hall_env  # noqa: E402


def hall_with_windows(workdir: Path, accept_windows: int) -> Path:
    """The sample hall with ``accept_windows`` accept windows (numbered from 13 upwards)."""
    text = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")
    extra = "".join(f'\n[[windows]]\nnumber = {n}\nname = "{n}号窗口"\nkind = "accept"\n'
                    for n in range(13, 13 + max(0, accept_windows - 6)))
    out = workdir / "hall.toml"
    out.write_text(re.sub(r"\n\[\[items\]\]", extra + "\n[[items]]", text, count=1), encoding="utf-8")
    (workdir / "guide.toml").write_text((ROOT / "config" / "guide.toml").read_text(encoding="utf-8"),
                                        encoding="utf-8")  # the 办事指南 read beside it
    return out


def start(db: str, windows: int = 6, **env: str) -> tuple[Broker, ServerProcess, Path]:
    work = Path(tempfile.mkdtemp(prefix="hall-bench-"))
    broker = Broker(work)
    broker.start()
    e = hall_env(work, broker.url, None if db == "sqlite" else db, **env)
    e["HALL_CONFIG"] = str(hall_with_windows(work, windows))
    e.setdefault("HALL_LOG_LEVEL", "WARNING")
    srv = ServerProcess(e, work)
    srv.start()
    return broker, srv, work
