"""Who sent an RPC request, as the broker proves it.

A device sends on ``devices/{device_id}/rpc/{method}``; on a broker with accounts (what
``hallctl devices provision`` writes) only that device's account may write there, so the
topic's device id is who sent it, whatever the payload says. The plain ``rpc/{method}`` form
(a broker without accounts) has no sender: it is anonymous.

The :class:`Roster` says what each device may do: kiosks (``[kiosk] device_id`` and
``[server] kiosk_ids``) may set a ticket's priority, holder and source; window devices
(``window-{n}`` for window n, the window bridge for the windows of its units) drive only their
own windows. ``enforced`` is true when the server itself logs in to the broker with an account:
then the hall is provisioned and the window rules apply; on an open broker (the demo, a test
bench) anyone may say anything: a device whose status says it is a kiosk counts as one, and
only the reply and priority rules hold.
"""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from queue_server.settings import Settings

ANONYMOUS = "anonymous"
#: the server's second broker session, which hears only the kiosks' requests (its account: the server's
#: username with this suffix and the server's password, written by ``hallctl devices provision``)
KIOSK_LANE_SUFFIX = "-kiosks"


def kiosk_lane_url(server_url: str) -> str:
    """The server's broker URL with the kiosk lane's account (the same when the server has no account)."""
    u = urllib.parse.urlsplit(server_url)
    if not u.username:
        return server_url
    netloc = urllib.parse.quote(urllib.parse.unquote(u.username) + KIOSK_LANE_SUFFIX, safe="")
    if u.password is not None:
        netloc += ":" + u.password
    netloc += "@" + u.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit((u.scheme, netloc, u.path, u.query, u.fragment))


@dataclass(frozen=True)
class Roster:
    kiosks: frozenset[str] = frozenset()
    windows: dict[str, frozenset[int]] = field(default_factory=dict)
    enforced: bool = False

    @classmethod
    def of(cls, settings: Settings, enforced: bool) -> Roster:
        windows = {f"window-{w.number}": frozenset({w.number}) for w in settings.windows}
        bridge = settings.window_bridge
        bridged = bridge.windows(settings.devices.rs485_units)
        windows[bridge.device_id] = windows.get(bridge.device_id, frozenset()) | bridged
        return cls(frozenset([settings.kiosk.device_id, *settings.server.kiosk_ids]), windows, enforced)

    def is_kiosk(self, device: str | None, said_kind: str | None = None) -> bool:
        """A configured kiosk; on an open broker also a device whose own status says ``kiosk`` (there every
        word is a claim: a test bench's kiosks have ids of their own)."""
        if device is None:
            return False
        return device in self.kiosks or (not self.enforced and said_kind == "kiosk")

    def may_drive(self, device: str | None, window: int) -> bool:
        """May ``device`` (None: an anonymous request) act on window ``window``?"""
        if not self.enforced:
            return True
        return device is not None and window in self.windows.get(device, frozenset())
