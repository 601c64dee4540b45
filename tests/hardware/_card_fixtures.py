"""Fixtures for the card tests: a real pcscd with vpcd's virtual reader, virtual cards, a SAM simulator.

Test modules import the fixture functions they use (pytest registers them under ``name=``);
this module is not a conftest so that it does not clash with other helpers' fixtures.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hardware.card.holders import Holder, find_holder
from hardware.card.simulator import VirtualSocialSecurityCard
from hardware.idcard.simulator import SimulatedSamReader
from tests.waiting import eventually

VPCD_READER = "Virtual PCD 00 00"  # the reader whose card connects to 127.0.0.1:VPCD_PORT
VPCD_PORT = 35963  # vpcd's default; the session's own pcscd (the fixture) listens elsewhere
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
WANG = "130102194103121098"  # 王建国, PIN 463260, normal card
CardFactory = Callable[..., VirtualSocialSecurityCard]


def _readers() -> list[str]:
    from hardware.card.errors import CardError
    from hardware.card.pcsc import list_readers

    try:
        return list_readers()
    except CardError:
        return []


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


def _free_port_pair() -> int:
    """A port ``p`` with ``p`` and ``p + 1`` free (vpcd listens on one port per reader)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
        except OSError:
            continue
        if port + 1 < 65536:
            return port
    raise RuntimeError("no two adjacent free ports")


@pytest.fixture(scope="session", name="pcscd")
def _pcscd_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A pcscd of this test session's own, with vpcd's readers on free ports: nothing else on the machine
    (the machine's pcscd, another test run) shares its socket or its virtual readers.

    pcscd's socket path is fixed (``/run/pcscd/pcscd.comm``), so it runs in a mount namespace of its own with
    a private folder mounted there; this process reaches it through ``PCSCLITE_CSOCK_NAME`` (set by
    ``tests/conftest.py`` before anything talks PC/SC)."""
    if shutil.which("pcscd") is None or shutil.which("unshare") is None:
        pytest.skip("pcscd is not installed (Debian: pcscd vsmartcard-vpcd)")
    assert VPCD_DRIVER.exists(), "vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)"
    import smartcard  # noqa: F401  (pyscard missing is a failure, not a skip)

    socket_path = Path(os.environ["PCSCLITE_CSOCK_NAME"])
    run = socket_path.parent
    run.mkdir(parents=True, exist_ok=True)
    conf = tmp_path_factory.mktemp("pcscd-conf")
    port = _free_port_pair()
    (conf / "vpcd").write_text(f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{port:04X}\n'
                               f"LIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{port:04X}\n")
    log = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
    script = f"mkdir -p /run/pcscd && mount --bind {run} /run/pcscd && exec pcscd --foreground --config {conf}"
    with log.open("wb") as out:
        proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                                stdout=out, stderr=subprocess.STDOUT)
    global VPCD_PORT
    VPCD_PORT = port
    try:
        def shows_the_reader() -> bool:
            assert proc.poll() is None, f"pcscd exited at start: {log.read_text(errors='replace')[-500:]}"
            return VPCD_READER in _readers()

        eventually(shows_the_reader, 10.0, f"pcscd shows the reader {VPCD_READER!r}")
        yield VPCD_READER
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(name="virtual_card")
def _virtual_card_fixture(pcscd: str) -> Iterator[CardFactory]:
    """Inserts a virtual card (``virtual_card(holder_key, **options)``); removes it afterwards."""
    cards: list[VirtualSocialSecurityCard] = []

    def insert(key: str = WANG, **options: object) -> VirtualSocialSecurityCard:
        options.setdefault("port", VPCD_PORT)
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
