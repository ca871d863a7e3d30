"""Jobs: status, progress and result are recorded by every runner."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import override_settings

from bangkom.jobs.models import Job, JobStatus
from bangkom.jobs.registry import JobFailed, ProgressFn, job_function
from bangkom.jobs.services import run_job, submit_job


@job_function("test-count")
def _count(job: Job, progress: ProgressFn) -> dict[str, Any]:
    n = int(job.params["n"])
    for i in range(n):
        progress(int(100 * (i + 1) / n), f"{i + 1}/{n}")
    return {"counted": n}


@job_function("test-refuse")
def _refuse(job: Job, progress: ProgressFn) -> None:
    progress(50, "half")
    raise JobFailed("ditolak", report="a.csv:2: salah")


@job_function("test-crash")
def _crash(job: Job, progress: ProgressFn) -> None:
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_sync_runner_success() -> None:
    job = submit_job(kind="test-count", params={"n": 4})
    assert (job.status, job.progress, job.result) == (JobStatus.SUCCEEDED, 100, {"counted": 4})
    assert job.started_at is not None and job.finished_at is not None


@pytest.mark.django_db
def test_refusal_keeps_report_and_message() -> None:
    job = submit_job(kind="test-refuse", params={})
    assert (job.status, job.message, job.error_report) == (JobStatus.FAILED, "ditolak", "a.csv:2: salah")


@pytest.mark.django_db
def test_crash_is_recorded_without_leaking_details() -> None:
    job = Job.objects.create(kind="test-crash")
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "boom" not in job.message


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows_after")
def test_thread_runner_finishes_in_background() -> None:
    with override_settings(BANGKOM_JOB_RUNNER="thread"):
        job = submit_job(kind="test-count", params={"n": 3})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.05)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 3}


@pytest.mark.django_db
def test_celery_runner_dispatches_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    from bangkom.config.celery import app

    app.conf.task_always_eager = True
    try:
        with override_settings(BANGKOM_JOB_RUNNER="celery"), django_capture_on_commit_callbacks(execute=True):
            job = submit_job(kind="test-count", params={"n": 2})
            # Nothing runs before the creating transaction commits.
            assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    finally:
        app.conf.task_always_eager = False
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"counted": 2})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows_after")
def test_celery_worker_through_redis() -> None:
    """A real Celery worker (in-process) takes the job from Redis, as on a production worker machine."""
    import redis
    from celery.contrib.testing.worker import start_worker

    from bangkom.config.celery import app

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")

    def use_broker(broker: str) -> None:
        # The producer pool remembers the broker it was made for; drop it so the new URL takes effect.
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None

    use_broker(url)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            with override_settings(BANGKOM_JOB_RUNNER="celery"):
                job = submit_job(kind="test-count", params={"n": 5})
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                job.refresh_from_db()
                if job.is_finished:
                    break
                time.sleep(0.1)
    finally:
        use_broker("memory://")
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"counted": 5})
