"""Every error code the server raises answers a deliberate HTTP status."""
from __future__ import annotations

import importlib
import pkgutil

import queue_server
from hall_contract.errors import HallError
from queue_server.api.errors import STATUS_BY_CODE


def _subclasses(cls: type[HallError]) -> list[type[HallError]]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_server_error_code_has_its_status() -> None:
    for mod in pkgutil.walk_packages(queue_server.__path__, "queue_server."):
        if ".migrations" not in mod.name:
            importlib.import_module(mod.name)
    raised = {e.code: e for e in _subclasses(HallError) if e.__module__.startswith("queue_server.")}
    assert {"unknown_window", "ticket_not_found", "store_unavailable", "already_rated"} <= set(raised)
    missing = sorted(code for code in raised if code not in STATUS_BY_CODE)
    assert not missing, f"codes without an HTTP status in STATUS_BY_CODE: {missing}"
    assert {c: STATUS_BY_CODE[c] for c in ("unknown_window", "unknown_queue", "window_not_open",
                                           "issuing_stopped", "store_unavailable")} == {
        "unknown_window": 404, "unknown_queue": 422, "window_not_open": 409, "issuing_stopped": 409,
        "store_unavailable": 503}
