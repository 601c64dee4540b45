"""第五十九条 on the console: the last scheduled backup (and its copy), and the restore drills' history."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from queue_server.api.deps import ServiceDep, require
from queue_server.auth import Principal
from queue_server.backups import drill_history, last_backup

router = APIRouter(prefix="/api", tags=["backups"])
Reader = Annotated[Principal, Depends(require("manager", "admin", "auditor"))]


@router.get("/backups")
def backups(svc: ServiceDep, _p: Reader) -> dict[str, Any]:
    """``{"last_backup": {at, file, bytes, copied_to, copy_error} | null, "drills": [{at, ok, backup, counts,
    revision, seconds, error}, ...]}`` newest first (written by ``hallctl backup`` and ``hallctl backup drill``)."""
    drills = drill_history(svc.store)
    return {"last_backup": last_backup(svc.store), "drills": drills,
            "last_drill_ok": drills[0]["ok"] if drills else None}
