"""The platform gateway: the local SQLite backend, and the HTTP backend against a real HTTP server."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.gateway import (
    AlreadyLost,
    GatewayError,
    GatewayUnavailable,
    NotFound,
    ServicePinBlocked,
    ServicePinWrong,
)
from kiosk.gateway.http import HttpGateway
from kiosk.gateway.local import LocalGateway
from kiosk.gateway.server import GatewayServer
from tests.kiosk.fakes import TODAY, WANG, ZHOU, platform_db
from tests.peers import free_port

ZHOU_PIN = "448947"


@pytest.fixture
def local(tmp_path: Path) -> LocalGateway:
    gw = LocalGateway(platform_db(tmp_path), as_of=TODAY)
    gw.open()
    return gw


@pytest.fixture
def served(local: LocalGateway) -> Iterator[tuple[GatewayServer, HttpGateway]]:
    with GatewayServer(local, token="t0ken") as server:
        yield server, HttpGateway(server.url, token="t0ken", timeout_s=3)


def test_records_are_generated_deterministically(tmp_path: Path, local: LocalGateway) -> None:
    other = LocalGateway(tmp_path / "again.db", as_of=TODAY)
    other.open()
    a, b = local.contribution_record(WANG.id_number), other.contribution_record(WANG.id_number)
    assert a == b
    assert a.holder == "王*" and a.id_masked == "1301**********1098"
    assert a.months[0].month == "2001-03"  # 王建国 retired at 60 (born 1941-03)
    assert a.total_months > 60 and a.account_balance > 0
    assert local.receipts_of(ZHOU.id_number) == other.receipts_of(ZHOU.id_number)
    young = local.contribution_record(ZHOU.id_number)
    assert young.months[0].month == "2025-04" and len(young.months) == young.total_months  # every month


def test_certificate_and_qualifications(local: LocalGateway) -> None:
    cert = local.insurance_certificate(WANG.id_number)
    assert cert.lines[0].insurance == "企业职工基本养老保险" and cert.lines[0].status == "待遇领取"
    assert len(cert.verification_code) == 12
    assert local.qualifications(ZHOU.id_number).holder == "周*"
    with pytest.raises(NotFound):
        local.contribution_record("110101199001011234")


def test_card_loss_counts_pin_tries_and_blocks(local: LocalGateway) -> None:
    with pytest.raises(ServicePinWrong) as wrong:
        local.report_card_loss(ZHOU.id_number, "000000")
    assert wrong.value.tries_left == 2
    receipt = local.report_card_loss(ZHOU.id_number, ZHOU_PIN)
    assert receipt.card_masked == "A4*****38" and receipt.reference.endswith("1810")
    with pytest.raises(AlreadyLost):
        local.report_card_loss(ZHOU.id_number, ZHOU_PIN)
    for _ in range(2):
        with pytest.raises(ServicePinWrong):
            local.report_card_loss(WANG.id_number, "000000")
    with pytest.raises(ServicePinBlocked):
        local.report_card_loss(WANG.id_number, "000000")
    with pytest.raises(ServicePinBlocked):
        local.report_card_loss(WANG.id_number, "463260")  # even the right PIN, once blocked


@pytest.mark.peer  # the platform's HTTP server
def test_http_backend_answers_like_the_local_one(served: tuple[GatewayServer, HttpGateway],
                                                 local: LocalGateway) -> None:
    server, http = served
    assert http.contribution_record(WANG.id_number) == local.contribution_record(WANG.id_number)
    assert http.insurance_certificate(ZHOU.id_number).lines == local.insurance_certificate(ZHOU.id_number).lines
    assert http.qualifications(ZHOU.id_number) == local.qualifications(ZHOU.id_number)
    receipt = local.receipts_of(ZHOU.id_number)[0]
    assert http.application_progress(ZHOU.id_number, receipt).receipt == receipt
    assert "/api/v1/contributions" in server.requests
    assert all(WANG.id_number not in path for path in server.requests)  # the ID travels in bodies only


@pytest.mark.peer  # the platform's HTTP server
def test_http_backend_carries_the_platform_errors(served: tuple[GatewayServer, HttpGateway]) -> None:
    _server, http = served
    with pytest.raises(ServicePinWrong) as wrong:
        http.report_card_loss(ZHOU.id_number, "000000")
    assert wrong.value.tries_left == 2 and "000000" not in str(wrong.value)
    assert http.report_card_loss(ZHOU.id_number, ZHOU_PIN).card_masked == "A4*****38"
    with pytest.raises(AlreadyLost):
        http.report_card_loss(ZHOU.id_number, ZHOU_PIN)
    with pytest.raises(NotFound):
        http.application_progress(ZHOU.id_number, "000000000000")


@pytest.mark.peer  # the platform's HTTP server
def test_http_backend_without_token_or_server(served: tuple[GatewayServer, HttpGateway]) -> None:
    server, _http = served
    with pytest.raises(GatewayError, match="unauthorized"):
        HttpGateway(server.url, token="wrong", timeout_s=2).qualifications(ZHOU.id_number)
    with pytest.raises(GatewayUnavailable):
        HttpGateway(f"http://127.0.0.1:{free_port()}/api", timeout_s=1).qualifications(ZHOU.id_number)


@pytest.mark.peer  # the platform's HTTP server
def test_an_e_card_code_is_verified_over_http(local: LocalGateway,
                                              served: tuple[GatewayServer, HttpGateway]) -> None:
    from datetime import datetime, timedelta

    from kiosk.gateway import ECardExpired, ECardInvalid
    from kiosk.gateway.ecard import CN

    _server, http = served
    holder = http.verify_ecard(local.ecard_code(ZHOU.id_number))
    assert (holder.id_number, holder.holder, holder.id_masked) == (ZHOU.id_number, "周*", "1301**********1810")
    with pytest.raises(ECardExpired):
        http.verify_ecard(local.ecard_code(ZHOU.id_number, datetime.now(CN) - timedelta(minutes=2)))
    with pytest.raises(ECardInvalid):
        http.verify_ecard("ESSC1" + "0" * 38)
