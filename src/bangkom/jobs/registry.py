"""Job functions by kind. A job function takes the Job and a progress callback and returns a JSON result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bangkom.jobs.models import Job

ProgressFn = Callable[[int, str], None]
JobFn = Callable[[Job, ProgressFn], Any]

_REGISTRY: dict[str, JobFn] = {}


class JobFailed(Exception):
    """Raised by a job function to end the job as failed with a user-facing message and an error report."""

    def __init__(self, message: str, report: str = "", result: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.report = report
        self.result = result


def job_function(kind: str) -> Callable[[JobFn], JobFn]:
    def register(fn: JobFn) -> JobFn:
        _REGISTRY[kind] = fn
        return fn

    return register


def get_job_function(kind: str) -> JobFn:
    if kind not in _REGISTRY:
        # Job functions register when their app's jobs module is imported.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
    return _REGISTRY[kind]
