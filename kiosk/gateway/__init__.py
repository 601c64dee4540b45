"""The self-service platform (人社业务平台) behind the kiosk's 自助办 items.

:class:`Gateway` is what the kiosk needs; two backends implement it, chosen by
``[kiosk] gateway``: ``local`` (:class:`LocalGateway`, its own SQLite file with records generated
deterministically for the fictional holders of ``persons.csv``) and ``http``
(:class:`HttpGateway`, the provincial platform's JSON API, below). :mod:`kiosk.gateway.server`
serves any backend over that API, so the HTTP client is tested against a real server.

The JSON API (all ``POST``, JSON in and out, UTF-8, optional ``Authorization: Bearer <token>``;
the ID number travels in the body, never in a URL, so it stays out of access logs):

========================================  ====================================  =======================
path                                      body                                  answer
========================================  ====================================  =======================
``{base}/v1/contributions``               ``{"id_number"}``                     ``ContributionRecord``
``{base}/v1/certificates/insurance``      ``{"id_number"}``                     ``InsuranceCertificate``
``{base}/v1/cards/loss``                  ``{"id_number", "pin"}``              ``CardLossReceipt``
``{base}/v1/applications/progress``       ``{"id_number", "receipt"}``          ``ApplicationProgress``
``{base}/v1/qualifications``              ``{"id_number"}``                     ``Qualifications``
``{base}/v1/ecard/verify``                ``{"code"}``                          ``ECardHolder``
========================================  ====================================  =======================

An 电子社保卡 login code (what the holder's app shows, refreshed every minute) is
``ESSC1`` + the time it was made (``YYYYMMDDHHMMSS``, Beijing time) + a 16-hex-digit holder
token of the platform's (never the ID number) + an 8-hex-digit check code over the rest; the
platform accepts it for ``ECARD_VALID_S`` seconds (:mod:`kiosk.gateway.ecard`).

Errors answer a 4xx/5xx status with ``{"error": {"code", "message", "message_en"}}``; codes
``not_found`` (404), ``wrong_pin`` (403, with ``"tries_left"``), ``pin_blocked`` (403),
``already_lost`` (409), ``ecard_invalid`` (400), ``ecard_expired`` (410), ``unavailable`` (503).
The field names of each answer are those of the models in :mod:`kiosk.gateway.models`.
"""
from __future__ import annotations

from typing import Protocol

from kiosk.gateway.models import (
    AlreadyLost,
    ApplicationProgress,
    CardLossReceipt,
    ContributionMonth,
    ContributionRecord,
    ECardExpired,
    ECardHolder,
    ECardInvalid,
    GatewayError,
    GatewayUnavailable,
    InsuranceCertificate,
    InsuranceLine,
    NotFound,
    Qualification,
    Qualifications,
    ServicePinBlocked,
    ServicePinWrong,
)


class Gateway(Protocol):
    """One holder's business on the platform, by ID number. Every method may raise :class:`GatewayError`."""

    def contribution_record(self, id_number: str) -> ContributionRecord: ...

    def insurance_certificate(self, id_number: str) -> InsuranceCertificate: ...

    def report_card_loss(self, id_number: str, pin: str) -> CardLossReceipt: ...

    def application_progress(self, id_number: str, receipt: str) -> ApplicationProgress: ...

    def qualifications(self, id_number: str) -> Qualifications: ...

    def verify_ecard(self, code: str) -> ECardHolder: ...


__all__ = [
    "AlreadyLost",
    "ApplicationProgress",
    "CardLossReceipt",
    "ContributionMonth",
    "ContributionRecord",
    "ECardExpired",
    "ECardHolder",
    "ECardInvalid",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "InsuranceCertificate",
    "InsuranceLine",
    "NotFound",
    "Qualification",
    "Qualifications",
    "ServicePinBlocked",
    "ServicePinWrong",
]
