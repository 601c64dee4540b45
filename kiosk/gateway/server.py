"""Serves any :class:`~kiosk.gateway.Gateway` over the platform's JSON API (standard library only).

For tests of :class:`~kiosk.gateway.http.HttpGateway` against a real server, and as a stand-in
platform for a demo hall::

    python -m kiosk.gateway.server --db var/platform.db --port 8090
"""
from __future__ import annotations

import argparse
import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kiosk.gateway import Gateway
from kiosk.gateway.models import GatewayError

log = logging.getLogger(__name__)
MAX_BODY = 16 * 1024


def _routes(gateway: Gateway) -> dict[str, Callable[[dict[str, Any]], BaseModel]]:
    return {
        "/v1/contributions": lambda b: gateway.contribution_record(_str(b, "id_number")),
        "/v1/certificates/insurance": lambda b: gateway.insurance_certificate(_str(b, "id_number")),
        "/v1/cards/loss": lambda b: gateway.report_card_loss(_str(b, "id_number"), _str(b, "pin")),
        "/v1/applications/progress": lambda b: gateway.application_progress(_str(b, "id_number"),
                                                                            _str(b, "receipt")),
        "/v1/qualifications": lambda b: gateway.qualifications(_str(b, "id_number")),
        "/v1/ecard/verify": lambda b: gateway.verify_ecard(_str(b, "code")),
    }


def _str(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValueError(f"{key} missing or not a string")
    return value


class GatewayServer:
    """A threaded HTTP server for ``gateway`` on ``host:port`` (0 = a free port), under ``prefix``."""

    def __init__(self, gateway: Gateway, host: str = "127.0.0.1", port: int = 0, prefix: str = "/api",
                 token: str | None = None) -> None:
        self.gateway, self.host, self.requested_port, self.prefix, self.token = gateway, host, port, prefix, token
        self.requests: list[str] = []  # paths served, for tests (never bodies: they hold PINs)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://{self.host}:{self._server.server_address[1]}{self.prefix}"

    def start(self) -> GatewayServer:
        routes = _routes(self.gateway)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner._handle(self, routes)

            def log_message(self, format: str, *args: Any) -> None:  # quiet: no bodies, no ids
                return None

        self._server = ThreadingHTTPServer((self.host, self.requested_port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,), name="gateway-http",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> GatewayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, h: BaseHTTPRequestHandler, routes: dict[str, Callable[[dict[str, Any]], BaseModel]]) -> None:
        path = h.path.split("?", 1)[0]
        self.requests.append(path)
        if self.token and h.headers.get("authorization") != f"Bearer {self.token}":
            return _send(h, 401, {"error": {"code": "unauthorized", "message": "未授权", "message_en": "unauthorized"}})
        route = routes.get(path.removeprefix(self.prefix))
        if route is None or not path.startswith(self.prefix):
            return _send(h, 404, {"error": {"code": "no_route", "message": "无此接口", "message_en": "no such path"}})
        try:
            length = int(h.headers.get("content-length") or 0)
            if length > MAX_BODY:
                raise ValueError("body too large")
            body = json.loads(h.rfile.read(length).decode("utf-8")) if length else {}
            if not isinstance(body, dict):
                raise ValueError("body is not a JSON object")
            answer = route(body)
        except GatewayError as err:
            return _send(h, err.status, err.to_json())
        except (ValueError, UnicodeDecodeError) as err:
            return _send(h, 400, {"error": {"code": "invalid_request", "message": "请求有误", "message_en": str(err)}})
        except Exception:
            log.exception("gateway call failed")
            return _send(h, 503, {"error": {"code": "unavailable", "message": "平台暂时不可用",
                                            "message_en": "platform unavailable"}})
        _send(h, 200, answer.model_dump(mode="json"))


def _send(h: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    h.send_response(status)
    h.send_header("content-type", "application/json; charset=utf-8")
    h.send_header("content-length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def main(argv: list[str] | None = None) -> None:
    from kiosk.gateway.local import LocalGateway

    parser = argparse.ArgumentParser(description="The local self-service backend served over the platform API")
    parser.add_argument("--db", type=Path, default=Path("var/platform.db"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--token", default=None)
    args = parser.parse_args(argv)
    local = LocalGateway(args.db)
    local.open()
    with GatewayServer(local, args.host, args.port, token=args.token) as server:
        print(f"platform API at {server.url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
