"""``hallctl install``: lay out users, configuration and units for one role on a Debian machine.

Idempotent: existing users and an existing ``/etc/hall/hall.toml`` are kept. ``--root`` writes
into another tree instead of ``/`` (for building an image, and for the tests), and then creates
no users and touches no running systemd.
"""
from __future__ import annotations

import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

SOURCE = Path(__file__).resolve().parents[1]
ROLES: dict[str, dict[str, list[str]]] = {
    "server": {"units": ["hall-server.service", "hall-uplink.service", "hall-backup.service", "hall-backup.timer"],
               "users": ["hall"],
               "dirs": ["var/lib/hall", "var/backups/hall"]},
    "kiosk": {"units": ["hall-kiosk.service"], "users": ["hall-kiosk"], "dirs": ["var/lib/hall-kiosk"]},
    "display": {"units": ["hall-display.service", "hall-window-bridge.service"],
                "users": ["hall-display", "hall-bridge"], "dirs": ["var/lib/hall-display", "var/lib/hall-bridge"]},
}

#: units that a timer starts (not enabled themselves)
TIMER_STARTED = frozenset({"hall-backup.service"})


def hallctl_path() -> str:
    found = shutil.which("hallctl") or str(Path(sys.executable).parent / "hallctl")
    return str(Path(found).resolve()) if Path(found).exists() else found


def _user(name: str, home: str) -> str:
    try:
        pwd.getpwnam(name)
        return f"user {name}: exists"
    except KeyError:
        subprocess.run(["useradd", "--system", "--home-dir", f"/{home}", "--no-create-home",
                        "--shell", "/usr/sbin/nologin", name], check=True)
        return f"user {name}: created"


def install(role: str, root: Path, config: Path | None, enable: bool) -> list[str]:
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}")
    spec = ROLES[role]
    done: list[str] = []
    live = root.resolve() == Path("/")
    for d in spec["dirs"]:
        (root / d).mkdir(parents=True, exist_ok=True)
    if live:
        for user, home in zip(spec["users"], spec["dirs"], strict=False):
            done.append(_user(user, home))
        for d in spec["dirs"]:
            owner = next((u for u in spec["users"] if d.endswith(u)), spec["users"][0])
            shutil.chown(root / d, user=owner, group=owner)
    etc = root / "etc/hall"
    etc.mkdir(parents=True, exist_ok=True)
    target = etc / "hall.toml"
    if target.exists():
        done.append(f"{target}: kept")
    else:
        shutil.copy(config or SOURCE / "config/hall.toml", target)
        target.chmod(0o640)
        if live:
            shutil.chown(target, group=spec["users"][0])
        done.append(f"{target}: written (edit it, then: hallctl config check {target})")
    units = root / "etc/systemd/system"
    units.mkdir(parents=True, exist_ok=True)
    exe = hallctl_path()
    for unit in spec["units"]:
        text = (SOURCE / "systemd" / unit).read_text().replace("HALLCTL", exe)
        (units / unit).write_text(text)
        done.append(f"{units / unit}: written")
    if live and enable and Path("/run/systemd/system").exists():
        subprocess.run(["systemctl", "daemon-reload"], check=True)
        started = [u for u in spec["units"] if u not in TIMER_STARTED]
        subprocess.run(["systemctl", "enable", "--now", *started], check=True)
        done.append("enabled and started: " + ", ".join(started))
    elif live:
        done.append("systemd is not running here: start the units when it is")
    return done


def register(app: typer.Typer) -> None:
    @app.command("install")
    def install_cmd(
        role: Annotated[str, typer.Option(help="server, kiosk or display")],
        root: Annotated[Path, typer.Option(help="install into this tree instead of /")] = Path("/"),
        config: Annotated[Path | None, typer.Option(help="hall configuration to install (default: the sample)")]
        = None,
        enable: Annotated[bool, typer.Option(help="enable and start the units")] = True,
    ) -> None:
        """Lay out users, /etc/hall/hall.toml and the systemd units for one role."""
        if not (SOURCE / "systemd").is_dir():
            typer.echo("error: run hallctl install from the project's source tree", err=True)
            raise typer.Exit(1)
        for line in install(role, root, config, enable):
            typer.echo(line)
