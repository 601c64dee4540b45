"""The HTTP backend: the provincial platform's JSON API (see :mod:`kiosk.gateway` for the paths).

Standard library only (``urllib``). Network failures and timeouts become
:class:`GatewayUnavailable`; error answers become the matching :class:`GatewayError`. The PIN
travels in a request body and appears in no log and no exception.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kiosk.gateway.models import (
    ApplicationProgress,
    CardLossReceipt,
    ContributionRecord,
    ECardHolder,
    GatewayUnavailable,
    InsuranceCertificate,
    Qualifications,
    error_from_json,
)

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)


class HttpGateway:
    """The :class:`~kiosk.gateway.Gateway` at ``base_url`` (e.g. ``https://platform.example/api``)."""

    def __init__(self, base_url: str, token: str | None = None, timeout_s: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s

    def open(self) -> None:
        """Nothing to open: every call is one request."""

    def close(self) -> None:
        """Nothing to close."""

    def _post(self, path: str, body: dict[str, Any], model: type[M]) -> M:
        url = f"{self.base_url}{path}"
        request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), method="POST",
                                         headers={"content-type": "application/json", "accept": "application/json"})
        if self.token:
            request.add_header("authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                data = json.loads(answer.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            try:
                payload = json.loads(err.read().decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                payload = None
            raise error_from_json(err.code, payload) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as err:
            log.warning("platform at %s does not answer: %s", self.base_url, getattr(err, "reason", err))
            raise GatewayUnavailable(f"{path}: {getattr(err, 'reason', err)}") from None
        except ValueError as err:
            raise GatewayUnavailable(f"{path}: not JSON ({err})") from None
        try:
            return model.model_validate(data)
        except ValidationError as err:
            raise GatewayUnavailable(f"{path}: unexpected answer ({err.error_count()} problems)") from None

    def contribution_record(self, id_number: str) -> ContributionRecord:
        return self._post("/v1/contributions", {"id_number": id_number}, ContributionRecord)

    def insurance_certificate(self, id_number: str) -> InsuranceCertificate:
        return self._post("/v1/certificates/insurance", {"id_number": id_number}, InsuranceCertificate)

    def report_card_loss(self, id_number: str, pin: str) -> CardLossReceipt:
        return self._post("/v1/cards/loss", {"id_number": id_number, "pin": pin}, CardLossReceipt)

    def application_progress(self, id_number: str, receipt: str) -> ApplicationProgress:
        return self._post("/v1/applications/progress", {"id_number": id_number, "receipt": receipt},
                          ApplicationProgress)

    def qualifications(self, id_number: str) -> Qualifications:
        return self._post("/v1/qualifications", {"id_number": id_number}, Qualifications)

    def verify_ecard(self, code: str) -> ECardHolder:
        return self._post("/v1/ecard/verify", {"code": code}, ECardHolder)
