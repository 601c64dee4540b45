"""``hallctl install``: lay out users, configuration and units for one role on a Debian machine.

The server role puts the queue server on loopback behind its HTTPS front (``hall-front.service``: nginx
with the configuration :mod:`hallctl.front` renders from ``[front]``, and a self-signed certificate when the
configured one does not exist yet), unless ``--no-front``.

Idempotent: existing users, certificates and an existing ``/etc/hall/hall.toml`` are kept. ``--root`` writes
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
    "server": {"units": ["hall-server.service", "hall-uplink.service"], "users": ["hall"],
               "dirs": ["var/lib/hall", "var/backups/hall"]},
    "kiosk": {"units": ["hall-kiosk.service"], "users": ["hall-kiosk"], "dirs": ["var/lib/hall-kiosk"]},
    "display": {"units": ["hall-display.service", "hall-window-bridge.service"],
                "users": ["hall-display", "hall-bridge"], "dirs": ["var/lib/hall-display", "var/lib/hall-bridge"]},
}


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


def _install_front(hall_toml: Path, root: Path, live: bool) -> tuple[list[str], str | None]:
    """The HTTPS front's certificate and nginx.conf; what was done, and the nginx.conf path (None: no front)."""
    from hall_contract.config import ConfigError
    from hallctl.front import certificate_names, ensure_certificate, write_config
    from hallctl.settings import load_configuration

    try:
        s = load_configuration(hall_toml, env={})
    except ConfigError as err:
        raise typer.BadParameter(f"{hall_toml}: {str(err).splitlines()[0]} (fix it, or install with --no-front)") \
            from err
    if not s.front.enabled:
        return ["front: off ([front] enabled = false): the server listens where [server] http_host says"], None
    done = [ensure_certificate(s.front, root, certificate_names(s.server.public_url))]
    conf = write_config(s.front, s.server.http_port, root)
    done.append(f"{conf}: written (nginx, https port {s.front.https_port}, to the server on "
                f"127.0.0.1:{s.server.http_port})")
    if live:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            done.append("nginx is not installed: apt-get install nginx, then start hall-front.service")
        else:
            if subprocess.run([nginx, "-t", "-q", "-c", str(conf)]).returncode != 0:
                raise typer.BadParameter(f"nginx refuses {conf} (its words are above): fix [front] in {hall_toml}")
            done.append(f"{conf}: nginx -t ok")
    return done, s.front.conf_file.as_posix()


def install(role: str, root: Path, config: Path | None, enable: bool, front: bool = True) -> list[str]:
    if role not in ROLES:
        raise typer.BadParameter(f"role must be one of {', '.join(ROLES)}")
    spec = {k: list(v) for k, v in ROLES[role].items()}
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
    front_conf = None
    if role == "server" and front:
        front_done, front_conf = _install_front(target, root, live)
        done += front_done
        if front_conf is not None:
            spec["units"].append("hall-front.service")
    units = root / "etc/systemd/system"
    units.mkdir(parents=True, exist_ok=True)
    exe = hallctl_path()
    for unit in spec["units"]:
        text = (SOURCE / "systemd" / unit).read_text().replace("HALLCTL", exe)
        if front_conf is not None:
            text = text.replace("FRONT_CONF", front_conf)
        elif unit == "hall-server.service":
            text = text.replace(" --host 127.0.0.1", "")  # no front: the server listens where its config says
        (units / unit).write_text(text)
        done.append(f"{units / unit}: written")
    if live and enable and Path("/run/systemd/system").exists():
        subprocess.run(["systemctl", "daemon-reload"], check=True)
        if front_conf is not None:  # Debian's own nginx would hold port 80 (its default site)
            subprocess.run(["systemctl", "disable", "--now", "nginx.service"], check=False)
            done.append("nginx.service: disabled (hall-front.service runs nginx)")
        subprocess.run(["systemctl", "enable", "--now", *spec["units"]], check=True)
        done.append("enabled and started: " + ", ".join(spec["units"]))
        if front_conf is not None:  # already running: it takes the configuration just written
            subprocess.run(["systemctl", "reload-or-restart", "hall-front.service"], check=True)
            done.append("hall-front.service: reloaded")
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
        front: Annotated[bool, typer.Option(help="server: put it behind the HTTPS front (nginx)")] = True,
    ) -> None:
        """Lay out users, /etc/hall/hall.toml and the systemd units for one role."""
        if not (SOURCE / "systemd").is_dir():
            typer.echo("error: run hallctl install from the project's source tree", err=True)
            raise typer.Exit(1)
        for line in install(role, root, config, enable, front):
            typer.echo(line)
