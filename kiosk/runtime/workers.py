"""Small adapters: the platform gateway off the UI thread, and the voice guidance speaker."""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import events as ev
from kiosk.gateway import Gateway, GatewayError, GatewayUnavailable
from kiosk.ports import SilentSpeaker, Speaker
from kiosk.settings import KioskSettings

log = logging.getLogger(__name__)


class GatewayWorker:
    """Runs platform calls one after another on a thread of its own and posts each outcome."""

    def __init__(self, gateway: Gateway, post: Callable[[ev.Event], None]) -> None:
        self.gateway, self.post = gateway, post
        self._calls: queue.Queue[tuple[str, Callable[[Gateway], Any]] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._calls.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def submit(self, job: str, call: Callable[[Gateway], Any]) -> None:
        self._calls.put((job, call))

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            job, call = item
            try:
                self.post(ev.GatewayAnswered(job, call(self.gateway)))
            except GatewayError as err:
                self.post(ev.GatewayFailed(job, err))
            except Exception as err:
                log.exception("platform call %s failed", job)
                self.post(ev.GatewayFailed(job, GatewayUnavailable(type(err).__name__)))


def gateway_from_settings(k: KioskSettings) -> Any:
    """The backend ``[kiosk] gateway`` names, opened."""
    if k.gateway == "http":
        from kiosk.gateway.http import HttpGateway

        assert k.gateway_url is not None  # the settings validator made sure
        gw: Any = HttpGateway(k.gateway_url, k.gateway_token, k.gateway_timeout_s)
    else:
        from kiosk.gateway.local import LocalGateway

        gw = LocalGateway(k.gateway_db)
    gw.open()
    return gw


def make_speaker(k: KioskSettings) -> tuple[Speaker, Callable[[], None]]:
    """The voice guidance speaker and its stop function (a silent one when speech cannot start)."""
    if not k.voice_guidance:
        return SilentSpeaker(), lambda: None
    try:
        from hardware.speech import SpeechConfig, SpeechService

        service = SpeechService(SpeechConfig(cache_dir=Path(k.speech_cache_dir), output=k.speech_output))
        service.start()
    except Exception as err:  # no pyttsx3, no espeak-ng: the kiosk works without a voice
        log.warning("voice guidance is off: %s", err)
        return SilentSpeaker(), lambda: None
    from kiosk.runtime.guidance import CurrentSpeaker

    current = CurrentSpeaker(service)

    def stop() -> None:
        current.stop()
        service.stop()

    return current, stop
