"""The two tiers of the suite: pure tests (``make unit``) and tests on real peers (marked ``peer``).

A peer is anything a test talks to besides the code under test and files: a process of any kind
(Mosquitto, PostgreSQL, ``hallctl``, pcscd, cupsd, Chromium, Xvfb, poppler's tools, a shell), a device
simulator on a pty or a TCP port, an HTTP server, the speech engine (espeak-ng), a Kivy window. A test is a
peer test when it uses a fixture that brings one (``PEER_FIXTURES``, directly or through another fixture),
or when it says so with ``@pytest.mark.peer`` because it starts one itself. The rule is checked while the
tests run: a test without the mark that starts a process, opens a pty or a listening socket, starts the
speech engine, loads Kivy or reaches a peer fixture at run time fails and says which.

On CI (``CI=true``) a skipped test fails the run: a peer that could not be had must not pass quietly.

``tests/conftest.py`` imports these hooks, so they apply to the whole suite.
"""
from __future__ import annotations

import importlib
import importlib.abc
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

#: fixtures that start or reach a peer (the device simulators' are in tests/hardware/_*_fixtures.py)
PEER_FIXTURES = frozenset({"broker", "new_broker", "pg_admin", "server", "hall_app", "hallctl", "pcscd", "chromium",
                           "xvfb", "kivy_window", "sam", "printer_emulator", "rs485_sim"})


class PeerNotMarked(RuntimeError):
    """A test without the ``peer`` mark tried to start or reach a peer."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = PEER_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if used and item.get_closest_marker("peer") is None:
            item.add_marker(pytest.mark.peer)
        if "pg_admin" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


class _NoKivy(importlib.abc.MetaPathFinder):
    """Kivy, once imported, makes the process's window: a pure test has no reason to import it at all."""

    def __init__(self, item: pytest.Item) -> None:
        self.item = item

    def find_spec(self, name: str, path: Sequence[str] | None, target: object = None) -> None:
        if name == "kivy" or name.startswith("kivy."):
            raise PeerNotMarked(f"{self.item.nodeid} loads Kivy (a window): use the kivy_window fixture or mark "
                                "the test peer")
        return None


_current: pytest.Item | None = None  # the unmarked test running now (None during a peer test)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    """While a test without the ``peer`` mark runs (set-up and teardown included), peers cannot start."""
    global _current
    marked = item.get_closest_marker("peer") is not None
    previous, _current = _current, (None if marked else item)
    try:
        if marked:
            return (yield)
        with _no_peers(item):
            return (yield)
    finally:
        _current = previous


@contextmanager
def _no_peers(item: pytest.Item) -> Iterator[None]:
    def refuse(what: str) -> Callable[..., Any]:
        def refused(*_args: Any, **_kw: Any) -> Any:
            raise PeerNotMarked(f"{item.nodeid} {what}: use a peer fixture or mark the test peer")
        return refused

    def starts(_popen: object, args: Any, *_rest: Any, **_kw: Any) -> None:
        first = args if isinstance(args, str | bytes | os.PathLike) else args[0]
        refuse(f"starts {Path(os.fsdecode(first).split()[0]).name}")()

    patches: list[tuple[object, str, object]] = [
        (subprocess.Popen, "__init__", starts), (os, "openpty", refuse("opens a pty (a device line)")),
        (socket.socket, "listen", refuse("listens on a port (a server or a device on TCP)"))]
    pyttsx3 = sys.modules.get("pyttsx3") or _import("pyttsx3")
    if pyttsx3 is not None:
        patches.append((pyttsx3, "init", refuse("starts the speech engine (espeak-ng)")))
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    blocker = _NoKivy(item)
    for owner, name, value in patches:
        setattr(owner, name, value)
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
        for owner, name, value in saved:
            setattr(owner, name, value)


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> None:
    """A peer fixture reached at run time (``request.getfixturevalue``) by a test without the mark."""
    if fixturedef.argname in PEER_FIXTURES and _current is not None:
        raise PeerNotMarked(f"{_current.nodeid} uses the peer fixture {fixturedef.argname!r} without the peer "
                            "mark (mark the parameter or the test)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI (``CI=true``) a skipped test is a failure: a peer that could not be had must not pass quietly."""
    if os.environ.get("CI", "").lower() not in ("true", "1", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if reporter is not None and skipped and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; on CI every peer must be there", red=True)
        for report in skipped[:20]:
            reporter.write_line(f"  skipped: {report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
