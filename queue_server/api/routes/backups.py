"""第五十九条 on the console: the last scheduled backup (and its copy), and the restore drills' history."""
from __future__ import annotations

from datetime import datetime, tzinfo
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
    drills = [_hall_time(d, svc.tz) for d in drill_history(svc.store)]
    last = last_backup(svc.store)
    return {"last_backup": _hall_time(last, svc.tz) if last else None, "drills": drills,
            "last_drill_ok": drills[0]["ok"] if drills else None}


def _hall_time(record: dict[str, Any], tz: tzinfo) -> dict[str, Any]:
    """``at`` in the hall's time zone (it is recorded in UTC)."""
    try:
        at = datetime.fromisoformat(str(record.get("at"))).astimezone(tz).isoformat()
    except ValueError:
        return record
    return {**record, "at": at}
