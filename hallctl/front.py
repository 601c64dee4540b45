"""The hall server's HTTPS front: Debian's nginx, with a configuration rendered from ``[front]``.

The queue server (uvicorn) listens on loopback only; nginx faces the hall network. It speaks TLS,
sends plain HTTP to HTTPS, drops clients that do not finish their request headers or body in time,
refuses bodies over a size, throttles logins, ticket issuing and all requests per address, passes the
``/api/live`` WebSocket through, and adds the browser security headers the server does not set itself.
nginx reads the whole request before the server sees it, so a slow client costs the server nothing.

``hallctl install --role server`` writes the configuration (:func:`render_nginx_conf`) and a
self-signed certificate when none is there (:func:`ensure_certificate`); ``hall-front.service`` runs
nginx on it. The tests and ``benchmarks/slow_conns.py`` run the same rendered file.
"""
from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from hall_contract.config import Section

NGINX = "/usr/sbin/nginx"


class FrontSettings(Section):
    """``[front]``: the HTTPS front of the hall server (nginx), set up by ``hallctl install --role server``."""

    enabled: bool = Field(default=True, description="install --role server puts the server behind the front")
    listen_host: str = Field(default="*", description="address the front listens on (* = every address)")
    https_port: int = Field(default=443, ge=1, le=65535)
    http_port: int | None = Field(default=80, ge=1, le=65535, description="plain HTTP port that only redirects "
                                  "to HTTPS (unset: none)")
    server_name: str = Field(default="_", pattern=r"^[A-Za-z0-9_.*-]+$", description="host name(s) served")
    cert_file: str = Field(default="/etc/hall/tls/hall.crt", description="PEM certificate (chain); a self-signed "
                           "one is made at install when the file does not exist")
    key_file: str = Field(default="/etc/hall/tls/hall.key", description="its private key (PEM, 0600)")
    conf_dir: str = Field(default="/etc/hall/front", description="where nginx.conf is written")
    state_dir: str = Field(default="/var/lib/hall-front", description="nginx's temporary files")
    run_dir: str = Field(default="/run/hall-front", description="nginx's pid file")
    user: str = Field(default="www-data", description="the user nginx's workers run as")
    header_timeout_s: int = Field(default=10, ge=1, le=300, description="a client must send its request "
                                  "headers within this time, or it is dropped")
    body_timeout_s: int = Field(default=15, ge=1, le=300, description="longest pause while a body is read")
    send_timeout_s: int = Field(default=15, ge=1, le=300, description="longest pause while an answer is taken")
    keepalive_timeout_s: int = Field(default=15, ge=0, le=300, description="an idle kept-alive connection is "
                                     "closed after this")
    keepalive_requests: int = Field(default=100, ge=1, le=10000)
    max_body_kb: int = Field(default=1024, ge=1, le=102400, description="larger request bodies get 413")
    login_per_minute: int = Field(default=10, ge=1, le=600, description="login attempts per minute per address")
    login_burst: int = Field(default=5, ge=0, le=100, description="attempts above the rate let through at once")
    tickets_per_minute: int = Field(default=60, ge=1, le=6000, description="POST /api/tickets per minute per "
                                    "address (a guide desk issues far fewer)")
    tickets_burst: int = Field(default=20, ge=0, le=1000)
    requests_per_s: int = Field(default=50, ge=1, le=10000, description="requests per second per address")
    requests_burst: int = Field(default=200, ge=0, le=100000)
    connections_per_ip: int = Field(default=64, ge=1, le=10000, description="requests in progress per address")
    worker_connections: int = Field(default=8192, ge=256, le=65536, description="connections per nginx worker "
                                    "(idle and slow ones included)")
    live_timeout_s: int = Field(default=3600, ge=30, le=86400, description="a /api/live WebSocket with no "
                                "traffic either way is closed after this")
    upstream_timeout_s: int = Field(default=60, ge=1, le=600, description="how long the front waits for "
                                    "the server's answer")

    @model_validator(mode="after")
    def _ports(self) -> FrontSettings:
        if self.http_port == self.https_port:
            raise ValueError("http_port and https_port must differ")
        return self

    @property
    def conf_file(self) -> Path:
        return Path(self.conf_dir) / "nginx.conf"


#: the errors the front answers itself, in the contract's shape (413, 429, and the server being away)
_ERRORS = {
    413: ("too_large", "请求内容过大 (request body too large)"),
    429: ("too_many_requests", "请求过于频繁，请稍后再试 (too many requests; try again shortly)"),
    502: ("unavailable", "服务暂不可用，请稍后再试 (the server is not answering; try again shortly)"),
}

#: security headers, each sent only when the server has not set it itself (no duplicates, the server's wins)
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=15552000",
}


def _listen(host: str, port: int, extra: str = "") -> str:
    where = str(port) if host in ("*", "") else (f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return f"listen {where}{extra};"


def _header_maps() -> str:
    out = []
    for name, value in _HEADERS.items():
        var = "hall_" + name.lower().replace("-", "_")
        upstream = "$upstream_http_" + name.lower().replace("-", "_")
        out.append(f'    map {upstream} ${var} {{\n        "" "{value}";\n        default "";\n    }}')
    return "\n".join(out)


def _add_headers(indent: str) -> str:
    return "\n".join(f'{indent}add_header {name} $hall_{name.lower().replace("-", "_")} always;'
                     for name in _HEADERS)


def _error_locations(indent: str) -> str:
    lines = []
    for status, (code, message) in _ERRORS.items():
        body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
        lines += [f"{indent}location = /_hall_error_{status} {{", f"{indent}    internal;",
                  f"{indent}    default_type application/json;", f"{indent}    return {status} '{body}';",
                  f"{indent}}}"]
    pages = "\n".join(f"{indent}error_page {s} /_hall_error_{502 if s in (503, 504) else s};"
                      for s in (413, 429, 502, 503, 504))
    return pages + "\n" + "\n".join(lines)


def render_nginx_conf(front: FrontSettings, upstream_port: int, upstream_host: str = "127.0.0.1") -> str:
    """The whole nginx.conf of the front (nginx runs it with ``-c``; it includes nothing else)."""
    state, run = Path(front.state_dir), Path(front.run_dir)
    upstream = f"{upstream_host}:{upstream_port}"
    redirect_port = "" if front.https_port == 443 else f":{front.https_port}"
    redirect = "" if front.http_port is None else f"""
    server {{
        {_listen(front.listen_host, front.http_port)}
        server_name {front.server_name};
        location / {{
            return 301 https://$host{redirect_port}$request_uri;
        }}
    }}
"""
    proxy = f"""proxy_pass http://{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header Connection "";"""
    return f"""# The hall server's HTTPS front, written by `hallctl install --role server` from [front] in
# /etc/hall/hall.toml: change that section and run the install again rather than editing this file.
user {front.user};
worker_processes auto;
worker_rlimit_nofile {front.worker_connections * 2 + 64};
pid {run / "nginx.pid"};
error_log stderr warn;

events {{
    worker_connections {front.worker_connections};
}}

http {{
    default_type application/octet-stream;
    server_tokens off;
    access_log off;
    client_body_temp_path {state / "body"};
    proxy_temp_path {state / "proxy"};
    fastcgi_temp_path {state / "fastcgi"};
    uwsgi_temp_path {state / "uwsgi"};
    scgi_temp_path {state / "scgi"};

    client_header_timeout {front.header_timeout_s}s;
    client_body_timeout {front.body_timeout_s}s;
    send_timeout {front.send_timeout_s}s;
    keepalive_timeout {front.keepalive_timeout_s}s;
    keepalive_requests {front.keepalive_requests};
    client_max_body_size {front.max_body_kb}k;
    client_header_buffer_size 1k;
    large_client_header_buffers 4 8k;
    reset_timedout_connection on;

    limit_req_zone $binary_remote_addr zone=hall_login:1m rate={front.login_per_minute}r/m;
    limit_req_zone $binary_remote_addr zone=hall_api:4m rate={front.requests_per_s}r/s;
    limit_req_zone $hall_ticket_issuer zone=hall_tickets:1m rate={front.tickets_per_minute}r/m;
    limit_conn_zone $binary_remote_addr zone=hall_conn:4m;
    limit_req_status 429;
    limit_conn_status 429;

{_header_maps()}

    map $request_method $hall_ticket_issuer {{
        POST $binary_remote_addr;
        default "";
    }}

    map $http_upgrade $hall_connection_upgrade {{
        default upgrade;
        "" close;
    }}
{redirect}
    server {{
        {_listen(front.listen_host, front.https_port, " ssl")}
        server_name {front.server_name};
        ssl_certificate {front.cert_file};
        ssl_certificate_key {front.key_file};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:hall_tls:4m;
        ssl_session_timeout 1h;
        ssl_session_tickets off;

        limit_conn hall_conn {front.connections_per_ip};
        limit_req zone=hall_api burst={front.requests_burst} nodelay;
        proxy_connect_timeout 5s;
        proxy_read_timeout {front.upstream_timeout_s}s;
        proxy_send_timeout {front.upstream_timeout_s}s;
{_add_headers("        ")}
{_error_locations("        ")}

        location = /api/auth/login {{
            limit_req zone=hall_login burst={front.login_burst} nodelay;
            {proxy}
        }}

        location = /api/tickets {{
            limit_req zone=hall_tickets burst={front.tickets_burst} nodelay;
            limit_req zone=hall_api burst={front.requests_burst} nodelay;
            {proxy}
        }}

        location = /api/live {{
            proxy_pass http://{upstream};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $hall_connection_upgrade;
            proxy_read_timeout {front.live_timeout_s}s;
            proxy_send_timeout {front.live_timeout_s}s;
        }}

        location / {{
            {proxy}
        }}
    }}
}}
"""


def write_config(front: FrontSettings, upstream_port: int, root: Path = Path("/")) -> Path:
    """Write nginx.conf under ``root`` (``/`` on the machine itself) and make nginx's folders."""
    conf = _under(root, front.conf_file)
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(render_nginx_conf(front, upstream_port))
    conf.chmod(0o644)
    _under(root, Path(front.state_dir)).mkdir(parents=True, exist_ok=True)
    return conf


def ensure_certificate(front: FrontSettings, root: Path = Path("/"), names: list[str] | None = None,
                       days: int = 3650) -> str:
    """A self-signed certificate (ECDSA P-256) at the configured paths, unless one is there; what was done."""
    cert, key = _under(root, Path(front.cert_file)), _under(root, Path(front.key_file))
    if cert.exists() and key.exists():
        return f"{cert}: kept"
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is not installed (apt-get install openssl), or set cert_file and key_file "
                           "in [front] to a certificate you have")
    names = names or certificate_names(None)
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.parent.mkdir(parents=True, exist_ok=True)
    san = ",".join(("IP:" if _is_ip(n) else "DNS:") + n for n in names)
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", str(days), "-subj", f"/CN={names[0]}",
                    "-addext", f"subjectAltName={san}"], check=True, capture_output=True, timeout=60)
    key.chmod(0o600)
    cert.chmod(0o644)
    return f"{cert}: self-signed for {', '.join(names)} (replace it with the hall's own when it has one)"


def certificate_names(public_url: str | None) -> list[str]:
    """The names a self-signed certificate is made for: the public URL's host, this machine's name and its
    address on the hall network, loopback."""
    names = []
    if public_url:
        host = urlsplit(public_url).hostname
        if host:
            names.append(host)
    names += [socket.gethostname(), _lan_address(), "localhost", "127.0.0.1"]
    return list(dict.fromkeys(n for n in names if n))


def _lan_address() -> str:
    """The address this machine reaches other networks from (no packet is sent), or "" when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route is looked up
            return str(s.getsockname()[0])
        except OSError:
            return ""


def _is_ip(name: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, name)
            return True
        except OSError:
            pass
    return False


def _under(root: Path, path: Path) -> Path:
    return root / path.relative_to("/") if path.is_absolute() else root / path


def check(front: FrontSettings, root: Path = Path("/")) -> tuple[str, bool, str] | None:
    """``hallctl doctor``'s line for the front, when it is installed here (else None)."""
    if not front.enabled or not _under(root, front.conf_file).exists():
        return None
    host = "127.0.0.1" if front.listen_host in ("*", "", "0.0.0.0") else front.listen_host.strip("[]")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the hall's certificate is often self-signed: the doctor checks it answers
    where = f"https://{host}:{front.https_port}"
    try:
        with socket.create_connection((host, front.https_port), timeout=3) as raw, \
                ctx.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            status = tls.recv(64).split(b"\r\n", 1)[0].decode(errors="replace")
            version = tls.version()
    except OSError as err:
        return ("https front", False, f"{where}: {err} (systemctl status hall-front)")
    if " 200 " not in status + " ":
        return ("https front", False, f"{where}: {status or 'no answer'} (is hall-server running?)")
    return ("https front", True, f"{where} answers ({version}){_expiry(_under(root, Path(front.cert_file)))}")


def _expiry(cert: Path) -> str:
    openssl = shutil.which("openssl")
    if openssl is None or not cert.exists():
        return ""
    r = subprocess.run([openssl, "x509", "-checkend", str(30 * 86400), "-noout", "-in", str(cert)],
                       capture_output=True, text=True, timeout=10)
    return "" if r.returncode == 0 else "; the certificate expires within 30 days"
