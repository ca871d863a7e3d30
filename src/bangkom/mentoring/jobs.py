"""The "mentoring_match" job: the matching proposal of a programme, outside any request.

params: {"programme_id": int, "lang": "id" | "en"}; the submitting user must still be its admin instansi.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from bangkom.engine.textnum import plain_int
from bangkom.jobs.models import Job
from bangkom.jobs.registry import JobFailed, ProgressFn, job_function
from bangkom.mentoring.models import Programme
from bangkom.mentoring.proposal import matching_propose
from bangkom.mentoring.services import OutOfScope, RecordInvalid


@job_function("mentoring_match")
def mentoring_match_job(job: Job, progress: ProgressFn) -> dict[str, Any]:
    params = job.params or {}
    lang = params.get("lang") or "id"
    with translation.override(lang if lang in ("id", "en") else "id"):
        raw = str(params.get("programme_id") or "")
        programme = Programme.objects.filter(pk=plain_int(raw) or 0).first()
        if programme is None:
            raise JobFailed(_("Program tidak ditemukan."))
        progress(10, _("Menyusun usulan pasangan"))
        try:
            result = matching_propose(actor=job.created_by, programme=programme)
        except OutOfScope as exc:
            raise JobFailed(_("Anda tidak berwenang atas program ini.")) from exc
        except RecordInvalid as exc:
            raise JobFailed(exc.messages[0], report="\n".join(exc.messages)) from exc
        return {
            "programme_id": programme.pk,
            "proposed": result.proposed,
            "kept": result.kept,
            "unmatched": result.unmatched,
            "total_fit": result.total_fit,
        }
