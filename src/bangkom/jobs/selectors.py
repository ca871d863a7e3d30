from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangkom.jobs.models import Job


def jobs_visible_to(user: Any) -> QuerySet[Job]:
    """A job (and its error report) is visible to the user who started it only."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by_id=user.pk)
