"""A clerk without a fixed window works at any window of the kind their staff record names (``hallctl staff
add NAME --role clerk --kind query``); with no kind named, at any window, as before."""
from __future__ import annotations

from fastapi import Request

from queue_server.api.errors import ApiError
from queue_server.auth import read_token
from queue_server.frontdesk.profiles import ProfileStore


async def clerk_window_kind(request: Request) -> None:
    """Route check for ``/api/windows/{n}/...``: refuses a floating clerk at a window of another kind."""
    n = request.path_params.get("n")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    runtime = request.app.state.runtime
    if n is None or scheme.lower() != "bearer" or not token or runtime.store is None:
        return
    p = read_token(runtime.keyring, token)  # an invalid token is the route's own 401
    if p is None or p.role != "clerk" or p.window is not None:
        return
    profile = ProfileStore(runtime.store.engine).get(p.username)
    window = next((w for w in runtime.settings.windows if str(w.number) == str(n)), None)
    if profile is None or profile.window_kind is None or window is None:
        return
    if str(window.kind) != profile.window_kind:
        raise ApiError(403, "wrong_window_kind", f"您只能在{_KIND_ZH.get(profile.window_kind, '')}窗口工作，"
                       f"{n} 号窗口不是 (you work at {profile.window_kind} windows; window {n} is {window.kind})")


_KIND_ZH = {"accept": "综合受理", "query": "查询出件", "bulk": "大宗业务", "elastic": "弹性"}
