"""The suite's own rules (tests/tiers.py), on small suites run by pytester: a test that uses a peer is marked
and left out of ``make unit``; a test that starts a peer without the mark fails; on CI a skip fails the run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.peers import hall_env

HOOKS = ("from tests.tiers import (pytest_collection_modifyitems, pytest_fixture_setup, pytest_runtest_protocol,\n"
         "                         pytest_sessionfinish)\n")
#: the inner runs need none of the suite's plugins (they cost a second a run)
BARE = ("-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio", "-p", "no:cacheprovider")
PEER_FIXTURE = '''
import pytest

@pytest.fixture
def broker():
    return "a broker"  # stands in for the session's Mosquitto: only the name counts here

@pytest.fixture
def through_broker(broker):
    return broker
'''


def test_a_test_that_uses_a_peer_fixture_is_marked_and_left_out_of_the_unit_tier(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(HOOKS + PEER_FIXTURE)
    pytester.makepyfile(test_tier='''
import pytest

def test_direct(broker): pass
def test_through_another_fixture(through_broker): pass
@pytest.mark.peer
def test_marked_by_hand(): pass
def test_pure(): pass
''')
    result = pytester.runpytest(*BARE, "-m", "not peer", "-v")
    result.assert_outcomes(passed=1, deselected=3)
    result.stdout.fnmatch_lines(["*test_pure PASSED*"])
    pytester.runpytest(*BARE, "-m", "peer").assert_outcomes(passed=3, deselected=1)


@pytest.mark.parametrize(("body", "says"), [
    ("import subprocess, sys\n    subprocess.run([sys.executable, '-c', 'pass'])", "starts python"),
    ("import os\n    os.openpty()", "opens a pty"),
    ("import socket\n    with socket.socket() as s:\n        s.bind(('127.0.0.1', 0))\n        s.listen()",
     "listens on a port"),
    # (Kivy may be loaded already, by the window tests of this run: the test imports it afresh, and the
    # module objects come back afterwards)
    ("import sys\n    for name in ('kivy', 'kivy.core.window'):\n        monkeypatch.delitem(sys.modules, name, "
     "raising=False)\n    import kivy.core.window", "loads Kivy"),
    ("request.getfixturevalue('broker')", "uses the peer fixture 'broker'"),
])
def test_an_unmarked_test_that_starts_a_peer_fails_and_says_why(pytester: pytest.Pytester, body: str,
                                                                 says: str) -> None:
    pytester.makeconftest(HOOKS + PEER_FIXTURE)
    pytester.makepyfile(test_sneaky=f"def test_sneaks_a_peer_in(request, monkeypatch):\n    {body}\n")
    result = pytester.runpytest(*BARE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"*PeerNotMarked*test_sneaks_a_peer_in {says}*"])


def test_on_ci_a_skipped_test_fails_the_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest(HOOKS)
    pytester.makepyfile(test_skips='''
import pytest

def test_needs_a_peer():
    pytest.skip("PostgreSQL does not answer")

def test_passes():
    pass
''')
    monkeypatch.delenv("CI", raising=False)
    quiet = pytester.runpytest(*BARE)
    quiet.assert_outcomes(passed=1, skipped=1)
    assert quiet.ret == pytest.ExitCode.OK  # off CI a skip is reported, not failed

    monkeypatch.setenv("CI", "true")
    on_ci = pytester.runpytest(*BARE)
    on_ci.assert_outcomes(passed=1, skipped=1)
    assert on_ci.ret == pytest.ExitCode.TESTS_FAILED
    on_ci.stdout.fnmatch_lines(["*CI=true: 1 test(s) skipped*",
                                "*skipped: test_skips.py::test_needs_a_peer*PostgreSQL does not answer*"])


def test_pc_sc_goes_to_this_runs_own_pcscd(tmp_path: Path) -> None:
    """Not the machine's pcscd (``/run/pcscd``), which other test runs and the machine's own readers use:
    this process and every process the tests start ask the pcscd of this run (tests/hardware/_card_fixtures.py)."""
    socket = os.environ["PCSCLITE_CSOCK_NAME"]
    assert socket == f"/tmp/hall-test-pcscd-{os.getpid()}/pcscd.comm"
    assert hall_env(tmp_path, "mqtt://127.0.0.1:1")["PCSCLITE_CSOCK_NAME"] == socket
