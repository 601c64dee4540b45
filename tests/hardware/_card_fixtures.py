"""Fixtures for the card tests: a real pcscd with vpcd's virtual reader, virtual cards, a SAM simulator.

Test modules import the fixture functions they use (pytest registers them under ``name=``);
this module is not a conftest so that it does not clash with other helpers' fixtures.

The machine has one pcscd and one vpcd port (35963) for everyone: every test that inserts a
card or expects the reader empty holds an exclusive ``flock`` on :data:`PCSCD_LOCK` for its
duration (``pcsc_lock``; ``virtual_card`` takes it), so two suites never share the reader.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hardware.card.holders import Holder, find_holder
from hardware.card.simulator import VirtualSocialSecurityCard
from hardware.idcard.simulator import SimulatedSamReader

VPCD_READER = "Virtual PCD 00 00"  # the reader whose card connects to 127.0.0.1:35963
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
WANG = "130102194103121098"  # 王建国, PIN 463260, normal card
PCSCD_LOCK = Path("/tmp/hall-pcscd.lock")
CardFactory = Callable[..., VirtualSocialSecurityCard]


class PcscdLock:
    """An exclusive ``flock`` on :data:`PCSCD_LOCK`: one user of the machine's reader at a time.

    Re-entrant within this process (a test holding ``pcsc_lock`` may also insert a card):
    only the outermost holder takes and releases the flock.
    """

    _depth = 0
    _fd: int | None = None

    def __enter__(self) -> PcscdLock:
        if PcscdLock._depth == 0:
            fd = os.open(PCSCD_LOCK, os.O_RDONLY | os.O_CREAT, 0o666)  # flock needs no write access
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            PcscdLock._fd = fd
        PcscdLock._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        PcscdLock._depth -= 1
        if PcscdLock._depth == 0 and PcscdLock._fd is not None:
            fd, PcscdLock._fd = PcscdLock._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _readers() -> list[str]:
    from hardware.card.errors import CardError
    from hardware.card.pcsc import list_readers

    try:
        return list_readers()
    except CardError:
        return []


def _service_up() -> bool:
    """Whether a pcscd answers (``pgrep`` also matches a dying pcscd, this does not)."""
    from smartcard import scard

    hr, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hr != scard.SCARD_S_SUCCESS:
        return False
    scard.SCardReleaseContext(context)
    return True


def wait_for_card(reader: str, present: bool, timeout_s: float = 3.0) -> float:
    """Wait until pcscd sees the card in ``reader`` (or its absence); answers the seconds waited."""
    from smartcard import scard

    start = time.monotonic()
    _hr, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        state = scard.SCARD_STATE_UNAWARE
        while time.monotonic() - start < timeout_s:
            _hr, states = scard.SCardGetStatusChange(context, 100, [(reader, state)])
            state = states[0][1] & ~scard.SCARD_STATE_CHANGED if states else state
            if bool(state & scard.SCARD_STATE_PRESENT) == present:
                return time.monotonic() - start
    finally:
        scard.SCardReleaseContext(context)
    raise AssertionError(f"pcscd did not see the card {'arrive' if present else 'leave'} in {timeout_s} s")


@pytest.fixture(scope="session", name="pcscd")
def _pcscd_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running pcscd with vpcd's reader; started here (and stopped after) unless already running."""
    if shutil.which("pcscd") is None:
        pytest.skip("pcscd is not installed (Debian: pcscd vsmartcard-vpcd)")
    assert VPCD_DRIVER.exists(), "vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)"
    import smartcard  # noqa: F401  (pyscard missing is a failure, not a skip)

    started: subprocess.Popen[bytes] | None = None
    with PcscdLock():
        if not _service_up():
            log = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
            with log.open("wb") as out:
                started = subprocess.Popen(["pcscd", "--foreground"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10.0
        while VPCD_READER not in _readers():
            assert started is None or started.poll() is None, "pcscd exited at start"
            assert time.monotonic() < deadline, f"pcscd shows no reader {VPCD_READER!r}"
            time.sleep(0.1)
        yield VPCD_READER
    finally:
        if started is not None:
            started.terminate()
            try:
                started.wait(timeout=5)
            except subprocess.TimeoutExpired:
                started.kill()
                started.wait()


@pytest.fixture(name="pcsc_lock")
def _pcsc_lock_fixture(pcscd: str) -> Iterator[str]:
    """The machine's reader to this test alone (the flock on ``/tmp/hall-pcscd.lock``); answers its name."""
    with PcscdLock():
        yield pcscd


@pytest.fixture(name="virtual_card")
def _virtual_card_fixture(pcscd: str) -> Iterator[CardFactory]:
    """Inserts a virtual card (``virtual_card(holder_key, **options)``); removes it afterwards.

    Holds the reader's flock from set-up to tear-down.
    """
    with PcscdLock():
        yield from _cards(pcscd)


def _cards(pcscd: str) -> Iterator[CardFactory]:
    cards: list[VirtualSocialSecurityCard] = []

    def insert(key: str = WANG, **options: object) -> VirtualSocialSecurityCard:
        card = VirtualSocialSecurityCard(find_holder(key), **options)  # type: ignore[arg-type]
        wait_for_card(pcscd, present=False)  # a card removed just before must be seen gone first
        card.insert()
        cards.append(card)
        wait_for_card(pcscd, present=True)
        return card

    yield insert
    for card in cards:
        card.remove()
    wait_for_card(pcscd, present=False)


@pytest.fixture(name="holder")
def _holder_fixture() -> Holder:
    return find_holder(WANG)


@pytest.fixture(name="sam")
def _sam_fixture() -> Iterator[tuple[SimulatedSamReader, str]]:
    """A simulated SAM reader with 王建国's ID card on it, on a pty pair: (simulator, path)."""
    sim = SimulatedSamReader(find_holder(WANG))
    url = sim.serve_pty()
    yield sim, url
    sim.stop()
