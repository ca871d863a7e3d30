"""The "import" job: the same run_import as the CLI, for uploads through the web (never inside a request).

params: {"path": str, "restrict_agency_ids": [int] | None, "lang": "id" | "en"}. The actor is the user
who submitted the job.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation

from bangkom.interchange import messages as msg
from bangkom.interchange.importer import ImportUsageError, run_import
from bangkom.jobs.models import Job
from bangkom.jobs.registry import JobFailed, ProgressFn, job_function


@job_function("import")
def import_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    params = job.params or {}
    restrict = params.get("restrict_agency_ids")
    lang = params.get("lang") or "id"
    with translation.override(lang if lang in ("id", "en") else "id"):
        try:
            result = run_import(
                Path(params["path"]),
                actor=job.created_by,
                restrict_agency_ids=set(restrict) if restrict is not None else None,
                progress=progress,
            )
        except ImportUsageError as exc:
            raise JobFailed(str(exc), report=str(exc), result={"errors": 1}) from exc
        if not result.ok:
            raise JobFailed(
                msg.refused_summary(len(result.errors)),
                report="\n".join(result.error_lines()),
                result={"errors": len(result.errors), "warnings": result.warnings},
            )
        return {"counts": result.counts, "warnings": result.warnings, "files": result.files}
