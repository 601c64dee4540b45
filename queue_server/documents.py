"""The hall's register of printed A4 documents: ``register_document`` (RPC) in, ``/verify/{code}`` out.

A kiosk that printed a 参保证明 or 权益记录 registers its verification code here, with the holder
masked; whoever holds the paper scans its QR code and the hall server answers whether the code is
one it issued, of which kind, for whom (masked) and when. Only a kiosk may register.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hall_contract.documents import RegisterDocumentArgs
from hall_contract.errors import HallError
from hardware.document.verification import normalize
from queue_server.actor import Actor, ActorKind
from queue_server.store.documents import DocumentRecord, DocumentStore


class NotAKiosk(HallError):
    code = "not_a_kiosk"
    message_zh = "只有本厅自助终端可以登记打印的证明"
    message_en = "Only this hall's kiosks may register printed documents"


class BadCode(HallError):
    code = "invalid_code"
    message_zh = "核验码无效"
    message_en = "Not a valid verification code"


class CodeTaken(HallError):
    code = "code_taken"
    message_zh = "该核验码已由其他终端登记"
    message_en = "That verification code was registered by another device"


@dataclass(frozen=True)
class DocumentRegister:
    store: DocumentStore
    clock: Callable[[], datetime]
    kiosks: Callable[[], Iterable[str]]  # the device ids of this hall's kiosks

    def register(self, args: dict[str, Any], actor: Actor) -> dict[str, Any]:
        parsed = RegisterDocumentArgs.model_validate(args)
        if actor.kind is not ActorKind.DEVICE or actor.id not in set(self.kiosks()):
            raise NotAKiosk(actor.id)
        code = normalize(parsed.code)
        if code is None:
            raise BadCode(parsed.code[:32])
        record = DocumentRecord(code=code, kind=parsed.kind, holder=parsed.holder, id_masked=parsed.id_masked,
                                insurances=tuple(parsed.insurances), first_month=parsed.first_month,
                                last_month=parsed.last_month, pages=parsed.pages, issued_at=parsed.issued_at,
                                registered_at=self.clock(), device=actor.id, revoked=False)
        stored = self.store.add(record)
        if stored.device != actor.id or stored.kind != record.kind:
            raise CodeTaken(code)
        return {"code": stored.code, "registered_at": stored.registered_at.isoformat(timespec="seconds")}

    def lookup(self, text: str) -> DocumentRecord | None:
        """The registered document of a code as typed or scanned; None when it is not one of ours."""
        code = normalize(text)
        return self.store.get(code) if code is not None else None


def document_register(service: Any) -> DocumentRegister:
    """The register on the hall service's database (the kiosk of the hall's configuration may register)."""
    settings = service.settings
    return DocumentRegister(DocumentStore(service.store.engine), service.now, lambda: (settings.kiosk.device_id,))


def register_document(service: Any, args: dict[str, Any], device: str | None = None) -> dict[str, Any]:
    """The ``register_document`` RPC: ``device`` is the sender the broker proved (its topic), when known;
    on a broker without accounts the request's ``source`` is all there is."""
    source = device or args.get("source")
    sender = source.strip()[:64] if isinstance(source, str) and source.strip() else "rpc"
    return document_register(service).register(args, Actor.device(sender))

