from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from bangkom.jobs.selectors import jobs_visible_to

router = Router(tags=["pekerjaan latar"])


class JobOut(Schema):
    id: uuid.UUID
    kind: str
    status: str
    progress: int
    message: str
    result: Any = None
    has_error_report: bool
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.get("/jobs/{job_id}", response=JobOut)
def job(request: HttpRequest, job_id: uuid.UUID) -> dict[str, Any]:
    j = jobs_visible_to(request.user).filter(pk=job_id).first()
    if j is None:
        raise Http404
    return {
        "id": j.pk,
        "kind": j.kind,
        "status": j.status,
        "progress": j.progress,
        "message": j.message,
        "result": j.result,
        "has_error_report": bool(j.error_report),
        "created_at": j.created_at,
        "finished_at": j.finished_at,
    }
