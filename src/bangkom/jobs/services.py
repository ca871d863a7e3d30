"""Submitting and running long jobs: inline (sync), in a background thread (embedded) or on Celery workers."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.jobs.models import Job, JobStatus
from bangkom.jobs.registry import JobFailed, get_job_function

logger = logging.getLogger(__name__)


def _set_progress(job_id: Any, percent: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(percent))), message=message[:500])


def run_job(job_id: Any) -> Job:
    """Run a queued job to the end, recording its status, progress and result. Used by every runner."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=0)
    fn = get_job_function(job.kind)

    def progress(percent: int, message: str = "") -> None:
        _set_progress(job.pk, percent, message)

    try:
        result = fn(job, progress)
    except JobFailed as exc:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=exc.message[:500],
            error_report=exc.report,
            result=exc.result,
        )
    except Exception:
        logger.exception("job %s (%s) crashed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("Terjadi kesalahan internal; hubungi operator."),
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, finished_at=timezone.now(), progress=100, result=result
        )
    job.refresh_from_db()
    return job


def _run_in_thread(job_id: Any) -> None:
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def submit_job(*, kind: str, params: dict[str, Any], user: Any = None, agency_id: int | None = None) -> Job:
    """Create the Job record and hand it to the configured runner once the creating transaction commits."""
    job = Job.objects.create(
        kind=kind,
        params=params,
        agency_id=agency_id,
        created_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    runner = settings.BANGKOM_JOB_RUNNER
    if runner == "sync":
        run_job(job.pk)
        job.refresh_from_db()
    elif runner == "celery":
        from bangkom.jobs.tasks import run_job_task

        transaction.on_commit(lambda: run_job_task.delay(str(job.pk)))
    else:

        def start() -> None:
            threading.Thread(target=_run_in_thread, args=(job.pk,), name=f"job-{job.pk}", daemon=True).start()

        transaction.on_commit(start)
    return job
