"""Waiting in tests: until something happens (``eventually``), or for proof that it does not (``remains``).

A test never sleeps a fixed time before an assertion: it waits for the condition it asserts, so it is
as fast as the peer allows and fails only when the condition does not come within the bound.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
POLL_S = 0.02


def eventually(predicate: Callable[[], T], timeout: float = 5.0, what: str = "") -> T:
    """Call ``predicate`` until it answers something truthy and return that answer.

    After ``timeout`` seconds it raises ``AssertionError`` naming ``what`` (or the predicate) and its
    last answer. An exception from ``predicate`` propagates at once (a peer that died is not waited for).
    """
    came, value = _poll(predicate, timeout)
    if not came:
        raise AssertionError(f"not within {timeout} s: {what or _name(predicate)} (last: {value!r})")
    return value


def within(predicate: Callable[[], object], timeout: float = 5.0) -> bool:
    """Whether ``predicate`` comes true within ``timeout`` (for ``assert within(...), what_the_screen_shows``)."""
    return _poll(predicate, timeout)[0]


def remains(predicate: Callable[[], object], seconds: float, what: str = "") -> None:
    """``predicate`` holds now and every time it is asked for ``seconds`` (something must *not* happen)."""
    end = time.monotonic() + seconds
    while True:
        value = predicate()
        if not value:
            raise AssertionError(f"no longer holds: {what or _name(predicate)} (got: {value!r})")
        if time.monotonic() >= end:
            return
        time.sleep(POLL_S)


def _poll(predicate: Callable[[], T], timeout: float) -> tuple[bool, T]:
    end = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return True, value
        if time.monotonic() >= end:
            return False, value
        time.sleep(POLL_S)


def _name(predicate: Callable[[], object]) -> str:
    code = getattr(predicate, "__code__", None)
    where = f" ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})" if code is not None else ""
    return getattr(predicate, "__qualname__", repr(predicate)) + where


def run_async(coro: Any) -> Any:
    """``asyncio.run`` in a thread of its own (Playwright's sync API keeps a loop running in this one)."""
    import asyncio
    import threading

    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as err:  # re-raised in the caller's thread
            out["error"] = err

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out.get("value")
