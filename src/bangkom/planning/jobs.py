"""The "akpk_gather" job: needs_gather for a whole instansi, outside any request (DESIGN.md: long work).

params: {"akpk_id": int, "next_positions": {"<employee_id>": <position_id>} | None, "lang": "id" | "en"}.
The actor is the user who submitted the job; needs_gather checks their scope again when the job runs.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from bangkom.engine.textnum import plain_int
from bangkom.jobs.models import Job
from bangkom.jobs.registry import JobFailed, ProgressFn, job_function
from bangkom.planning.models import Akpk
from bangkom.planning.services import OutOfScope, RecordInvalid, needs_gather


@job_function("akpk_gather")
def akpk_gather_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    params = job.params or {}
    lang = params.get("lang") or "id"
    with translation.override(lang if lang in ("id", "en") else "id"):
        akpk_id = str(params.get("akpk_id") or "")
        akpk = Akpk.objects.filter(pk=plain_int(akpk_id) or 0).first()
        if akpk is None:
            raise JobFailed(_("AKPK tidak ditemukan."))
        raw = params.get("next_positions") or {}
        next_positions = {int(k): int(v) for k, v in raw.items()}
        progress(5, _("Menghimpun kebutuhan"))
        try:
            result = needs_gather(actor=job.created_by, akpk=akpk, next_positions=next_positions or None)
        except OutOfScope as exc:
            raise JobFailed(_("Anda tidak berwenang atas AKPK ini.")) from exc
        except RecordInvalid as exc:
            raise JobFailed(exc.messages[0], report="\n".join(exc.messages)) from exc
        return {
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "kept": result.kept,
            "by_source": result.by_source,
        }


@job_function("plan_run")
def plan_run_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    """params: {"run_id": int, "lang": "id" | "en"}; solves and stores the run (plan_services.plan_run_execute)."""
    from bangkom.planning.models import PlanRun
    from bangkom.planning.plan_services import plan_run_execute

    params = job.params or {}
    lang = params.get("lang") or "id"
    with translation.override(lang if lang in ("id", "en") else "id"):
        run_id = str(params.get("run_id") or "")
        run = (
            PlanRun.objects.select_related("akpk__agency").filter(pk=plain_int(run_id) or 0).first()
        )
        if run is None:
            raise JobFailed(_("Rencana tidak ditemukan."))
        try:
            return plan_run_execute(run, progress)
        except RecordInvalid as exc:
            raise JobFailed(exc.messages[0], report="\n".join(exc.messages)) from exc
