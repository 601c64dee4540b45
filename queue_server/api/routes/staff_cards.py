"""亮牌: a member of staff's display name, staff number and photo, as the window screen and the rating
tablet show them (public in the hall, like the badge itself; no login name is needed to read them)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response

from queue_server.api.deps import CurrentStaff, ServiceDep
from queue_server.api.errors import ApiError
from queue_server.frontdesk.profiles import ProfileStore

router = APIRouter(prefix="/api/staff", tags=["staff"])
Username = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[\w.\-@]+$")]


@router.get("/{username}/card")
def card(username: Username, svc: ServiceDep, _p: CurrentStaff) -> dict[str, Any]:
    """Staff only: answered to anyone, it would tell which login names exist."""
    p = ProfileStore(svc.store.engine).get(username)
    if p is None or not (p.display_name or p.staff_no or p.has_photo):
        raise ApiError(404, "not_found", "没有此工作人员的亮牌信息 (no badge for this member of staff)")
    return {"display_name": p.display_name, "staff_no": p.staff_no,
            "photo_url": f"/api/staff/{username}/photo" if p.has_photo else None}


@router.get("/{username}/photo", response_class=Response)
def photo(username: Username, svc: ServiceDep) -> Response:
    got = ProfileStore(svc.store.engine).photo(username)
    if got is None:
        raise ApiError(404, "not_found", "没有照片 (no photo)")
    data, mime = got
    return Response(data, media_type=mime, headers={"Cache-Control": "max-age=300"})
